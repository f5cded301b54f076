"""The "Playback quality" page's tables: startup, rebuffering, renditions and errors."""

from webapp.insights.table_types import Column, Table

QUALITY_COLUMNS = (
    Column("Play attempts", "attempts", "int"),
    Column("Startups", "startups", "int"),
    Column("Startup p50", "startup_p50", "seconds", "percentile"),
    Column("Startup p95", "startup_p95", "seconds", "percentile"),
    Column("Hours watched", "watched_hours", "hours"),
    Column("Rebuffer ratio", "rebuffer_ratio", "pct", "rebuffer ratio"),
    Column("Rendition switches", "switches", "int"),
    Column("Median rendition (p)", "median_height", "int", "median"),
    Column("Switches to HD", "hd_share", "pct"),
    Column("Errors", "errors", "int"),
    Column("Attempts with an error", "error_rate", "pct"),
)

QUALITY_TABLES = [
    Table(
        "quality",
        "devices",
        "Playback quality by device",
        lambda p: p["devices"],
        (Column("Device", "name"),) + QUALITY_COLUMNS,
    ),
    Table(
        "quality",
        "renditions",
        "Renditions reached by device (share of each device's switches)",
        lambda p: p["renditions"],
        (
            Column("Device", "device"),
            Column("Rendition (p)", "height", "int"),
            Column("Switches", "switches", "int"),
            Column("Share of the device's switches", "share", "pct"),
        ),
    ),
    Table(
        "quality",
        "errors",
        "Errors by kind",
        lambda p: p["errors_by_kind"],
        (
            Column("Kind", "kind"),
            Column("Errors", "errors", "int"),
            Column("Attempts with this error", "attempts", "int"),
            Column("Share of all attempts", "rate", "pct"),
        ),
    ),
    Table(
        "quality",
        "daily",
        "Playback quality by day",
        lambda p: p["days"],
        (Column("Day", "name"),) + QUALITY_COLUMNS,
    ),
]
