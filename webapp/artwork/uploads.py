"""Uploaded artwork: checking a picture with Pillow and writing the sizes the site serves.

A poster, a backdrop or a title treatment is refused with a message an admin
can act on (not a picture, a format we do not take, too many bytes or pixels,
too small, the wrong shape, cut short) before anything is written. A picture
that passes loses its metadata (EXIF, GPS, comments: only the pixels and the
colour profile are copied), is cropped to the site's shape and written at
each served width as WebP and as a fallback for browsers without WebP (JPEG;
PNG for a treatment, which keeps its transparency). Files are named by the
digest of the upload and renamed into place whole, so a reader never sees
half a file.
"""

import hashlib
import os
import shutil
import tempfile
import warnings
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

KINDS = ("poster", "backdrop", "treatment")
KIND_LABELS = {"poster": "poster", "backdrop": "backdrop", "treatment": "title treatment"}
FORMATS = ("JPEG", "PNG", "WEBP")
MIMETYPES = {"webp": "image/webp", "jpg": "image/jpeg", "png": "image/png"}
# Uploaded variants take numbers from here up; drawn ones stay below.
FIRST_UPLOADED_VARIANT = 100
UPLOADED_STYLE = "uploaded"


@dataclass(frozen=True)
class Shape:
    """What one kind of picture must be and the widths it is served at."""

    widths: tuple[int, ...]
    min_size: tuple[int, int]
    # Width / height allowed; pictures inside are cropped to `aspect` when it is set.
    ratio_range: tuple[float, float]
    aspect: float | None
    fallback: str  # "jpg" or "png"
    rule: str  # how the shape is put to an admin


SHAPES = {
    "poster": Shape((342, 500), (500, 750), (0.6, 0.75), 2 / 3, "jpg", "portrait, about 2:3"),
    "backdrop": Shape(
        (780, 1280), (1280, 720), (1.6, 1.95), 16 / 9, "jpg", "landscape, about 16:9"
    ),
    "treatment": Shape((300, 600), (600, 100), (1.0, 8.0), None, "png", "wider than tall"),
}


class RefusedPicture(ValueError):
    """A file that is not a picture the site can use; the message says why."""


@dataclass
class PreparedPicture:
    """A checked upload, ready to write: its digest, size and encoded files by name suffix."""

    kind: str
    digest: str
    width: int
    height: int
    files: dict[str, bytes] = field(default_factory=dict)  # "500.webp" -> bytes


def prepare(kind: str, data: bytes, max_bytes: int, max_pixels: int) -> PreparedPicture:
    """Check an upload and encode every served size, in memory; raise RefusedPicture."""
    label = KIND_LABELS[kind]
    shape = SHAPES[kind]
    if not data:
        raise RefusedPicture(f"The {label} file is empty.")
    if len(data) > max_bytes:
        raise RefusedPicture(
            f"The {label} is {size_label(len(data))}; the largest picture Marquee takes is {size_label(max_bytes)}."
        )
    picture = _open(data, label, max_pixels)
    width, height = picture.size
    min_w, min_h = shape.min_size
    if width < min_w or height < min_h:
        raise RefusedPicture(
            f"The {label} is {width}×{height} pixels; it needs at least {min_w}×{min_h}."
        )
    ratio = width / height
    low, high = shape.ratio_range
    if not low <= ratio <= high:
        raise RefusedPicture(f"The {label} is {width}×{height} pixels; a {label} is {shape.rule}.")
    if kind == "treatment" and not _has_alpha(picture):
        raise RefusedPicture(
            "The title treatment has no transparent background: upload a PNG or WebP with transparency."
        )
    picture = _pixels_only(picture, keep_alpha=kind == "treatment")
    if shape.aspect is not None:
        target_h = round(width / shape.aspect)
        size = (width, target_h) if target_h <= height else (round(height * shape.aspect), height)
        picture = ImageOps.fit(picture, size, Image.Resampling.LANCZOS)
    prepared = PreparedPicture(
        kind, hashlib.sha256(data).hexdigest()[:32], picture.width, picture.height
    )
    for served in shape.widths:
        scaled = _scaled(picture, served)
        prepared.files[f"{served}.webp"] = _encode(scaled, "WEBP")
        fallback = "PNG" if shape.fallback == "png" else "JPEG"
        prepared.files[f"{served}.{shape.fallback}"] = _encode(scaled, fallback)
    return prepared


def _open(data: bytes, label: str, max_pixels: int) -> Image.Image:
    """The decoded picture, checked whole; the pixel count is checked before decoding."""
    not_picture = f"The {label} is not a picture Marquee can read: upload a JPEG, PNG or WebP file."
    with warnings.catch_warnings():
        # Pillow's own bomb limit warns first; here that is a refusal, not a warning.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(BytesIO(data), formats=FORMATS) as probe:
                _check_pixels(probe.size, label, max_pixels)
                probe.verify()
            picture = Image.open(BytesIO(data), formats=FORMATS)
            picture.load()
        except RefusedPicture:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise RefusedPicture(_too_many_pixels(label, max_pixels)) from error
        except UnidentifiedImageError as error:
            raise RefusedPicture(not_picture) from error
        except (OSError, SyntaxError, ValueError, EOFError) as error:
            raise RefusedPicture(
                f"The {label} file is damaged or cut short; export it again and upload the new file."
            ) from error
    return picture


def _check_pixels(size: tuple[int, int], label: str, max_pixels: int) -> None:
    if size[0] * size[1] > max_pixels:
        raise RefusedPicture(_too_many_pixels(label, max_pixels))


def _too_many_pixels(label: str, max_pixels: int) -> str:
    return (
        f"The {label} has more pixels than Marquee decodes ({max_pixels / 1e6:.0f} megapixels at most);"
        " scale it down first."
    )


def _pixels_only(picture: Image.Image, keep_alpha: bool) -> Image.Image:
    """A new picture holding only the pixels, upright, in RGB or RGBA: no EXIF, GPS or text."""
    upright = ImageOps.exif_transpose(picture)
    mode = "RGBA" if keep_alpha and _has_alpha(upright) else "RGB"
    converted = upright.convert(mode)
    clean = Image.new(mode, converted.size)
    clean.paste(converted)
    # The colour profile is not about the photographer or the place: kept so colours stay true.
    if picture.info.get("icc_profile"):
        clean.info["icc_profile"] = picture.info["icc_profile"]
    return clean


def _has_alpha(picture: Image.Image) -> bool:
    return picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info


def _scaled(picture: Image.Image, width: int) -> Image.Image:
    """The picture at `width` (never enlarged past its own width)."""
    if picture.width <= width:
        return picture
    height = max(1, round(picture.height * width / picture.width))
    return picture.resize((width, height), Image.Resampling.LANCZOS)


def _encode(picture: Image.Image, fmt: str) -> bytes:
    out = BytesIO()
    profile = {"icc_profile": picture.info["icc_profile"]} if "icc_profile" in picture.info else {}
    if fmt == "JPEG":
        picture.convert("RGB").save(
            out, "JPEG", quality=85, optimize=True, progressive=True, **profile
        )
    elif fmt == "WEBP":
        picture.save(out, "WEBP", quality=82, method=4, **profile)
    else:
        picture.save(out, "PNG", optimize=True, **profile)
    return out.getvalue()


def size_label(n: int) -> str:
    """A size as an admin reads it: 512 KB, 10.0 MB."""
    return f"{n / 1024**2:.1f} MB" if n >= 1024**2 else f"{max(1, round(n / 1024))} KB"


# -- files --------------------------------------------------------------------------------------


def file_name(variant: int, kind: str, digest: str, suffix: str) -> str:
    """The name of one served file of a picture, e.g. "101-poster-<digest>-500.webp"."""
    return f"{variant}-{kind}-{digest}-{suffix}"


def file_path(root: Path, title_id: int, variant: int, kind: str, digest: str, suffix: str) -> Path:
    return Path(root) / str(title_id) / file_name(variant, kind, digest, suffix)


def write(root: Path, title_id: int, variant: int, picture: PreparedPicture) -> list[Path]:
    """Write a prepared picture's files, each renamed into place whole; returns their paths.

    On an error the files already written are removed again.
    """
    folder = Path(root) / str(title_id)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    try:
        for suffix, data in picture.files.items():
            final = folder / file_name(variant, picture.kind, picture.digest, suffix)
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                os.replace(tmp, final)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            written.append(final)
    except BaseException:
        remove(written)
        raise
    return written


def files_of(root: Path, title_id: int, variant: int, kind: str, digest: str) -> list[Path]:
    """Every served file of one stored picture."""
    shape = SHAPES[kind]
    suffixes = [f"{w}.{ext}" for w in shape.widths for ext in ("webp", shape.fallback)]
    return [file_path(root, title_id, variant, kind, digest, s) for s in suffixes]


def remove(paths) -> None:
    """Remove files; one already gone is fine."""
    for path in paths:
        Path(path).unlink(missing_ok=True)


def remove_title(root: Path, title_id: int) -> None:
    """Remove every uploaded picture of a deleted title."""
    shutil.rmtree(Path(root) / str(title_id), ignore_errors=True)
