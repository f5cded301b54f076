"""The trailer bandit on a synthetic log with a planted best cut per taste segment: the report,
its findings and page, and the choice the previews then make."""

from datetime import timedelta

import numpy as np
import pytest

import webapp.admin.insights_routes  # noqa: F401  (registers the routes on the admin blueprint)
from tests.conftest import AuthActions
from tests.webapp.test_insights_support import LogBuilder
from webapp.extensions import db
from webapp.insights import cache
from webapp.insights.findings import findings_for
from webapp.insights.refresh import refresh_all
from webapp.insights.stats import wilson_interval
from webapp.models import MediaAsset, TrailerVariant
from webapp.personalization import choose_trailer
from webapp.personalization.trailers import trailer_variants

CUTS = ("Short cut", "Cold open")
PLANTED = {"Comedy": "Short cut", "Horror": "Cold open"}


def add_cuts(title) -> None:
    for name in CUTS:
        asset = MediaAsset(published=True, renditions="240p,480p", source_name=f"trailer: {name}")
        db.session.add(asset)
        db.session.flush()
        db.session.add(TrailerVariant(title_id=title.id, name=name, asset_id=asset.id))
    db.session.flush()


@pytest.fixture
def planted(app):
    """Two taste groups of 24 profiles; each plays far more often after its planted cut.

    A preview of a uniformly random cut; a play of the title follows in the same session with
    probability 0.4 for the group's planted cut and 0.05 otherwise. Plays in another session
    (the next day) follow the other cut, and must not count.
    """
    rng = np.random.default_rng(7)
    with app.app_context():
        b = LogBuilder()
        titles = {g: [b.title(f"{g} {i}", [g]) for i in range(8)] for g in PLANTED}
        for group in titles.values():
            for title in group:
                add_cuts(title)
        cuts = trailer_variants(db.session)
        groups: dict[str, list[int]] = {g: [] for g in PLANTED}
        for genre, planted_cut in PLANTED.items():
            for n in range(24):
                profile = b.profile(f"{genre}{n}")
                groups[genre].append(profile.id)
                for k in range(3):
                    b.watch(profile, titles[genre][k], b.ago(days=40 - k), 3600, complete=True)
                for i in range(50):
                    at = b.ago(days=float(rng.uniform(0.5, 30)))
                    title = titles[genre][int(rng.integers(8))]
                    variant_id, cut = cuts[title.id][int(rng.integers(len(CUTS)))]
                    session = f"v{profile.id}-{i}"
                    b.event(
                        profile, "preview", title, at, value=float(variant_id), session_id=session
                    )
                    chance = 0.4 if cut == planted_cut else 0.05
                    if rng.random() < chance:
                        b.event(
                            profile,
                            "play_start",
                            title,
                            at + timedelta(minutes=2),
                            value=0.0,
                            duration=6000.0,
                            session_id=session,
                        )
                    elif cut != planted_cut:
                        b.event(
                            profile,
                            "play_start",
                            title,
                            at + timedelta(days=1),
                            value=0.0,
                            duration=6000.0,
                            session_id=f"{session}-later",
                        )
        b.commit()
        ids = {g: [t.id for t in ts] for g, ts in titles.items()}
    return app, groups, ids


def test_the_report_finds_each_segments_cut_and_the_previews_then_show_it(planted):
    app, groups, ids = planted
    rng = np.random.default_rng(0)
    with app.app_context():
        refresh_all(db.session)
        report = cache.load("trailers")
        cuts = trailer_variants(db.session)
        for genre, planted_cut in PLANTED.items():
            picks = [
                dict(cuts[t])[choose_trailer(p, t, cuts[t], rng=rng)]
                for p in groups[genre][:6]
                for t in ids[genre][:4]
            ]
            assert np.mean(np.array(picks) == planted_cut) > 0.8, genre
    assert report["impressions"] == 2 * 24 * 50
    assert report["titles"] == 16
    assert sorted(report["best_cut"][s] for s in report["best_cut"] if s != "Everyone") == sorted(
        PLANTED.values()
    )
    for cell in report["by_segment_cut"]:
        low, high = wilson_interval(cell["plays"], cell["impressions"])
        assert (cell["low"], cell["high"]) == pytest.approx((low, high))
        # A play in a later session is no reward: the planted-against cut stays near 5 %.
        assert cell["rate"] < 0.15 or cell["cut"] == report["best_cut"][cell["segment"]]
        assert cell["posterior"] == pytest.approx((cell["plays"] + 1) / (cell["impressions"] + 2))
    says = [f.says for f in findings_for("trailers", report)]
    assert any("Segments play after different cuts" in s for s in says)


def test_the_trailers_page_sits_next_to_artwork(planted):
    app, _, _ = planted
    with app.app_context():
        refresh_all(db.session)
    client = AuthActions(app.test_client()).as_admin()
    html = client.get("/admin/insights/trailers").get_data(as_text=True)
    assert "Trailer previews" in html and "Segments play after different cuts" in html
    assert "Cold open" in html and "Short cut" in html
    nav = client.get("/admin/insights/artwork").get_data(as_text=True)
    assert nav.index(">Artwork<") < nav.index(">Trailers<")
    csv = client.get("/admin/insights/trailers/segment-cuts.csv").get_data(as_text=True)
    assert csv.splitlines()[0].startswith("Segment,Trailer cut,Previews shown")


def test_without_previews_the_page_states_nothing_and_says_so(app):
    with app.app_context():
        b = LogBuilder()
        viewer, title = b.profile("Viewer"), b.title("Alone")
        b.watch(viewer, title, b.ago(days=2), 600)
        b.commit()
        refresh_all(db.session)
        report = cache.load("trailers")
    assert report["impressions"] == 0 and report["best_cut"] == {}
    assert findings_for("trailers", report) == []
    client = AuthActions(app.test_client()).as_admin()
    html = client.get("/admin/insights/trailers").get_data(as_text=True)
    assert "No previews in this window yet" in html and 'class="findings"' not in html
