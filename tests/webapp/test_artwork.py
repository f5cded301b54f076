"""Drawn artwork: well-formed, escaped, deterministic SVG, served with caching and kept on disk."""

import xml.etree.ElementTree as ET

import pytest

from tests.webapp.catalog_factory import sign_in_as
from webapp.artwork.recipes import STYLES
from webapp.artwork.svg import SHAPES, ArtSpec, draw, fit_title
from webapp.catalog.service import Catalog, TitleSpec
from webapp.extensions import db

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "Tom & Jerry </text><script>alert(1)</script> \"quoted\" 'single' <b>\x01"


def _spec(style="typographic", name="Heat", variant=0, palette="#111111,#d7263d,#f46036,#ffd60a"):
    return ArtSpec.build(7, variant, name, 1995, style, palette, "film")


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_every_style_and_shape_is_well_formed(style, shape):
    root = ET.fromstring(draw(_spec(style, HOSTILE), shape))
    width, height = SHAPES[shape]
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == f"0 0 {width} {height}"
    assert (
        root.find(f"{SVG}title").text
        == "Tom & Jerry </text><script>alert(1)</script> \"quoted\" 'single' <b>"
    )
    assert not list(root.iter(f"{SVG}script"))


def test_poster_text_is_escaped_and_wrapped():
    svg = draw(_spec("portrait", HOSTILE), "poster")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    root = ET.fromstring(svg)
    spans = [t.text for t in root.iter(f"{SVG}tspan")]
    assert len(spans) > 1
    assert "".join(spans).replace(" ", "") == HOSTILE.replace("\x01", "").replace(" ", "")


def test_font_size_follows_title_length():
    short, _ = fit_title("Up", 336)
    long_size, lines = fit_title("The Lord of the Rings: The Return of the King", 336)
    assert short > long_size
    assert 2 <= len(lines) <= 4


def test_drawing_is_deterministic_and_variants_differ():
    assert draw(_spec(), "poster") == draw(_spec(), "poster")
    assert draw(_spec(variant=0), "poster") != draw(_spec(variant=1), "poster")
    assert draw(_spec("emblem"), "backdrop") != draw(_spec("landscape"), "backdrop")


def test_bad_stored_palette_and_style_fall_back_safely():
    spec = ArtSpec.build(1, 2, "X", None, "no-such-style", 'red,"/><script>,#12', "film")
    assert spec.style in STYLES
    assert all(c.startswith("#") for c in spec.palette) and len(spec.palette) == 4
    ET.fromstring(draw(spec, "poster"))


@pytest.fixture
def hostile_title(app):
    with app.app_context():
        title = Catalog().create_title(
            TitleSpec(
                kind="film",
                name='Fish & Chips <Returns> "Again"',
                year=2020,
                maturity_rating="PG",
                genres=["Comedy"],
                mood="bright",
            )
        )
        db.session.commit()
        return title.id


def test_route_serves_cached_svg_with_validators(app, client, auth, hostile_title):
    sign_in_as(app, client, auth, "art@example.com", {"name": "Art"})
    response = client.get(f"/artwork/{hostile_title}/1/poster.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    etag = response.headers["ETag"]
    root = ET.fromstring(response.data)
    assert root.find(f"{SVG}title").text == 'Fish & Chips <Returns> "Again"'

    cached = list((app.config["ARTWORK_CACHE_DIR"] / str(hostile_title)).glob("1-poster-*.svg"))
    assert len(cached) == 1 and cached[0].read_bytes() == response.data
    assert not list(app.config["ARTWORK_CACHE_DIR"].rglob(".tmp-*"))

    again = client.get(f"/artwork/{hostile_title}/1/poster.svg", headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_versioned_urls_are_cached_for_a_year(app, client, auth, hostile_title):
    sign_in_as(app, client, auth, "art@example.com", {"name": "Art"})
    title_page = client.get(f"/title/{hostile_title}", follow_redirects=True).get_data(as_text=True)
    start = title_page.index(f"/artwork/{hostile_title}/0/poster.svg?v=")
    url = title_page[start : title_page.index('"', start)]
    response = client.get(url)
    assert response.cache_control.max_age == 365 * 24 * 3600
    assert response.cache_control.private
    backdrop = client.get(f"/artwork/{hostile_title}/0/backdrop.svg")
    ET.fromstring(backdrop.data)
    assert backdrop.cache_control.max_age < 365 * 24 * 3600


@pytest.mark.parametrize(
    "path",
    ["/artwork/{id}/99/poster.svg", "/artwork/{id}/0/banner.svg", "/artwork/999999/0/poster.svg"],
)
def test_unknown_artwork_is_404(app, client, auth, hostile_title, path):
    sign_in_as(app, client, auth, "art@example.com", {"name": "Art"})
    assert client.get(path.format(id=hostile_title)).status_code == 404


def test_artwork_needs_sign_in(client, hostile_title):
    assert client.get(f"/artwork/{hostile_title}/0/poster.svg").status_code == 404
