"""The charts each insights page draws: label arrays and series, by the table they illustrate.

Each chart is keyed by the name of the table (webapp.insights.tables) that
holds its numbers, so every chart has its figures beside it and in a CSV.
"""

from webapp.insights.tables import arm_rows


def _bar(labels, datasets, percent=False, horizontal=False) -> dict:
    return {
        "type": "bar",
        "labels": labels,
        "datasets": datasets,
        "percent": percent,
        "horizontal": horizontal,
    }


def _line(labels, datasets, percent=False) -> dict:
    return {"type": "line", "labels": labels, "datasets": datasets, "percent": percent}


def charts_for(page: str, payload: dict) -> dict[str, dict]:
    """Chart specs (label arrays and series) for the page, by the table they illustrate."""
    if page == "demand":
        genres = payload["genres"][:15]
        return {
            "genres": _bar(
                [g["name"] for g in genres],
                [{"label": "Hours", "data": [g["hours"] for g in genres]}],
            ),
            "weekly": _line(
                payload["weeks"],
                [{"label": k, "data": v} for k, v in payload["genre_weekly_hours"].items()],
            ),
        }
    if page == "supply":
        genres = payload["genres"]
        return {
            "genres": _bar(
                [g["name"] for g in genres],
                [
                    {"label": "Share of catalog", "data": [g["catalog_share"] for g in genres]},
                    {"label": "Share of hours", "data": [g["hours_share"] for g in genres]},
                ],
                percent=True,
            )
        }
    if page == "segments":
        segs = payload["segments"]
        return {
            "segments": _bar(
                [s["label"] for s in segs],
                [{"label": "Profiles", "data": [s["size"] for s in segs]}],
            )
        }
    if page == "artwork":
        cells = payload["by_segment_style"]
        segments = list(dict.fromkeys(c["segment"] for c in cells))
        styles = sorted({c["style"] for c in cells})
        rate = {(c["segment"], c["style"]): c["rate"] for c in cells}
        return {
            "segment-styles": _bar(
                segments,
                [{"label": st, "data": [rate.get((s, st), 0) for s in segments]} for st in styles],
                percent=True,
            )
        }
    if page == "trailers":
        cells = payload["by_segment_cut"]
        segments = list(dict.fromkeys(c["segment"] for c in cells))
        cuts = sorted({c["cut"] for c in cells})
        rate = {(c["segment"], c["cut"]): c["rate"] for c in cells}
        return {
            "segment-cuts": _bar(
                segments,
                [{"label": cut, "data": [rate.get((s, cut), 0) for s in segments]} for cut in cuts],
                percent=True,
            )
        }
    if page == "engagement":
        days = payload["days"]
        return {
            "daily": _line(
                [d["day"] for d in days],
                [{"label": "Active profiles", "data": [d["active_profiles"] for d in days]}],
            ),
            "dayparts": _bar(
                [d["name"] for d in payload["dayparts"]],
                [{"label": "Completion", "data": [d["completion"] for d in payload["dayparts"]]}],
                percent=True,
            ),
        }
    if page == "churn":
        cal = payload["calibration"]
        return {
            "calibration": _bar(
                [f"{c['predicted']:.0%}" for c in cal],
                [
                    {"label": "Mean predicted", "data": [c["predicted"] for c in cal]},
                    {"label": "Observed", "data": [c["observed"] for c in cal]},
                ],
                percent=True,
            )
        }
    if page == "experiments":
        arms = arm_rows(payload)
        return {
            "arms": _bar(
                [f"{a['experiment']}: {a['arm']}" for a in arms],
                [{"label": "Play rate", "data": [a["play_rate"] for a in arms]}],
                percent=True,
            )
        }
    if page == "exposure":
        deciles = payload["by_decile"]
        return {
            "deciles": _bar(
                [d["name"] for d in deciles],
                [
                    {"label": "Share of catalog", "data": [d["catalog_share"] for d in deciles]},
                    {
                        "label": "Share of impressions",
                        "data": [d["impressions_share"] for d in deciles],
                    },
                    {"label": "Share of viewing", "data": [d["viewing_share"] for d in deciles]},
                ],
                percent=True,
            )
        }
    if page == "quality":
        return _quality_charts(payload)
    return {}


def _quality_charts(payload: dict) -> dict[str, dict]:
    days, devices = payload["days"], payload["devices"]
    names = [d["name"] for d in devices]
    heights = sorted({r["height"] for r in payload["renditions"]})
    mix = {(r["device"], r["height"]): r["share"] for r in payload["renditions"]}
    return {
        "daily": _line(
            [d["name"] for d in days],
            [
                {"label": "Startup p50 (s)", "data": [d["startup_p50"] for d in days]},
                {"label": "Startup p95 (s)", "data": [d["startup_p95"] for d in days]},
            ],
        ),
        "devices": _bar(
            names,
            [{"label": "Rebuffer ratio", "data": [d["rebuffer_ratio"] or 0 for d in devices]}],
            percent=True,
        ),
        "renditions": _bar(
            names,
            [{"label": f"{h}p", "data": [mix.get((n, h), 0) for n in names]} for h in heights],
            percent=True,
        ),
    }
