"""The quick fit of `make demo` alone: the hybrid with the site's defaults on a seeded instance.

    MARQUEE_INSTANCE_PATH=/tmp/demo-clone/instance .venv/bin/python -m benchmarks.quick_fit [--profile]

Reads the instance's event log and catalog as `recommender train --quick`
does, then times `HybridRecommender(**site_defaults()).fit` and prints the
shapes of the content ridge (head titles x features); `--profile` adds the
cProfile functions with the most cumulative time.
"""

import argparse
import cProfile
import pstats
import sys
import time


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    from recommender import HybridRecommender
    from webapp import create_app
    from webapp.recommendations.features import load_item_features
    from webapp.recommendations.feedback import training_feedback
    from webapp.recommendations.training import site_defaults

    app = create_app()
    with app.app_context():
        inter = training_feedback()
        features = load_item_features()
    model = HybridRecommender(**site_defaults())
    profiler = cProfile.Profile()
    began = time.perf_counter()
    if args.profile:
        profiler.enable()
    model.fit(inter, features)
    profiler.disable()
    seconds = time.perf_counter() - began
    head = model.Fr[model.cf_items].shape
    cold = model.Fcr[model.cf_items].shape
    print(f"fit {seconds:.2f} s; content ridge {head[0]} x {head[1]}, cold {cold[0]} x {cold[1]}")
    if args.profile:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(12)
    return 0


if __name__ == "__main__":
    sys.exit(main())
