"""An admin uploads a poster in a real browser; a viewer's title page then shows it, as WebP."""

import re

import pytest
import sqlalchemy as sa
from PIL import Image

from tests.browser.test_accounts_and_titles import sign_up
from tests.browser.test_admin_pages import ADMIN_EMAIL, DEMO_PASSWORD

sync_api = pytest.importorskip("playwright.sync_api", reason="install the dev extras (playwright)")
expect = sync_api.expect

pytestmark = pytest.mark.browser


def _family_film(live_site) -> int:
    engine = sa.create_engine(f"sqlite:///{live_site.instance / 'marquee.db'}")
    with engine.connect() as conn:
        title_id = conn.execute(
            sa.text("SELECT id FROM titles WHERE kind = 'film' AND maturity_age <= 7 ORDER BY id")
        ).scalar()
    engine.dispose()
    return title_id


def test_an_uploaded_poster_is_shown_as_webp_and_can_be_deleted(context, live_site, tmp_path):
    poster = tmp_path / "festival-poster.png"
    ramp = Image.linear_gradient("L").resize((600, 900))
    Image.merge("RGB", (ramp, ramp, ramp.transpose(Image.Transpose.FLIP_TOP_BOTTOM))).save(poster)
    title_id = _family_film(live_site)

    admin = context.new_page()
    admin.goto("/auth/login")
    admin.get_by_label("Email").fill(ADMIN_EMAIL)
    admin.get_by_label("Password").fill(DEMO_PASSWORD)
    admin.get_by_role("button", name="Sign in").click()
    expect(admin.get_by_role("heading", name="Who's watching?")).to_be_visible()
    admin.goto(f"/admin/titles/{title_id}")
    artwork = admin.locator("#artwork")
    artwork.get_by_label("Name").fill("Festival poster")
    artwork.get_by_label("Poster").set_input_files(poster)
    artwork.get_by_role("button", name="Upload").click()
    expect(
        admin.get_by_text(re.compile("Uploaded the poster of “Festival poster”"))
    ).to_be_visible()
    expect(admin.locator("#artwork img.admin-art-thumb")).to_have_count(1)

    viewer = context.browser.new_context(base_url=live_site.url).new_page()
    sign_up(viewer)
    viewer.goto(f"/title/{title_id}")
    shown = viewer.locator("img.title-poster")
    expect(shown).to_be_visible()
    viewer.wait_for_function("el => el.complete && el.naturalWidth > 0", arg=shown.element_handle())
    assert ".webp" in shown.evaluate("el => el.currentSrc")

    admin.get_by_role("button", name="Delete the uploaded artwork Festival poster").click()
    expect(admin.get_by_text("Deleted the uploaded artwork “Festival poster”.")).to_be_visible()
    viewer.reload()
    assert ".svg" in viewer.locator("img.title-poster").evaluate("el => el.currentSrc")
    viewer.context.close()
