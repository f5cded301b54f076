"""Screenshots kept as test artifacts in test-artifacts/ at the top of the repository."""

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def save_screenshot(page: "Page", name: str, full_page: bool = True) -> Path:
    """Write `name`.png afresh and fail the test unless a non-empty PNG was written."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    path.unlink(missing_ok=True)
    page.screenshot(path=path, full_page=full_page)
    assert path.is_file(), f"screenshot {path} was not written"
    assert path.stat().st_size > len(PNG_SIGNATURE), f"screenshot {path} is empty"
    with path.open("rb") as image:
        assert image.read(len(PNG_SIGNATURE)) == PNG_SIGNATURE, f"{path} is not a PNG"
    return path
