"""The playback quality report and page on a hand-made log whose answers are known, and what
every insights page says about itself: findings from its figures, folded tables, its age."""

import re
from datetime import timedelta

import pytest

from tests.conftest import AuthActions
from tests.webapp.test_insights_support import NOW, LogBuilder
from webapp.admin.insights_routes import PAGES
from webapp.extensions import db
from webapp.insights import cache
from webapp.insights.demand import demand_report
from webapp.insights.findings import findings_for
from webapp.insights.logview import LogView
from webapp.insights.quality import error_kind, quality_report
from webapp.insights.tables import TABLES
from webapp.insights.wording import TERMS, updated_ago
from webapp.models import Profile, Title
from webapp.models.base import utcnow


def _log():
    return LogView(db.session, NOW - timedelta(days=56), NOW + timedelta(seconds=1))


def _quality(b: LogBuilder, profile, title, session, device, day, kind, value=None, text=None):
    b.event(
        profile,
        kind,
        title,
        b.ago(days=day, minutes=30),
        value=value,
        text=text,
        device=device,
        session_id=session,
    )


@pytest.fixture
def quality_log(app):
    """Five tv attempts two days ago, three mobile attempts yesterday.

    tv: startups 1, 2, 3, 4 and 10 s; two sittings of an hour; stalls of 36 s and 36 s;
        switches to 1080p three times and to 480p once.
    mobile: startups 0.5 and 1.5 s; one sitting of an hour; a stall of 360 s; switches to
        360p twice and 720p once; in m2 two "video 4" errors, in m3 one HLS network error
        and nothing else.
    """
    with app.app_context():
        b = LogBuilder()
        film = b.title("Clip")
        ann, bob = b.profile("Ann"), b.profile("Bob")
        for i, seconds in enumerate((1.0, 2.0, 3.0, 4.0, 10.0), start=1):
            _quality(b, ann, film, f"t{i}", "tv", 2, "startup", seconds, "click")
        for session in ("t1", "t2"):
            b.watch(ann, film, b.ago(days=2, minutes=20), 3600, device="tv", session=session)
        for _ in range(2):
            _quality(b, ann, film, "t1", "tv", 2, "rebuffer", 36.0)
        for height in (1080, 1080, 1080, 480):
            _quality(b, ann, film, "t2", "tv", 2, "rendition_switch", height, f"{height}p")
        _quality(b, bob, film, "m1", "mobile", 1, "startup", 0.5, "click")
        _quality(b, bob, film, "m2", "mobile", 1, "startup", 1.5, "autoplay")
        b.watch(bob, film, b.ago(days=1, minutes=20), 3600, device="mobile", session="m1")
        _quality(b, bob, film, "m1", "mobile", 1, "rebuffer", 360.0)
        for height in (360, 360, 720):
            _quality(b, bob, film, "m1", "mobile", 1, "rendition_switch", height)
        for _ in range(2):
            text = "video 4: MEDIA_ERR_SRC_NOT_SUPPORTED"
            _quality(b, bob, film, "m2", "mobile", 1, "playback_error", 4, text)
        _quality(b, bob, film, "m3", "mobile", 1, "playback_error", None, "hls networkError: x")
        b.commit()
        app.config["QUALITY_TEST_IDS"] = ((ann.id, bob.id), film.id)
    return app


def _add_events(app, *events) -> None:
    """More quality events: (profile index 0 = Ann / 1 = Bob, session, device, day, kind, value)."""
    with app.app_context():
        b = LogBuilder()
        ids, film_id = app.config["QUALITY_TEST_IDS"]
        film = db.session.get(Title, film_id)
        for who, session, device, day, kind, value in events:
            _quality(b, db.session.get(Profile, ids[who]), film, session, device, day, kind, value)
        b.commit()


def test_startup_percentiles_rebuffer_ratio_renditions_and_errors_are_known(quality_log):
    with quality_log.app_context():
        report = quality_report(_log())
    o = report.overall
    assert o.startups == 7 and o.attempts == 8
    # sorted 0.5 1 1.5 2 3 4 10: the median is 2; p95 sits 0.7 of the way from 4 to 10
    assert o.startup_p50 == pytest.approx(2.0) and o.startup_p95 == pytest.approx(8.2)
    assert o.rebuffer_seconds == pytest.approx(432.0)
    assert o.rebuffer_ratio == pytest.approx(432.0 / 10800.0)
    assert o.errors == 3 and o.error_rate == pytest.approx(2 / 8)
    devices = {d.name: d for d in report.devices}
    tv, mobile = devices["tv"], devices["mobile"]
    assert (tv.attempts, mobile.attempts) == (5, 3)
    assert tv.startup_p50 == pytest.approx(3.0) and tv.startup_p95 == pytest.approx(8.8)
    assert tv.rebuffer_ratio == pytest.approx(72 / 7200) and mobile.rebuffer_ratio == 0.1
    assert (tv.median_height, tv.hd_share) == (1080, 0.75)
    assert mobile.median_height == 360 and mobile.hd_share == pytest.approx(1 / 3)
    assert tv.error_rate == 0 and mobile.error_rate == pytest.approx(2 / 3)
    mix = {(r.device, r.height): r.share for r in report.renditions}
    assert mix == {("mobile", 360): 2 / 3, ("mobile", 720): 1 / 3, ("tv", 480): 0.25,
                   ("tv", 1080): 0.75}  # fmt: skip
    kinds = [(k.kind, k.errors, k.attempts, k.rate) for k in report.errors_by_kind]
    assert kinds == [
        ("video: source not supported", 2, 1, 1 / 8),
        ("hls networkError", 1, 1, 1 / 8),
    ]
    days = {d.name: d for d in report.days}
    assert len(report.days) == 57  # every calendar day the window touches
    two_days_ago, yesterday = days["2026-02-28"], days["2026-03-01"]
    assert two_days_ago.startups == 5 and two_days_ago.startup_p50 == pytest.approx(3.0)
    assert two_days_ago.switches == 4 and yesterday.switches == 3
    assert yesterday.errors == 3 and yesterday.rebuffer_ratio == pytest.approx(0.1)
    assert days["2026-02-20"].startup_p50 is None and days["2026-02-20"].attempts == 0


def test_error_kinds_are_named_from_their_text():
    assert error_kind("hls mediaError: bufferStalledError") == "hls mediaError"
    assert error_kind("video 2: network") == "video: network"
    assert error_kind("video 9") == "video 9"
    assert error_kind(None) == "unknown" and error_kind(" : x") == "unknown"


def _quality_findings(app) -> list[str]:
    with app.app_context():
        payload = cache.store("quality", quality_report(_log()))
    return [f"{f.says}: {f.action}" for f in findings_for("quality", payload)]


def test_quality_findings_follow_the_figures(quality_log):
    first = _quality_findings(quality_log)
    assert first[0].startswith("95 % of starts take under 8.2 s (p95), and no device is far")
    assert "(the slowest, TV, 8.8 s)" in first[0]
    assert first[1].startswith("Mobile viewers spend 10.0% of their viewing time stalled")
    assert "“video: source not supported” errors hit 12.5% of play attempts" in first[2]
    # Thirteen quick mobile starts bring everyone's p95 to 4.3 s; TV's stays at 8.8 s.
    _add_events(quality_log, *[(1, f"m{10 + i}", "mobile", 1, "startup", 0.5) for i in range(13)])
    # TV now stalls (72 + 1800) s of its 7200 s watched.
    _add_events(quality_log, (0, "t2", "tv", 2, "rebuffer", 1800.0))
    second = _quality_findings(quality_log)
    assert second[0].startswith("On TV, the slowest 5 % of starts take 8.8 s or more (p95)")
    assert "against 4.3 s on all devices: start TV on a lower rendition" in second[0]
    assert second[1].startswith("TV viewers spend 26.0% of their viewing time stalled")


def test_demand_findings_name_the_genres_the_figures_single_out(app):
    with app.app_context():
        b = LogBuilder()
        comic, scary = b.title("Comic", ["Comedy"]), b.title("Scary", ["Horror"])
        ann = b.profile("Ann")
        b.watch(ann, comic, b.ago(days=3), 5400, complete=True)
        b.watch(ann, scary, b.ago(days=4), 600)
        b.commit()
        says = [f.says for f in findings_for("demand", cache.store("d", demand_report(_log())))]
        assert says[0].startswith("Comedy is watched to the end 50 points more")
        assert says[1].startswith("Horror is finished 50 points less often")
        b.watch(ann, scary, b.ago(days=2), 6000, complete=True, session="again")
        b.commit()
        says = [f.says for f in findings_for("demand", cache.store("d", demand_report(_log())))]
    assert not any(s.startswith("Comedy is watched to the end") for s in says)


def test_every_term_a_table_explains_has_its_line():
    for table in TABLES:
        for column in table.columns:
            assert column.term is None or column.term in TERMS, (table.name, column.header)


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (20, "Updated just now"),
        (60, "Updated 1 minute ago"),
        (12 * 60 + 30, "Updated 12 minutes ago"),
        (3 * 3600 + 5, "Updated 3 hours ago"),
        (86400, "Updated 1 day ago"),
        (-5, "Updated just now"),
    ],
)
def test_a_reports_age_in_words(seconds, words):
    assert updated_ago(seconds) == words


def test_the_quality_page_opens_with_findings_folds_long_tables_and_says_its_age(quality_log):
    client = AuthActions(quality_log.test_client()).as_admin()
    html = client.get("/admin/insights/quality").get_data(as_text=True)
    assert "<h1>Playback quality</h1>" in html and "Updated just now" in html
    findings = html[html.index('class="findings"') : html.index("</section>")]
    assert findings.count("<li>") == 3 and "95 % of starts take under 8.2 s" in findings
    # charts first, then tables; the 57-day table is folded, the short ones are not
    assert html.rindex("<canvas") < html.index('class="insights-table"')
    daily = html[html.index('id="table-daily"') :]
    assert '<details class="insights-fold"><summary>Show all 57 rows' in daily
    devices = html[html.index('id="table-devices"') : html.index('id="table-renditions"')]
    assert "<details" not in devices
    assert f'title="{TERMS["percentile"]}">Startup p95</abbr>' in html
    assert re.search(r'<abbr class="term" title="[^"]+">Rebuffer ratio</abbr>', html)
    overview = client.get("/admin/insights/").get_data(as_text=True)
    assert re.search(r'<span class="big">8\.2 s</span> startup, 95th percentile', overview)
    csv = client.get("/admin/insights/quality/devices.csv").get_data(as_text=True)
    assert csv.splitlines()[0].startswith("Device,Play attempts,Startups,Startup p50")
    with quality_log.app_context():
        meta = cache.load("meta")
        then = (utcnow() - timedelta(minutes=12, seconds=10)).isoformat(timespec="seconds")
        cache.store("meta", dict(meta, computed_at=then))
    assert "Updated 12 minutes ago" in client.get("/admin/insights/quality").get_data(True)


def test_an_empty_log_has_no_findings_to_state(app):
    client = AuthActions(app.test_client()).as_admin()
    for page in PAGES:
        html = client.get(f"/admin/insights/{page}").get_data(as_text=True)
        assert 'class="findings"' not in html, page


def test_a_cache_from_before_the_quality_report_is_completed_on_first_visit(quality_log):
    client = AuthActions(quality_log.test_client()).as_admin()
    assert client.get("/admin/insights/").status_code == 200
    with quality_log.app_context():
        (cache.cache_dir() / "quality.json").unlink()
    page = client.get("/admin/insights/quality").get_data(as_text=True)
    assert "<h1>Playback quality</h1>" in page and "being computed" not in page


@pytest.mark.parametrize(
    ("page", "payload", "says"),
    [
        (
            "supply",
            {"genres": [], "zero_result_searches": [{"query": "x", "searches": 2, "profiles": 1}]},
            "“x” found nothing twice (1 profile)",
        ),
        (
            "supply",
            {"genres": [], "zero_result_searches": [{"query": "x", "searches": 3, "profiles": 4}]},
            "“x” found nothing 3 times (4 profiles)",
        ),
        (
            "churn",
            {"auc": None, "coefficients": [], "at_risk": [{"risk": 0.6}]},
            "1 profile seen this week has a risk of leaving of 50 % or more",
        ),
        (
            "churn",
            {"auc": None, "coefficients": [], "at_risk": [{"risk": 0.6}, {"risk": 0.9}]},
            "2 profiles seen this week have a risk of leaving of 50 % or more",
        ),
    ],
)
def test_findings_count_in_words_that_agree_with_the_number(page, payload, says):
    assert [f.says for f in findings_for(page, payload)] == [says]
