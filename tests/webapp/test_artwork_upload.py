"""Uploading a title's own artwork: checked by Pillow, stripped of metadata, served as WebP and
JPEG to those who may see the title, and one more arm for the artwork bandit. A refused file
gets a clear 400 and leaves nothing behind."""

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image, PngImagePlugin
from sqlalchemy import func, select

from tests.conftest import BACKENDS, _make_app
from tests.webapp.catalog_factory import build_catalog, page_text
from webapp.extensions import db
from webapp.home.cards import render_card
from webapp.home.catalog_index import catalog_index
from webapp.models import Artwork, ArtworkImage, Title
from webapp.personalization.artwork import Counts, choose_variants, store_posteriors

# Small enough that every request here stays in memory in the test client.
MAX_BYTES = 200 * 1024
GPS_IFD = 0x8825


@pytest.fixture(params=BACKENDS)
def app(request, templates, tmp_path):
    yield from _make_app(
        request,
        templates,
        tmp_path,
        seeded=False,
        ARTWORK_UPLOAD_DIR=tmp_path / "uploads",
        ARTWORK_UPLOAD_MAX_BYTES=MAX_BYTES,
    )


@pytest.fixture
def catalog(app):
    with app.app_context():
        return build_catalog(n_kid=2)


@pytest.fixture
def admin(auth):
    return auth.as_admin(profile={"name": "Boss"})


def picture(size, fmt="PNG", mode="RGB", exif=None, **save) -> bytes:
    """A real picture made with Pillow: a gradient, so the encoders have something to do."""
    width, height = size
    ramp = Image.linear_gradient("L").resize((width, height))
    image = Image.merge("RGB", (ramp, ramp.transpose(Image.Transpose.FLIP_LEFT_RIGHT), ramp))
    if mode == "RGBA":
        image = image.convert("RGBA")
        image.putalpha(ramp)
    out = io.BytesIO()
    if exif is not None:
        save["exif"] = exif
    image.save(out, fmt, **save)
    return out.getvalue()


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "Marquee Test Camera"  # Make
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)})
    return exif


def bomb_png() -> bytes:
    """A tiny PNG whose header claims 30000×30000 pixels (with a valid header checksum)."""
    data = bytearray(picture((8, 8)))
    ihdr = data.index(b"IHDR")
    data[ihdr + 4 : ihdr + 12] = struct.pack(">II", 30000, 30000)
    crc = zlib.crc32(bytes(data[ihdr : ihdr + 17]))
    data[ihdr + 17 : ihdr + 21] = struct.pack(">I", crc)
    return bytes(data)


def padded_png(size, extra: int) -> bytes:
    """A valid PNG made `extra` bytes larger by a text chunk."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "x" * extra)
    return picture(size, "PNG", pnginfo=info)


def upload(client, title_id: int, **files):
    data = {"variant": files.pop("variant", "new"), "label": files.pop("label", "")}
    for kind, (payload, name) in files.items():
        data[kind] = (io.BytesIO(payload), name)
    return client.post(
        f"/admin/titles/{title_id}/artwork",
        data=data,
        content_type="multipart/form-data",
        buffered=True,
    )


def listing(app) -> list[str]:
    root = app.config["ARTWORK_UPLOAD_DIR"]
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")) if root.exists() else []


def counts(app) -> tuple[int, int]:
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(Artwork)),
            db.session.scalar(select(func.count()).select_from(ArtworkImage)),
        )


def good_files():
    return {
        "poster": (picture((600, 900), "JPEG", exif=gps_exif()), "poster.jpg"),
        "backdrop": (picture((1600, 900), "PNG"), "backdrop.png"),
        "treatment": (picture((800, 200), "PNG", mode="RGBA"), "logo.png"),
    }


def uploaded_variant(app, title_id: int) -> Artwork:
    with app.app_context():
        return db.session.scalar(
            select(Artwork).where(Artwork.title_id == title_id, Artwork.style == "uploaded")
        )


def test_uploaded_artwork_is_served_as_webp_and_jpeg_without_its_gps(app, catalog, admin):
    title_id = catalog.titles["Sunny Meadow 0"]
    response = upload(admin, title_id, label="Festival poster", **good_files())
    assert response.status_code == 302, page_text(response)
    art = uploaded_variant(app, title_id)
    assert art.label == "Festival poster" and art.variant >= 100

    page = page_text(admin.get(f"/title/{title_id}", follow_redirects=True))
    assert '<source type="image/webp"' in page
    urls = {
        url.split("?")[0]: url
        for url in set(
            part.split(" ")[0]
            for chunk in page.split('srcset="')[1:]
            for part in chunk.split('"')[0].split(", ")
        )
    }
    wanted = {
        f"/artwork/{title_id}/{art.variant}/{kind}-{width}.{ext}"
        for kind, widths, fallback in (
            ("poster", (342, 500), "jpg"),
            ("backdrop", (780, 1280), "jpg"),
            ("treatment", (300, 600), "png"),
        )
        for width in widths
        for ext in ("webp", fallback)
    }
    assert wanted <= set(urls)
    for path in sorted(wanted):
        served = admin.get(urls[path])
        assert served.status_code == 200, path
        assert "immutable" in served.headers["Cache-Control"]
        assert "max-age=31536000" in served.headers["Cache-Control"]
        image = Image.open(io.BytesIO(served.data))
        assert image.format == {"webp": "WEBP", "jpg": "JPEG", "png": "PNG"}[path[-4:].lstrip(".")]
        assert image.width == int(path.rsplit("-", 1)[1].split(".")[0])
        exif = image.getexif()
        assert GPS_IFD not in exif and not exif.get_ifd(GPS_IFD) and 0x010F not in exif
        assert "exif" not in image.info
        if "/poster-" in path:
            assert abs(image.width / image.height - 2 / 3) < 0.01
        if "/treatment-" in path:
            assert image.mode in ("RGBA", "LA") or "transparency" in image.info
    # Without the digest the address may change: cached for a day, revalidated by ETag.
    plain = admin.get(next(iter(sorted(wanted))))
    assert "immutable" not in plain.headers["Cache-Control"]
    again = admin.get(next(iter(sorted(wanted))), headers={"If-None-Match": plain.headers["ETag"]})
    assert again.status_code == 304


def test_a_profile_that_may_not_see_the_title_gets_no_artwork(app, catalog, admin, auth):
    title_id = catalog.titles["Blood Harbor"]
    assert upload(admin, title_id, poster=good_files()["poster"]).status_code == 302
    art = uploaded_variant(app, title_id)
    path = f"/artwork/{title_id}/{art.variant}/poster-500.jpg"
    assert admin.get(path).status_code == 200
    auth.as_viewer(profile={"name": "Kid", "maturity_limit": 7})
    assert admin.get(path).status_code == 404


def test_the_bandit_can_choose_the_uploaded_variant(app, catalog, admin):
    title_id = catalog.titles["Sunny Meadow 1"]
    with app.app_context():
        styles = {t: [(v, s) for v, s in vs] for t, vs in catalog_index_styles(app).items()}
        # A refresh before the upload: posteriors for the drawn variants only.
        drawn = styles[title_id]
        store_posteriors(
            Counts(
                segment=np.full(len(drawn), -1),
                title=np.full(len(drawn), title_id),
                variant=np.array([v for v, _ in drawn]),
                shown=np.full(len(drawn), 50),
                played=np.full(len(drawn), 2),
            ),
            styles,
        )
    assert upload(admin, title_id, poster=good_files()["poster"]).status_code == 302
    variant = uploaded_variant(app, title_id).variant
    with app.test_request_context():
        index = catalog_index()
        assert (variant, "uploaded") in index.artwork[title_id]
        rng = np.random.default_rng(3)
        chosen = [
            choose_variants(1, [title_id], rng=rng, epsilon=0.0, catalog_styles=index.artwork)[
                title_id
            ]
            for _ in range(300)
        ]
        assert variant in chosen
        row = db.session.get(Title, title_id)
        card = str(render_card(row, variant))
        assert "<picture" in card and f"/{variant}/poster-500.webp" in card


def catalog_index_styles(app) -> dict:
    with app.test_request_context():
        return dict(catalog_index().artwork)


BAD_FILES = [
    ("a text file", "poster", (b"Dear diary, not a picture.\n" * 20, "notes.png"), "not a picture"),
    (
        "too many bytes",
        "poster",
        (padded_png((600, 900), MAX_BYTES + 1024), "big.png"),
        "the largest picture Marquee takes is 200 KB",
    ),
    ("too small", "poster", (picture((200, 300)), "small.png"), "needs at least 500×750"),
    ("the wrong shape", "poster", (picture((1200, 800)), "wide.png"), "portrait, about 2:3"),
    (
        "cut short",
        "poster",
        (picture((600, 900), "JPEG")[:3000], "cut.jpg"),
        "damaged or cut short",
    ),
    (
        "a decompression bomb",
        "poster",
        (bomb_png(), "bomb.png"),
        "more pixels than Marquee decodes",
    ),
    (
        "a treatment without transparency",
        "treatment",
        (picture((800, 200)), "flat.png"),
        "no transparent background",
    ),
]


@pytest.mark.parametrize(
    ("case", "kind", "bad", "message"), BAD_FILES, ids=[case for case, *_ in BAD_FILES]
)
def test_a_refused_file_is_a_400_and_writes_nothing(app, catalog, admin, case, kind, bad, message):
    title_id = catalog.titles["Sunny Meadow 0"]
    files = {"poster": good_files()["poster"], "backdrop": good_files()["backdrop"], kind: bad}
    before, rows = listing(app), counts(app)
    response = upload(admin, title_id, **files)
    assert response.status_code == 400
    assert message in page_text(response)
    assert listing(app) == before
    assert counts(app) == rows


def test_a_new_variant_needs_a_poster(app, catalog, admin):
    title_id = catalog.titles["Sunny Meadow 0"]
    response = upload(admin, title_id, backdrop=good_files()["backdrop"])
    assert response.status_code == 400
    assert "needs a poster" in page_text(response)
    assert listing(app) == []


def test_non_admin_gets_403_and_nothing_is_written(app, catalog, auth):
    client = auth.client
    auth.as_viewer()
    title_id = catalog.titles["Sunny Meadow 0"]
    assert upload(client, title_id, **good_files()).status_code == 403
    assert client.post(f"/admin/titles/{title_id}/artwork/100/delete").status_code == 403
    assert listing(app) == []


def test_adding_a_backdrop_then_deleting_the_variant_removes_its_files(app, catalog, admin):
    title_id = catalog.titles["Sunny Meadow 0"]
    assert upload(admin, title_id, poster=good_files()["poster"]).status_code == 302
    variant = uploaded_variant(app, title_id).variant
    response = upload(admin, title_id, variant=str(variant), backdrop=good_files()["backdrop"])
    assert response.status_code == 302
    assert len(listing(app)) == 1 + 8  # the title's folder, poster and backdrop files
    assert admin.get(f"/artwork/{title_id}/{variant}/backdrop-1280.webp").status_code == 200
    edit = page_text(admin.get(f"/admin/titles/{title_id}"))
    assert "Uploaded 1" in edit
    response = admin.post(f"/admin/titles/{title_id}/artwork/{variant}/delete")
    assert response.status_code == 302
    assert listing(app) == [str(title_id)]
    assert counts(app)[1] == 0
    assert uploaded_variant(app, title_id) is None
    assert admin.get(f"/artwork/{title_id}/{variant}/poster-500.jpg").status_code == 404


def test_deleting_the_title_removes_its_uploaded_files(app, catalog, admin):
    title_id = catalog.titles["Sunny Meadow 0"]
    assert upload(admin, title_id, **good_files()).status_code == 302
    assert len(listing(app)) > 1
    assert admin.post(f"/admin/titles/{title_id}/delete").status_code == 302
    assert listing(app) == []
    assert counts(app)[1] == 0
