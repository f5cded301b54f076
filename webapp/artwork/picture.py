"""Addresses and <picture> markup of uploaded artwork: WebP first, JPEG (or PNG) for the rest.

Addresses carry the picture's digest (?v=), so a browser may keep one for a
year and a replaced picture is fetched anew. Drawn artwork keeps its plain
<img> (webapp.templating.artwork_url).
"""

from markupsafe import escape

from webapp.artwork.uploads import SHAPES


def image_url(root: str, title_id: int, variant: int, kind: str, width: int, ext: str, digest: str):
    """The address of one served size of an uploaded picture."""
    return f"{root}/artwork/{title_id}/{variant}/{kind}-{width}.{ext}?v={digest}"


def picture_html(
    root: str, title_id: int, variant: int, kind: str, digest: str, sizes: str, img_attrs: str
) -> str:
    """A <picture> offering every served width as WebP, then the fallback format in the <img>.

    `img_attrs` is the <img> element's other attributes, already escaped
    (class, alt, width, height, loading, ...).
    """
    shape = SHAPES[kind]

    def srcset(ext: str) -> str:
        return ", ".join(
            f"{escape(image_url(root, title_id, variant, kind, w, ext, digest))} {w}w"
            for w in shape.widths
        )

    largest = shape.widths[-1]
    fallback = escape(image_url(root, title_id, variant, kind, largest, shape.fallback, digest))
    return (
        f'<picture class="art-picture"><source type="image/webp" srcset="{srcset("webp")}" '
        f'sizes="{escape(sizes)}"><img src="{fallback}" srcset="{srcset(shape.fallback)}" '
        f'sizes="{escape(sizes)}" {img_attrs}></picture>'
    )
