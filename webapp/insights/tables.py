"""The tables and charts each insights page shows, derived from cached reports.

A `Table` names its columns once; the page renders it as HTML and the same
definition serves its CSV download, so every chart has its numbers beside it.
"""

from collections.abc import Callable

from webapp.insights.quality_tables import QUALITY_TABLES
from webapp.insights.table_types import Column, Table


def _ci(low: str, high: str) -> Callable[[dict], str]:
    return lambda r: f"{r[low] * 100:.1f}–{r[high] * 100:.1f} %"


def _pairs(key: str, fmt: str = "{:.0%}") -> Callable[[dict], str]:
    return lambda r: ", ".join(f"{p[0]} ({fmt.format(p[1])})" for p in r[key])


TRAILER_COLUMNS = (
    Column("Segment", "segment"),
    Column("Trailer cut", "cut"),
    Column("Previews shown", "impressions", "int"),
    Column("Played in the session", "plays", "int"),
    Column("Rate", "rate", "pct"),
    Column("95 % interval (Wilson)", _ci("low", "high"), term="Wilson interval"),
    Column("Posterior mean", "posterior", "pct"),
)
DEMAND_COLUMNS = (
    Column("Name", "name"),
    Column("Titles", "titles", "int"),
    Column("Hours", "hours", "hours"),
    Column("Share of hours", "hours_share", "pct"),
    Column("Completion", "completion", "pct"),
    Column("Share of profiles", "profiles_share", "pct"),
    Column("Hours, last 28 days", "hours_recent", "hours"),
    Column("Hours, 28 days before", "hours_before", "hours"),
    Column("Growth", "growth", "pct"),
)
SUPPLY_COLUMNS = (
    Column("Name", "name"),
    Column("Titles", "titles", "int"),
    Column("Share of catalog", "catalog_share", "pct"),
    Column("Hours", "hours", "hours"),
    Column("Share of hours", "hours_share", "pct"),
    Column("Hours per title", "hours_per_title", "hours"),
    Column("Hours share ÷ catalog share", "gap", "num"),
)
SEARCH_COLUMNS = (
    Column("Query", "query"),
    Column("Searches", "searches", "int"),
    Column("Profiles", "profiles", "int"),
)
CELL_COLUMNS = (
    Column("Segment", "segment"),
    Column("Style", "style"),
    Column("Impressions", "impressions", "int"),
    Column("Plays within 30 min", "plays", "int"),
    Column("Play rate", "rate", "pct"),
    Column("95 % interval (Wilson)", _ci("low", "high"), term="Wilson interval"),
)
SHARE_COLUMNS = (
    Column("Group", "name"),
    Column("Share of catalog", "catalog_share", "pct"),
    Column("Share of impressions", "impressions_share", "pct"),
    Column("Share of viewing", "viewing_share", "pct"),
)
BREAKDOWN_COLUMNS = (
    Column("Group", "name"),
    Column("Sittings", "sittings", "int"),
    Column("Hours", "hours", "hours"),
    Column("Share of hours", "hours_share", "pct"),
    Column("Completion", "completion", "pct"),
)


def _cohort_rows(payload: dict) -> list[dict]:
    rows = []
    for cohort in payload["cohorts"]:
        row = {"week": cohort["week"], "profiles": cohort["profiles"]}
        row.update({f"w{i}": v for i, v in enumerate(cohort["retention"])})
        rows.append(row)
    return rows


def _cohort_columns(weeks: int = 8) -> tuple[Column, ...]:
    return (Column("Cohort week", "week"), Column("Profiles", "profiles", "int")) + tuple(
        Column(f"Week {i}", f"w{i}", "pct") for i in range(weeks)
    )


def arm_rows(payload: dict) -> list[dict]:
    return [dict(arm, experiment=key) for key, report in payload.items() for arm in report["arms"]]


def _diff(key: str) -> Callable[[dict], str]:
    def text(r):
        d = r.get(key)
        return "" if not d else f"{d[0] * 100:+.2f} pts ({d[1] * 100:+.2f} to {d[2] * 100:+.2f})"

    return text


def _weekly_rows(payload: dict) -> list[dict]:
    return [
        {"name": name, **{f"w{i}": v for i, v in enumerate(values)}}
        for name, values in payload["genre_weekly_hours"].items()
    ]


WEEKLY_COLUMNS = (Column("Genre", "name"),) + tuple(
    Column(f"Week {i + 1}", f"w{i}", "hours") for i in range(8)
)

TABLES = [
    Table(
        "demand",
        "weekly",
        "Weekly viewing hours of the most watched genres (week 1 = oldest)",
        _weekly_rows,
        WEEKLY_COLUMNS,
    ),
    Table("demand", "genres", "Demand by genre", lambda p: p["genres"], DEMAND_COLUMNS),
    Table(
        "demand", "themes", "Demand by theme (most watched)", lambda p: p["themes"], DEMAND_COLUMNS
    ),
    Table("demand", "eras", "Demand by era", lambda p: p["eras"], DEMAND_COLUMNS),
    Table(
        "supply", "genres", "Supply against demand by genre", lambda p: p["genres"], SUPPLY_COLUMNS
    ),
    Table(
        "supply", "themes", "Supply against demand by theme", lambda p: p["themes"], SUPPLY_COLUMNS
    ),
    Table(
        "supply",
        "zero-results",
        "Searches that found nothing",
        lambda p: p["zero_result_searches"],
        SEARCH_COLUMNS,
    ),
    Table(
        "supply",
        "unwatched",
        "Searches with results but no play within 30 minutes",
        lambda p: p["unwatched_searches"],
        SEARCH_COLUMNS,
    ),
    Table(
        "segments",
        "segments",
        "Audience segments",
        lambda p: p["segments"],
        (
            Column("Segment", "number", "int"),
            Column("Label", "label"),
            Column("Profiles", "size", "int"),
            Column("Share", "share", "pct"),
            Column("Top genres (share of hours)", _pairs("top_genres")),
            Column("Top people (hours)", _pairs("top_people", "{:.1f} h")),
            Column("Dayparts", _pairs("dayparts")),
            Column("Hours per profile per week", "hours_per_profile_week", "num"),
            Column("Active days per week", "active_days_per_week", "num"),
            Column("Completion", "completion", "pct"),
        ),
    ),
    Table(
        "artwork",
        "styles",
        "Play rate by artwork style, everyone",
        lambda p: p["by_style"],
        CELL_COLUMNS,
    ),
    Table(
        "artwork",
        "segment-styles",
        "Play rate by segment and artwork style",
        lambda p: p["by_segment_style"],
        CELL_COLUMNS,
    ),
    Table(
        "trailers",
        "cuts",
        "Play within the session by trailer cut, everyone",
        lambda p: p["by_cut"],
        TRAILER_COLUMNS,
    ),
    Table(
        "trailers",
        "segment-cuts",
        "Play within the session by segment and trailer cut",
        lambda p: p["by_segment_cut"],
        TRAILER_COLUMNS,
    ),
    Table(
        "engagement",
        "daily",
        "Daily activity",
        lambda p: p["days"],
        (
            Column("Day", "day"),
            Column("Active profiles", "active_profiles", "int"),
            Column("Sessions", "sessions", "int"),
            Column("Hours", "hours", "hours"),
            Column("Hours per active profile", "hours_per_active", "num"),
        ),
    ),
    Table(
        "engagement",
        "dayparts",
        "By daypart (viewer's local time)",
        lambda p: p["dayparts"],
        BREAKDOWN_COLUMNS,
    ),
    Table("engagement", "devices", "By device", lambda p: p["devices"], BREAKDOWN_COLUMNS),
    Table(
        "engagement",
        "daypart-genres",
        "Genres by daypart: the log and the home page's ranking (lean = share ÷ overall share)",
        lambda p: p.get("daypart_genres", []),
        (
            Column("Daypart", "daypart"),
            Column("Local hours", "hours"),
            Column("Sittings", "sittings", "int"),
            Column("The log leans to", _pairs("log", "{:.2f}×")),
            Column("The ranking learned", _pairs("ranking", "{:.2f}×")),
            Column(
                "Agree",
                lambda r: {True: "yes", False: "no"}.get(r["agrees"], "no model to compare"),
            ),
        ),
    ),
    Table(
        "engagement",
        "cohorts",
        "Weekly cohort retention (profiles created in the window)",
        _cohort_rows,
        _cohort_columns(),
    ),
    Table(
        "churn",
        "calibration",
        "Held-out calibration",
        lambda p: p["calibration"],
        (
            Column("Mean predicted risk", "predicted", "pct"),
            Column("Observed churn", "observed", "pct"),
            Column("Profiles", "profiles", "int"),
        ),
    ),
    Table(
        "churn",
        "at-risk",
        "Profiles most at risk",
        lambda p: p["at_risk"],
        (
            Column("Profile", "name"),
            Column("Account", "account"),
            Column("Profile id", "profile_id", "int"),
            Column("Risk", "risk", "pct"),
            Column(
                "Main drivers", lambda r: "; ".join(f"{d[0]} = {d[1]:.2f}" for d in r["drivers"])
            ),
        ),
    ),
    Table(
        "churn",
        "coefficients",
        "Model coefficients (per standard deviation)",
        lambda p: [{"name": c[0], "value": c[1]} for c in p["coefficients"]],
        (Column("Feature", "name"), Column("Coefficient", "value", "num", "coefficient")),
    ),
    Table(
        "experiments",
        "arms",
        "Results per arm",
        arm_rows,
        (
            Column("Experiment", "experiment"),
            Column("Arm", "arm"),
            Column("Profiles", "profiles", "int"),
            Column("Impressions", "impressions", "int"),
            Column("Play rate", "play_rate", "pct"),
            Column("95 % interval", _ci("play_rate_low", "play_rate_high"), term="Wilson interval"),
            Column("Play rate vs control", _diff("play_rate_diff"), term="control"),
            Column("Hours per profile", "hours_per_profile", "num"),
            Column(
                "95 % interval (hours)",
                lambda r: f"{r['hours_low']:.2f}–{r['hours_high']:.2f}",
                term="confidence interval",
            ),
            Column("Retention (active in last 14 days)", "retention", "pct"),
            Column("95 % interval (retention)", _ci("retention_low", "retention_high")),
            Column("Retention vs control", _diff("retention_diff")),
        ),
    ),
    Table(
        "exposure",
        "deciles",
        "Exposure by popularity decile (1 = most watched)",
        lambda p: p["by_decile"],
        SHARE_COLUMNS,
    ),
    Table("exposure", "genres", "Exposure by genre", lambda p: p["by_genre"], SHARE_COLUMNS),
    Table(
        "exposure",
        "calibration",
        "Calibration off and on (offline split)",
        lambda p: (p.get("calibration") or {}).get("rows", []),
        (
            Column("Metric", "metric"),
            Column("Calibration off", "off", "num"),
            Column("Calibration on", "on", "num"),
        ),
    ),
]


TABLES += QUALITY_TABLES


def tables_for(page: str) -> list[Table]:
    return [t for t in TABLES if t.page == page]


def find_table(page: str, name: str) -> Table | None:
    return next((t for t in TABLES if t.page == page and t.name == name), None)
