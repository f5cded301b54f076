"""Drawing posters (2:3) and backdrops (16:9) as SVG from an artwork recipe.

Everything is computed from the recipe (style, palette), the title's name and
year, and a seed per title and variant, so the same inputs always give the
same picture and nothing is fetched from anywhere.
"""

import hashlib
import math
import random
import re
import textwrap
from dataclasses import dataclass
from html import escape

from webapp.artwork.recipes import DEFAULT_PALETTE, STYLES, seed_for

# Bump when the drawing changes so cached files and browser caches renew.
DRAW_VERSION = 4
SHAPES = {"poster": (400, 600), "backdrop": (1280, 720)}
FONT = "'Helvetica Neue', Helvetica, Arial, 'Liberation Sans', sans-serif"
_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
# Characters XML 1.0 does not allow at all, even escaped.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class ArtSpec:
    """What one artwork variant of one title is drawn from."""

    title_id: int
    variant: int
    name: str
    year: int | None
    style: str
    palette: tuple[str, ...]
    kind: str = "film"

    @classmethod
    def build(cls, title_id, variant, name, year, style, palette, kind="film") -> "ArtSpec":
        """A spec with a known style and four safe colours, whatever was stored."""
        colours = [c.strip() for c in (palette or "").split(",") if _HEX.match(c.strip())]
        colours += [c for c in (*DEFAULT_PALETTE, "#ffd60a") if c not in colours]
        return cls(
            title_id=title_id,
            variant=variant,
            name=_XML_ILLEGAL.sub("", name or "").strip() or "Untitled",
            year=year,
            style=style if style in STYLES else STYLES[variant % len(STYLES)],
            palette=tuple(colours[:4]),
            kind=kind,
        )

    def cache_key(self, shape: str) -> str:
        """Changes whenever anything that is drawn changes."""
        raw = "|".join(
            map(
                str,
                (
                    DRAW_VERSION,
                    shape,
                    self.title_id,
                    self.variant,
                    self.name,
                    self.year,
                    self.style,
                    ",".join(self.palette),
                    self.kind,
                ),
            )
        )
        return hashlib.sha256(raw.encode()).hexdigest()[:20]


def url_version(title, variant: int) -> str:
    """A short version for artwork URLs from what a card already has loaded.

    It changes with the name, year and drawing code; a changed palette alone
    is caught by the ETag when the browser revalidates.
    """
    raw = f"{DRAW_VERSION}|{title.id}|{variant}|{title.name}|{title.year}|{title.kind}"
    return hashlib.sha256(raw.encode()).hexdigest()[:10]


def draw(spec: ArtSpec, shape: str) -> str:
    """The SVG document for a poster or a backdrop."""
    width, height = SHAPES[shape]
    rng = random.Random(seed_for(spec.title_id, spec.variant))
    bg, main, second, accent = spec.palette
    canvas = _Canvas(width, height)
    canvas.gradient(
        "bg",
        [(0, _mix(bg, "#000000", 0.15)), (1, _mix(bg, main, 0.35))],
        angle=rng.uniform(60, 120),
    )
    canvas.add(f'<rect width="{width}" height="{height}" fill="url(#bg)"/>')
    painter = {
        "typographic": _typographic,
        "portrait": _portrait,
        "landscape": _landscape,
        "emblem": _emblem,
    }[spec.style]
    painter(canvas, rng, main, second, accent, bg)
    canvas.grain(rng)
    if shape == "poster":
        _poster_text(canvas, spec, accent, spec.style)
    else:
        canvas.shade_left()
    return canvas.render(spec.name)


class _Canvas:
    """An SVG being assembled: definitions, then shapes in painting order."""

    def __init__(self, width: int, height: int):
        self.width, self.height = width, height
        self.defs: list[str] = []
        self.body: list[str] = []

    def add(self, element: str) -> None:
        self.body.append(element)

    def gradient(self, gid: str, stops, angle: float = 90.0, radial: bool = False) -> None:
        stop_tags = "".join(
            f'<stop offset="{offset:.2f}" stop-color="{colour}"'
            + (f' stop-opacity="{opacity}"' if opacity is not None else "")
            + "/>"
            for offset, colour, *rest in stops
            for opacity in [rest[0] if rest else None]
        )
        if radial:
            self.defs.append(
                f'<radialGradient id="{gid}" cx="50%" cy="45%" r="65%">{stop_tags}</radialGradient>'
            )
            return
        rad = math.radians(angle)
        x, y = math.cos(rad) / 2, math.sin(rad) / 2
        self.defs.append(
            f'<linearGradient id="{gid}" x1="{0.5 - x:.3f}" y1="{0.5 - y:.3f}" '
            f'x2="{0.5 + x:.3f}" y2="{0.5 + y:.3f}">{stop_tags}</linearGradient>'
        )

    def grain(self, rng: random.Random) -> None:
        """A few soft specks so flat colours do not look like placeholders."""
        for _ in range(18):
            x, y = rng.uniform(0, self.width), rng.uniform(0, self.height)
            r = rng.uniform(1, 3.5) * self.width / 400
            self.add(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="#ffffff" opacity="{rng.uniform(0.03, 0.1):.2f}"/>'
            )

    def shade_left(self) -> None:
        """Backdrops sit behind text on the left: darken that side."""
        self.gradient("shade", [(0, "#000000", 0.55), (0.6, "#000000", 0)], angle=0)
        self.add(f'<rect width="{self.width}" height="{self.height}" fill="url(#shade)"/>')

    def render(self, label: str) -> str:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {self.width} {self.height}" '
            f'width="{self.width}" height="{self.height}" role="img" preserveAspectRatio="xMidYMid slice">'
            f"<title>{escape(label)}</title><defs>{''.join(self.defs)}</defs>{''.join(self.body)}</svg>"
        )


def _typographic(c: _Canvas, rng, main, second, accent, bg) -> None:
    """Bold diagonal bands behind the name."""
    w, h = c.width, c.height
    tilt = rng.uniform(-25, 25)
    for i in range(rng.randint(3, 5)):
        y = rng.uniform(0, h)
        band = rng.uniform(0.04, 0.16) * h
        colour = (main, second, accent)[i % 3]
        c.add(
            f'<rect x="{-w * 0.5:.0f}" y="{y:.1f}" width="{w * 2:.0f}" height="{band:.1f}" fill="{colour}" '
            f'opacity="{rng.uniform(0.25, 0.6):.2f}" transform="rotate({tilt:.1f} {w / 2:.0f} {h / 2:.0f})"/>'
        )
    c.add(
        f'<rect x="{w * 0.08:.0f}" y="{h * 0.08:.0f}" width="{w * 0.84:.0f}" height="{h * 0.84:.0f}" '
        f'fill="none" stroke="{accent}" stroke-width="{max(2, w / 200):.0f}" opacity="0.5"/>'
    )


def _portrait(c: _Canvas, rng, main, second, accent, bg) -> None:
    """A figure in silhouette against a halo."""
    w, h = c.width, c.height
    cx = w * rng.uniform(0.35, 0.65)
    unit = min(w, h)
    c.gradient("halo", [(0, accent, 0.9), (0.6, main, 0.35), (1, main, 0)], radial=True)
    c.add(f'<circle cx="{cx:.1f}" cy="{h * 0.38:.1f}" r="{unit * 0.42:.1f}" fill="url(#halo)"/>')
    head_r = unit * rng.uniform(0.11, 0.14)
    head_y = h * 0.36
    body = _mix(bg, "#000000", 0.55)
    c.add(f'<circle cx="{cx:.1f}" cy="{head_y:.1f}" r="{head_r:.1f}" fill="{body}"/>')
    neck = head_y + head_r * 0.9
    spread = unit * rng.uniform(0.32, 0.42)
    c.add(
        f'<path d="M{cx - head_r * 0.45:.1f},{neck:.1f} L{cx + head_r * 0.45:.1f},{neck:.1f} '
        f"C{cx + spread:.1f},{neck + head_r * 0.9:.1f} {cx + spread:.1f},{h * 0.75:.1f} {cx + spread * 1.1:.1f},{h:.1f} "
        f"L{cx - spread * 1.1:.1f},{h:.1f} C{cx - spread:.1f},{h * 0.75:.1f} {cx - spread:.1f},{neck + head_r * 0.9:.1f} "
        f'{cx - head_r * 0.45:.1f},{neck:.1f} Z" fill="{body}"/>'
    )
    c.add(
        f'<circle cx="{cx + head_r * 0.35:.1f}" cy="{head_y - head_r * 0.2:.1f}" r="{head_r * 0.08:.1f}" fill="{second}" opacity="0.8"/>'
    )


def _landscape(c: _Canvas, rng, main, second, accent, bg) -> None:
    """A sky, a sun or moon, and layered ridges."""
    w, h = c.width, c.height
    c.add(
        f'<circle cx="{w * rng.uniform(0.2, 0.8):.1f}" cy="{h * rng.uniform(0.18, 0.4):.1f}" '
        f'r="{min(w, h) * rng.uniform(0.09, 0.16):.1f}" fill="{accent}" opacity="0.9"/>'
    )
    layers = 4
    for i in range(layers):
        base = h * (0.5 + 0.12 * i)
        points = [(0, h)]
        steps = rng.randint(4, 8)
        for s in range(steps + 1):
            points.append((w * s / steps, base - rng.uniform(0, h * 0.16)))
        points.append((w, h))
        colour = _mix(main, "#000000", 0.2 + 0.18 * i)
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        c.add(f'<polygon points="{path}" fill="{colour}" opacity="0.95"/>')


def _emblem(c: _Canvas, rng, main, second, accent, bg) -> None:
    """Rings and a polygon: a symbol standing for the story."""
    w, h = c.width, c.height
    # High on a poster, leaving the lower half to the name.
    cx, cy = w / 2, (h * 0.32 if h > w else h * 0.45)
    unit = min(w, h)
    for i, colour in enumerate((main, second, accent)):
        c.add(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{unit * (0.32 - i * 0.07):.1f}" fill="none" '
            f'stroke="{colour}" stroke-width="{unit * 0.012:.1f}" opacity="{0.8 - i * 0.15:.2f}"/>'
        )
    sides = rng.randint(3, 8)
    turn = rng.uniform(0, math.pi)
    radius = unit * 0.14
    points = " ".join(
        f"{cx + radius * math.cos(turn + 2 * math.pi * k / sides):.1f},"
        f"{cy + radius * math.sin(turn + 2 * math.pi * k / sides):.1f}"
        for k in range(sides)
    )
    c.add(f'<polygon points="{points}" fill="{accent}" opacity="0.85"/>')


def _poster_text(c: _Canvas, spec: ArtSpec, accent: str, style: str) -> None:
    """The name, sized by its length and wrapped; the year and a kind label above it."""
    size, lines = fit_title(spec.name, usable_width=c.width * 0.84)
    top_styles = ("landscape",)
    line_height = size * 1.08
    block = line_height * len(lines)
    if style in top_styles:
        first = c.height * 0.1 + size
    elif style == "typographic":
        first = (c.height - block) / 2 + size * 0.85
    else:
        first = c.height * 0.9 - block + size * 0.85
    # A dark scrim under the text keeps it legible on any palette.
    c.gradient(
        "scrim",
        [(0, "#000000", 0), (1, "#000000", 0.7)],
        angle=90 if style not in top_styles else 270,
    )
    scrim_y = 0 if style in top_styles else c.height * 0.45
    c.add(
        f'<rect y="{scrim_y:.0f}" width="{c.width}" height="{c.height * 0.55:.0f}" fill="url(#scrim)"/>'
    )
    tspans = "".join(
        f'<tspan x="{c.width / 2:.0f}" y="{first + i * line_height:.1f}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    c.add(
        f'<text text-anchor="middle" font-family="{escape(FONT)}" font-weight="800" '
        f'font-size="{size:.0f}" fill="#ffffff" letter-spacing="{size * 0.02:.1f}">{tspans}</text>'
    )
    caption = " · ".join(
        p
        for p in (
            ("Series" if spec.kind == "series" else None),
            (str(spec.year) if spec.year else None),
        )
        if p
    )
    if caption:
        y = first - size - 10 if style != "landscape" else first + block + 8
        c.add(
            f'<text x="{c.width / 2:.0f}" y="{y:.0f}" text-anchor="middle" font-family="{escape(FONT)}" '
            f'font-size="18" font-weight="600" fill="#ffffff" fill-opacity="0.8" '
            f'letter-spacing="3">{escape(caption.upper())}</text>'
        )


def fit_title(name: str, usable_width: float, max_lines: int = 4) -> tuple[float, list[str]]:
    """A font size and wrapped lines: short names big, long names smaller and wrapped.

    Words are only broken when even the smallest size cannot fit them whole.
    """
    text = name.upper() if len(name) <= 24 else name
    longest_word = max((len(w) for w in text.split()), default=1)
    # Bold capitals run about 0.7 em wide; mixed case about 0.6.
    em = 0.7 if text.isupper() else 0.6
    for size in (76, 64, 54, 46, 40, 34, 30, 26, 22):
        per_line = max(4, int(usable_width / (size * em)))
        if longest_word > per_line:
            continue
        lines = textwrap.wrap(text, per_line)
        if len(lines) <= (2 if size >= 64 else max_lines):
            return float(size), lines
    lines = textwrap.wrap(text, max(4, int(usable_width / (22 * em))), break_long_words=True)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][:-1].rstrip() + "…"
    return 22.0, lines


def _mix(a: str, b: str, t: float) -> str:
    """Blend two hex colours: t=0 is a, t=1 is b."""
    ra, ga, ba = _rgb(a)
    rb, gb, bb = _rgb(b)
    return f"#{round(ra + (rb - ra) * t):02x}{round(ga + (gb - ga) * t):02x}{round(ba + (bb - ba) * t):02x}"


def _rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    if len(value) == 3:
        value = "".join(ch * 2 for ch in value)
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)
