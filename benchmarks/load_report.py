"""Turning a load run into figures: per-endpoint latency, errors, reconciliation, targets."""

import os
import time

from benchmarks.load_scenarios import SETTLE_SECONDS

ENDPOINTS = (
    "home",
    "title",
    "player",
    "events",
    "rating",
    "list",
    "state",
    "artwork",
    "suggest",
    "search",
)
TARGETS = {
    "load": "errors 0, lost 0",
    "kill": "errors only for the request in flight on the killed worker, lost 0, 4 workers again",
    "retrain": "errors 0, lost 0, every worker switches to the new model",
}
INTRO = {
    "load": (
        "Plain load: every viewer loops over a visit (home page with its impressions batch, "
        "posters and card states, a click beacon, the title page, a thumb and a My List toggle, "
        "the player with play_start, 3-6 heartbeats, sometimes a seek to the end and complete, "
        "pause, then suggestions as a word is typed and the search page), pausing 0-{pause:g} s "
        "between steps; each heartbeat stands for the player's 10 s interval. Demo seed "
        "({profiles} simulated profiles), a trained model, gunicorn.conf.py with 4 sync workers; "
        "each viewer is signed in to its own account through the real forms."
    ),
    "kill": "Same load; half way through, one gunicorn worker (a child of the master) gets SIGKILL.",
    "retrain": (
        "Same load; after 5 s `flask --app wsgi recommender train` (what the admin page's button "
        "runs) fits a new model on the same database and writes it to the served model directory."
    ),
}


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def endpoint_rows(tallies: list[dict]) -> list[tuple]:
    """(endpoint, requests, errors, p50, p95, p99) per endpoint, then all of them together."""
    rows, every = [], []
    for name in ENDPOINTS:
        times = [x for t in tallies for x in t["latencies"].get(name, [])]
        # A request that got no answer has no latency, but it was a request.
        unanswered = sum(
            1
            for t in tallies
            for f in t["failures"]
            if f[2] == name and not f[3].startswith("HTTP")
        )
        errors = sum(t["errors"].get(name, 0) for t in tallies)
        every += times
        rows.append((name, len(times) + unanswered, errors, *_quantiles(times)))
    total = (sum(r[1] for r in rows), sum(r[2] for r in rows))
    return [*rows, ("**all**", *total, *_quantiles(every))]


def _quantiles(times: list[float]) -> tuple[float, float, float]:
    return _percentile(times, 0.5), _percentile(times, 0.95), _percentile(times, 0.99)


def _table(rows: list[tuple]) -> str:
    lines = [
        "| endpoint | requests | errors | p50 ms | p95 ms | p99 ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, n, errors, p50, p95, p99 in rows:
        lines.append(f"| {name} | {n:,} | {errors} | {p50:.1f} | {p95:.1f} | {p99:.1f} |")
    return "\n".join(lines)


def _at(result: dict, moment: float | None) -> str:
    return "never" if moment is None else f"{moment - result['began']:.1f} s"


def _headline(result: dict, command: str, rows: list[tuple]) -> str:
    tallies = result["tallies"]
    requests, errors = rows[-1][1], rows[-1][2]
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(result["ended"]))
    return (
        f"**{result['backend']}**: `{command}` ({stamp}, {os.cpu_count()} CPUs shared with other "
        f"work, load average {result['load_average']:.1f} at the end). {len(tallies)} viewers, "
        f"{result['ended'] - result['began']:.0f} s, {sum(t['visits'] for t in tallies):,} visits, "
        f"{requests:,} requests, **{errors} error{'' if errors == 1 else 's'}** ({100 * errors / max(1, requests):.2f} %; "
        f"target: {TARGETS[result['scenario']]}). The viewer processes themselves used "
        f"{sum(t['cpu'] for t in tallies):.1f} CPU-seconds."
    )


def _reconciliation(check: dict) -> str:
    return (
        f"Reconciliation: acknowledged events {check['acknowledged']:,}, stored "
        f"{check['stored']:,}, **lost {check['lost']}** (target 0); stored though the reply never "
        f"arrived {check['stored_unacknowledged']}; rating and My List rows checked "
        f"{check['state_checked']:,}, wrong {check['state_mismatches']} (target 0), left unchecked "
        f"because the viewer's call failed {check['state_unknown']}."
    )


def _kill_notes(result: dict) -> list[str]:
    x = result["extra"]
    failures = [f for t in result["tallies"] for f in t["failures"]]
    # A request was in flight at the kill when it began before it and ended (failed) after it.
    in_flight = [f for f in failures if f[0] <= x["killed_at"] <= f[1] + 0.05]
    replaced = (
        f"the master forked pid {', '.join(map(str, x['new']))} "
        f"{x['replaced_at'] - x['killed_at']:.2f} s later"
        if x["replaced_at"]
        else "it was NOT replaced during the run"
    )
    first = x.get("first_page_after_kill")
    served = (
        f"the replacement loaded the model for its first home or title page "
        f"{first - x['killed_at']:.1f} s after the kill"
        if first
        else "the replacement's log shows no home or title page served"
    )
    what = "; ".join(f"{f[2]}: {f[3]}" for f in failures[:5])
    return [
        (
            f"Worker pid {x['victim']} killed at {_at(result, x['killed_at'])}; {replaced}; {served}; "
            f"workers at the end: {x['workers_at_end']} (target {x['workers']})."
        ),
        f"Failed requests: {len(failures)}"
        + (f" ({what})" if failures else "")
        + f", of which in flight when the worker died: {len(in_flight)}. A sync worker serves "
        "one request at a time, so at most 1 may fail.",
    ]


def _retrain_notes(result: dict) -> list[str]:
    x = result["extra"]
    ran = (
        f"The training command started at {_at(result, x['started'])}, wrote version "
        f"`{x['version']}` at {_at(result, x['landed'])} and exited with code {x['returncode']} "
        f"at {_at(result, x['done'])}; the load went on until {SETTLE_SECONDS:.0f} s after the new "
        "version landed."
    )
    if x["landed"] is None:
        return [ran]
    pages = [m for t in result["tallies"] for m in t["models"] if m[0] >= x["landed"]]
    new = [m[0] - x["landed"] for m in pages if m[2] == x["version"]]
    old = [m[0] - x["landed"] for m in pages if m[2] != x["version"]]
    switched = [t - x["landed"] for t in x.get("switched", [])]
    pages_line = (
        f"Home and title pages (each names the model it was built with) after it landed: "
        f"{len(pages):,}, {len(new):,} built with the new model, the first {min(new):.1f} s after "
        f"it landed; the last one with the old model {max(old, default=0.0):.1f} s after."
        if new
        else "No page was built with the new model."
    )
    workers_line = (
        f"Workers that loaded the new model (from their log): {len(switched)} of {x['workers']}, "
        f"the last {max(switched):.1f} s after it landed (each worker looks every 5 s)."
        if switched
        else "No worker logged loading the new model."
    )
    return [ran, pages_line, workers_line]


def _server_log(trouble: list[str]) -> str:
    if not trouble:
        return "Server log: no errors, no worker timeouts."
    return f"Server log: {len(trouble)} error lines, the first: `{trouble[0][:200]}`"


def render(result: dict, command: str, pause: float, profiles: int) -> str:
    """The subsection for one scenario on one backend."""
    rows = endpoint_rows(result["tallies"])
    notes = {"kill": _kill_notes, "retrain": _retrain_notes}.get(result["scenario"])
    parts = [
        INTRO[result["scenario"]].format(pause=pause, profiles=profiles),
        _headline(result, command, rows),
        _table(rows),
        _reconciliation(result["check"]),
        *(notes(result) if notes else []),
        _server_log(result["trouble"]),
    ]
    return "\n\n".join(parts)


def missed_targets(result: dict) -> list[str]:
    """Targets a run missed, named so that `make bench` reports them."""
    name = f"{result['backend']} {result['scenario']}"
    errors = endpoint_rows(result["tallies"])[-1][2]
    x = result["extra"]
    missed = []
    if result["check"]["lost"] or result["check"]["state_mismatches"]:
        missed.append(f"{name}: acknowledged data missing")
    if result["scenario"] == "kill":
        if x["replaced_at"] is None or x["workers_at_end"] != x["workers"] or errors > 1:
            missed.append(f"{name}: {errors} errors, replaced: {x['replaced_at'] is not None}")
    elif errors:
        missed.append(f"{name}: {errors} errors")
    if result["scenario"] == "retrain" and len(x.get("switched", [])) < x["workers"]:
        missed.append(f"{name}: not every worker switched to the new model")
    return missed
