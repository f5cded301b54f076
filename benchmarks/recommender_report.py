"""Write benchmarks/results/recommender.md from the JSON results and the peer file.

Reads ``recommender_{warm,cold}.json`` (from ``recommender_eval.sh``),
``recommender_scale.json`` (from ``recommender_scale.py``) when present, and
``../shared/eval/peers-ml-latest-small.json`` for the comparison.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RES = ROOT / "benchmarks" / "results"
PEERS = ROOT.parent / "shared" / "eval" / "peers-ml-latest-small.json"


def _load(name: str):
    p = RES / name
    return json.loads(p.read_text()) if p.is_file() else None


def _fmt(v, nd=4):
    return "-" if v is None else (f"{v:.{nd}f}" if isinstance(v, float) else str(v))


def main() -> None:
    peers = json.loads(PEERS.read_text()) if PEERS.is_file() else None
    lines = ["# Recommender results", ""]
    for scen in ("warm", "cold"):
        out = _load(f"recommender_{scen}.json")
        if out is None:
            continue
        lines += [
            (
                f"## {scen} scenario (`python -m recommender.evaluate --movielens "
                f"../shared/data/ml-latest-small --scenario {scen} --json`)"
            ),
            "",
            f"Threads: {out['threads']}. Stats: `{json.dumps(out['stats'])}`.",
            "",
            (
                "| model | NDCG@10 | Recall@10 | Recall@20 | HitRate@10 | Coverage@10 | PopPct@10 "
                "| fit s | rec ms median | rec ms p99 | params |"
            ),
            "|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for r in out["results"]:
            lines.append(
                "| "
                + " | ".join(
                    [
                        r["model"],
                        _fmt(r["ndcg@10"]),
                        _fmt(r["recall@10"]),
                        _fmt(r["recall@20"]),
                        _fmt(r["hit@10"]),
                        _fmt(r.get("coverage@10")),
                        _fmt(r.get("popularity_percentile"), 1),
                        _fmt(r["fit_seconds"], 2),
                        _fmt(r["recommend_ms_median"], 2),
                        _fmt(r["recommend_ms_p99"], 2),
                        f"`{json.dumps(r['params'])}`",
                    ]
                )
                + " |"
            )
        if peers:
            best_name, best = max(peers[scen].items(), key=lambda kv: kv[1]["test"]["NDCG@10"])
            ours = next(r for r in out["results"] if r["model"] == out["ours"])
            factor = 1.05 if scen == "warm" else 1.10
            target = factor * best["test"]["NDCG@10"]
            lines += [
                "",
                (
                    f"Best peer: {best_name} NDCG@10 {best['test']['NDCG@10']:.4f}; target "
                    f"{factor:.2f}x = {target:.4f}; ours {ours['ndcg@10']:.4f} "
                    f"({ours['ndcg@10'] / best['test']['NDCG@10']:.3f}x) -> "
                    f"{'met' if ours['ndcg@10'] >= target else 'NOT met'}."
                ),
            ]
            if scen == "warm":
                lines.append(
                    f"Coverage@10 {ours['coverage@10']:.4f} vs peer {best['test']['Coverage@10']:.4f}; "
                    f"popularity percentile {ours['popularity_percentile']:.1f} vs peer "
                    f"{best['test']['PopPct@10']:.1f}."
                )
        lines.append("")
    scale = _load("recommender_scale.json")
    if scale:
        lines += [
            "## Scale (`" + scale["command"] + "`)",
            "",
            (
                f"Synthetic log: {scale['users']:,} users x {scale['items']:,} titles, "
                f"{scale['pairs']:,} (user, title) pairs."
            ),
            "",
            (
                f"- fit: {scale['fit_seconds']:.1f} s (stages, cumulative s: "
                f"`{json.dumps(scale['fit_stage_seconds'])}`)"
            ),
            (
                f"- peak RSS: {scale['peak_rss_gib']:.2f} GiB (before fit: "
                f"{scale['rss_before_fit_gib']:.2f} GiB)"
            ),
            (
                f"- recommend (known user, k=20): median {scale['recommend']['median_ms']:.2f} ms, "
                f"p99 {scale['recommend']['p99_ms']:.2f} ms"
            ),
            (
                f"- recommend_for_history (200 titles): median "
                f"{scale['recommend_for_history_200']['median_ms']:.2f} ms, p99 "
                f"{scale['recommend_for_history_200']['p99_ms']:.2f} ms"
            ),
            (
                f"- similar_items: median {scale['similar_items']['median_ms']:.2f} ms, p99 "
                f"{scale['similar_items']['p99_ms']:.2f} ms"
            ),
            (
                f"- after load (mmap): recommend median "
                f"{scale['recommend_after_load_mmap']['median_ms']:.2f} ms, p99 "
                f"{scale['recommend_after_load_mmap']['p99_ms']:.2f} ms"
            ),
            (
                f"- artifact: {scale['artifact_bytes'] / 2**30:.2f} GiB, save "
                f"{scale['save_seconds']:.1f} s, load {scale['load_seconds_verified']:.1f} s "
                f"(with SHA-256), {scale['load_seconds_unverified']:.2f} s (without)"
            ),
            "",
        ]
    ctx = _load("recommender_context.json")
    if ctx:
        val = ", ".join(f"{g}: {v:.4f}" for g, v in ctx["validation"].items())
        lines += [
            "## Time-of-day context (`python benchmarks/recommender_context.py`)",
            "",
            (
                f"Validation NDCG@10 by context weight gamma: {val}. Chosen gamma "
                f"{ctx['best_gamma']}; helps: {ctx['helps']}. Not shipped."
            ),
            "",
        ]
    ceiling = _load("recommender_cold_ceiling.json")
    if ceiling:
        lines += [
            "## Cold-start ceiling (`python benchmarks/recommender_cold_ceiling.py`)",
            "",
            (
                "Validation draws only. Popularity R^2 from the description, out of fold: "
                f"{ceiling['mean_popularity_r2_out_of_fold']:.3f}. Mean NDCG@10:"
            ),
            "",
            "| ranking | NDCG@10 |",
            "|---|---|",
        ]
        lines += [f"| {name} | {v:.4f} |" for name, v in ceiling["mean_ndcg@10"].items()]
        lines.append("")
    (RES / "recommender.md").write_text("\n".join(lines))
    print("\n".join(lines))
    try:  # also the shared benchmarks/RESULTS.md, one section per owner
        sys.path.insert(0, str(ROOT))
        from benchmarks.results_md import write_subsection

        write_subsection(
            "Recommender",
            "Offline protocol (ml-latest-small) and scale",
            "\n".join(lines[2:]).replace("## ", "#### "),
        )
    except ImportError:
        pass


if __name__ == "__main__":
    main()
