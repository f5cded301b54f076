"""`make bench`: every benchmark in turn; each writes its figures into benchmarks/RESULTS.md.

    .venv/bin/python -m benchmarks [--only NAME ...]

NAME is one of: recommender, ingest, search, home, insights, faults, load (the
load suite runs for about 15 minutes), media_transcode, playback, spark_train. The recommender suite runs
benchmarks/recommender_eval.sh (the offline protocol on
../shared/data/ml-latest-small, warm and cold), the scale benchmark and the
cold-start ceiling.
"""

import argparse
import importlib
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SUITES = (
    "recommender",
    "ingest",
    "search",
    "home",
    "insights",
    "faults",
    "load",
    "media_transcode",
    "playback",
    "spark_train",
)


def run_recommender() -> None:
    subprocess.run(["bash", str(HERE / "recommender_eval.sh")], check=True)
    importlib.import_module("benchmarks.recommender_scale").main([])
    importlib.import_module("benchmarks.recommender_cold_ceiling").main([])
    importlib.import_module("benchmarks.recommender_report").main()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=SUITES, default=list(SUITES))
    args = parser.parse_args(argv)
    failed = []
    for name in args.only:
        print(f"== {name}", flush=True)
        try:
            if name == "recommender":
                run_recommender()
            else:
                importlib.import_module(f"benchmarks.{name}").main([])
        except (subprocess.CalledProcessError, SystemExit, RuntimeError) as exc:
            print(f"{name} failed: {exc}", file=sys.stderr)
            failed.append(name)
    if failed:
        print("failed: " + ", ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
