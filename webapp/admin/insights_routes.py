"""The insights studio: admin pages over the cached reports, with CSV downloads.

Admins only: the admin blueprint's guard (webapp.admin.access) runs first.
Pages only read the report cache (webapp.insights.cache). The first visit
computes it when there is none; after that it changes only through the
Refresh button (POST, CSRF-protected), `flask admin insights-refresh
[--background]`, or the site's own schedule (webapp.schedule).
"""

import sys
from datetime import datetime

import click
from flask import abort, current_app, flash, redirect, render_template, url_for

from webapp import jobs

# access: the admin area's guard (anonymous -> sign in, non-admin -> 403) covers these too.
from webapp.admin import access, bp  # noqa: F401
from webapp.csv_export import csv_download
from webapp.extensions import db
from webapp.insights import cache
from webapp.insights.artwork_bandit import EPSILON, title_cells
from webapp.insights.charts import charts_for
from webapp.insights.findings import findings_for
from webapp.insights.refresh import (
    JOB,
    ensure_computed,
    refresh_in_child,
    refresh_job,
    refresh_now_or_later,
    refresh_running,
)
from webapp.insights.tables import find_table, tables_for
from webapp.insights.wording import TERMS, updated_ago
from webapp.models import Title
from webapp.models.base import utcnow

PAGES = {
    "demand": "Demand",
    "supply": "Supply & searches",
    "segments": "Segments",
    "artwork": "Artwork",
    "trailers": "Trailers",
    "engagement": "Engagement",
    "churn": "Churn risk",
    "experiments": "Experiments",
    "exposure": "Exposure",
    "quality": "Playback quality",
}
# Tables longer than this are folded (<details>) below the charts.
FOLD_ROWS = 12


class NotReady(Exception):
    """The reports are being computed for the first time in the background."""


def _meta() -> dict:
    meta = ensure_computed(db.session)
    if meta is None:
        raise NotReady
    age = (utcnow() - datetime.fromisoformat(meta["computed_at"])).total_seconds()
    max_age = current_app.config["INSIGHTS_MAX_AGE"]
    return dict(meta, updated=updated_ago(age), stale=age > max_age, running=refresh_running())


def _payload(page: str) -> dict:
    """The page's cached report; a cache from before the report existed is computed anew."""
    payload = cache.load(page)
    if payload is None and refresh_now_or_later(db.session):
        payload = cache.load(page)
    if payload is None:
        raise NotReady
    return payload


@bp.errorhandler(NotReady)
def insights_not_ready(error):
    return render_template("admin/insights/computing.html", pages=PAGES, page=None), 200


def _render(template: str, **context):
    """An insights page: the navigation, the glossary and the folding rule come with every one."""
    return render_template(template, pages=PAGES, terms=TERMS, fold_rows=FOLD_ROWS, **context)


@bp.get("/insights/")
def insights_index():
    meta = _meta()
    supply, artwork = cache.load("supply") or {}, cache.load("artwork") or {}
    churn, engagement = cache.load("churn") or {}, cache.load("engagement") or {}
    return _render(
        "admin/insights/index.html",
        meta=meta,
        supply=supply,
        artwork=artwork,
        churn=churn,
        engagement=engagement,
        segments=cache.load("segments") or {},
        quality=(cache.load("quality") or {}).get("overall", {}),
    )


@bp.post("/insights/refresh")
def insights_refresh():
    if refresh_now_or_later(db.session):
        flash("Insights recomputed from the log.", "success")
    else:
        flash(
            "Insights are being recomputed in the background; the pages show the previous "
            "figures until they are ready.",
            "info",
        )
    return redirect(url_for("admin.insights_index"))


@bp.get("/insights/<any(" + ", ".join(PAGES) + "):page>")
def insights_page(page: str):
    meta = _meta()
    payload = _payload(page)
    tables = [(t, t.values(payload)) for t in tables_for(page)]
    return _render(
        f"admin/insights/{page}.html",
        page=page,
        meta=meta,
        report=payload,
        findings=findings_for(page, payload),
        tables=tables,
        charts=charts_for(page, payload),
        epsilon=EPSILON,
    )


@bp.get("/insights/artwork/<int:title_id>")
def insights_artwork_title(title_id: int):
    title = db.get_or_404(Title, title_id)
    meta = _meta()
    payload = _payload("artwork")
    cells = title_cells(title_id, payload.get("segment_labels", {}))
    return _render(
        "admin/insights/artwork_title.html",
        page="artwork",
        meta=meta,
        title=title,
        cells=cells,
        epsilon=EPSILON,
    )


@bp.get("/insights/<page>/<name>.csv")
def insights_csv(page: str, name: str):
    table = find_table(page, name)
    if table is None:
        abort(404, description="There is no such table to download.")
    _meta()
    payload = _payload(page)
    return csv_download(f"marquee-{page}-{name}.csv", table.header(), table.values(payload))


@bp.cli.command("insights-refresh")
@click.option(
    "--background",
    "in_background",
    is_flag=True,
    help="Start the refresh as a background job (a process of its own) and return.",
)
@click.option("--queued", is_flag=True, hidden=True, help="Run the job a worker has queued.")
def insights_refresh_command(in_background: bool, queued: bool):
    """Recompute every insights report from the event log, through the job runner."""
    if in_background:
        if refresh_in_child():
            click.echo(
                "Insights refresh started in the background "
                "(`flask --app wsgi jobs status` follows it)."
            )
        else:
            click.echo("An insights refresh is already going.")
        return
    record = jobs.NamedJob(JOB)
    if not queued and not record.request():
        click.echo(
            "Error: an insights refresh is already going (`jobs status` shows it).", err=True
        )
        sys.exit(2)
    lines, summaries = jobs.StageLines(), []

    def work(report: jobs.Report) -> str:
        def both(stage: str, fraction: float) -> None:
            lines(stage, fraction)
            report(stage, fraction)

        return refresh_job(both, summaries)

    failure = jobs.run(record, work)
    lines.close()
    if failure:
        click.echo(f"Error: {failure}", err=True)
        sys.exit(2)
    summary = summaries[0]
    click.echo(f"Insights for {summary.start} to {summary.end} recomputed.")
