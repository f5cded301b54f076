"""Measuring the context re-ranker on held-out requests, and the rule that switches it on.

`compare_with_context` gives NDCG@k and recall@k with and without context,
overall and by device class and daypart; `decide` turns those figures into
on or off, with the reason in words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ..metrics import ndcg_at_k, recall_at_k
from .cells import DAYPARTS, DEVICE_CLASSES, daypart_of
from .model import ContextModel


def compare_with_context(
    context: ContextModel,
    candidates: Mapping[int, tuple[np.ndarray, np.ndarray]],
    requests: Sequence[tuple[int, int, int, str, set[int]]],
    k: int = 10,
) -> dict:
    """NDCG@k and recall@k with and without context, overall and by device class and daypart.

    ``candidates`` maps a profile to its hybrid (ids, scores), best first;
    each request is (profile, hour, weekday, device class, relevant ids):
    the held-out titles a profile chose in that context, with that context
    as the request's.
    """
    slices: dict[str, dict[str, list[float]]] = {}

    def add(name: str, plain: tuple[float, float], ctx: tuple[float, float]) -> None:
        s = slices.setdefault(name, {"ndcg": [], "ndcg_ctx": [], "recall": [], "recall_ctx": []})
        s["ndcg"].append(plain[0])
        s["recall"].append(plain[1])
        s["ndcg_ctx"].append(ctx[0])
        s["recall_ctx"].append(ctx[1])

    for profile, hour, weekday, device, relevant in requests:
        if profile not in candidates or not relevant:
            continue
        ids, scores = candidates[profile]
        plain = ids[:k].tolist()
        ranked = context.rerank(profile, ids, scores, hour, weekday, device)[0][:k].tolist()
        before = (ndcg_at_k(plain, relevant, k), recall_at_k(plain, relevant, k))
        after = (ndcg_at_k(ranked, relevant, k), recall_at_k(ranked, relevant, k))
        add("overall", before, after)
        add(f"device:{device}", before, after)
        add(f"daypart:{DAYPARTS[int(daypart_of([hour])[0])]}", before, after)
    order = ["overall", *(f"device:{d}" for d in DEVICE_CLASSES)]
    order += [f"daypart:{d}" for d in DAYPARTS]
    figures = {}
    for name, s in sorted(slices.items(), key=lambda kv: order.index(kv[0])):
        figures[name] = {
            "requests": len(s["ndcg"]),
            f"ndcg@{k}": float(np.mean(s["ndcg"])),
            f"ndcg@{k}_context": float(np.mean(s["ndcg_ctx"])),
            f"recall@{k}": float(np.mean(s["recall"])),
            f"recall@{k}_context": float(np.mean(s["recall_ctx"])),
        }
    return figures


def decide(figures: Mapping, margin: float = 0.02, min_requests: int = 50, k: int = 10) -> dict:
    """Switch context on when it wins overall by ``margin`` and loses on no slice with enough data.

    The rule: relative NDCG@k gain overall >= ``margin``, and on every device
    class and daypart slice with at least ``min_requests`` held-out requests,
    NDCG@k with context is not below NDCG@k without.
    """
    overall = figures.get("overall")
    if not overall or overall["requests"] == 0:
        return {"enabled": False, "gain": None, "why": "no held-out requests with a context"}
    base, with_ctx = overall[f"ndcg@{k}"], overall[f"ndcg@{k}_context"]
    gain = (with_ctx - base) / base if base > 0 else (np.inf if with_ctx > 0 else 0.0)
    losing = sorted(
        name
        for name, s in figures.items()
        if name != "overall"
        and s["requests"] >= min_requests
        and s[f"ndcg@{k}_context"] < s[f"ndcg@{k}"]
    )
    rule = f"gain >= {margin:.0%} and no slice of {min_requests}+ requests worse"
    if gain < margin:
        why = f"NDCG@{k} gain {gain:+.1%} is below {margin:.0%}"
    elif losing:
        why = "worse on " + ", ".join(losing)
    else:
        why = f"NDCG@{k} gain {gain:+.1%}, no slice worse"
    enabled = bool(gain >= margin and not losing)
    stored_gain = float(gain) if np.isfinite(gain) else None
    return {"enabled": enabled, "gain": stored_gain, "why": why, "rule": rule}
