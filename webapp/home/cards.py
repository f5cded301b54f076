"""Title cards and rows of cards as HTML, built in Python.

A home page holds a few hundred cards; building them with string formatting
instead of template macros keeps the page inside its time budget. The card
and row macros in templates/macros/cards.html call these, so there is one
markup.

The part of a card that depends only on the title and the artwork variant
(links, artwork address, name, AI label, maturity, year, runtime) is kept in
the app's card cache (webapp.caching), keyed by every value it is made from,
so an edited title gets new markup on its next card and nothing needs emptying.
"""

from flask import request, url_for
from markupsafe import Markup, escape

from webapp.artwork.picture import picture_html
from webapp.artwork.uploads import FIRST_UPLOADED_VARIANT
from webapp.caching import app_caches
from webapp.catalog.ai_use import EXPLANATIONS, ai_label
from webapp.home.catalog_index import catalog_index
from webapp.templating import artwork_url, runtime_label, title_url


def _attr(value) -> str:
    return "" if value is None else str(escape(value))


def _title_fragments(title, variant: int) -> tuple[str, str, str, str]:
    """(escaped name, link opening, artwork and name up to the match figure, rest of the meta line)."""
    # An uploaded variant's poster is named by its digest (read from the catalog index).
    digest = (
        uploaded_image(title.id, variant, "poster") if variant >= FIRST_UPLOADED_VARIANT else None
    )
    key = (
        request.script_root,
        title.id,
        title.name,
        title.slug,
        title.year,
        title.kind,
        title.maturity_rating,
        title.runtime_minutes,
        title.ai_use,
        variant,
        digest,
    )
    caches = app_caches()
    found = caches.get(caches.cards, key)
    if found is not None:
        return found
    name = str(escape(title.name))
    link = f'<a class="card-link" href="{escape(title_url(title))}">'
    art = (
        _card_picture(title, variant, digest, name)
        + _ai_badge(title.ai_use)
        + f'<span class="card-info" aria-hidden="true"><span class="card-name">{name}</span>'
        '<span class="card-meta">'
    )
    meta = [f'<span class="maturity">{escape(title.maturity_rating)}</span>']
    if title.year:
        meta.append(f"<span>{title.year}</span>")
    meta.append(
        f"<span>{'Series' if title.kind == 'series' else escape(runtime_label(title.runtime_minutes))}</span>"
    )
    meta.append("</span>")
    found = (name, link, art, "".join(meta))
    caches.put(caches.cards, key, found)
    return found


def uploaded_image(title_id: int, variant: int, kind: str) -> str | None:
    """The digest of an uploaded variant's picture of this kind, None if it has none."""
    return catalog_index().uploads.get((title_id, variant), {}).get(kind)


def _card_picture(title, variant: int, digest: str | None, name: str) -> str:
    """The card's poster: an uploaded one as a <picture>, else the drawn SVG."""
    attrs = (
        f'class="card-art" alt="{name}" width="200" height="300" loading="lazy" decoding="async"'
    )
    if digest is not None:
        return picture_html(
            request.script_root, title.id, variant, "poster", digest, "200px", attrs
        )
    drawn = variant if variant < FIRST_UPLOADED_VARIANT else 0
    return f'<img src="{escape(artwork_url(title, drawn, "poster"))}" {attrs}>'


def _ai_badge(ai_use: str | None) -> str:
    """The AI label on the artwork; outside the aria-hidden info so screen readers say it too."""
    label = ai_label(ai_use)
    if label is None:
        return ""
    explanation = escape(EXPLANATIONS[ai_use])
    return (
        f'<span class="badge badge-ai card-ai" title="{explanation}">{label}'
        f'<span class="visually-hidden">: {explanation}</span></span>'
    )


def _card_html(title, variant, reason, score, where: str, progress, note, rank, hide: bool) -> str:
    """One card; `where` is its escaped data-row-key, data-row-pos and data-col-pos attributes."""
    name, link, art, meta = _title_fragments(title, variant)
    reason_text = str(escape(reason)) if reason else ""
    parts = [
        f'<article class="card{" card-ranked" if rank else ""}" data-title-id="{title.id}" {where} data-variant="{variant}">',
        link,
    ]
    if rank:
        parts.append(f'<span class="card-rank" aria-hidden="true">{rank}</span>')
    parts.append(art)
    if score is not None:
        parts.append(f'<span class="card-score">{round(score * 100)}% match</span>')
    parts.append(meta)
    if reason:
        parts.append(f'<span class="card-reason">{reason_text}</span>')
    parts.append("</span>")
    if note:
        parts.append(f'<span class="card-note">{escape(note)}</span>')
    if progress is not None:
        percent = round(progress * 100)
        parts.append(
            f'<span class="card-progress" role="img" aria-label="{percent}% watched">'
            f'<span class="card-progress-{round(progress * 20) * 5}"></span></span>'
        )
    parts.append("</a>")
    if rank:
        parts.append(f'<span class="visually-hidden">Number {rank} {reason_text}</span>')
    if hide:
        # Posted by static/js/site.js with the page's CSRF token: cached rows hold no token.
        action = url_for("browse.hide_from_continue", title_id=title.id)
        parts.append(
            f'<button type="button" class="action-button compact card-hide" data-hide-url="{escape(action)}" tabindex="-1" '
            f'title="Remove from Continue Watching">&times;<span class="visually-hidden"> Remove {name} '
            "from Continue Watching</span></button>"
        )
    if reason:
        parts.append(f'<span class="visually-hidden">{reason_text}</span>')
    parts.append("</article>")
    return "".join(parts)


def render_card(
    title,
    variant=0,
    reason=None,
    score=None,
    row_key=None,
    row_pos=None,
    col_pos=None,
    progress=None,
    note=None,
    rank=None,
) -> Markup:
    where = f'data-row-key="{_attr(row_key)}" data-row-pos="{_attr(row_pos)}" data-col-pos="{_attr(col_pos)}"'
    return Markup(
        _card_html(
            title, variant, reason, score, where, progress, note, rank, row_key == "continue"
        )
    )


def render_row(row, row_pos=0) -> Markup:
    """A titled, sideways-scrolling row (a webapp.home.types.Row) with its cards."""
    key, label, pos = escape(row.key), escape(row.title), escape(row_pos)
    hide = row.key == "continue"
    more = (
        f'<a class="row-more" href="{escape(row.href)}">See all<span class="visually-hidden"> {label}</span></a>'
        if row.href
        else ""
    )
    where = f'data-row-key="{key}" data-row-pos="{pos}"'
    cells = []
    size = len(row.items)
    for col, i in enumerate(row.items):
        card = _card_html(
            i.title,
            i.variant,
            i.reason,
            i.score,
            f'{where} data-col-pos="{col}"',
            i.progress,
            i.note,
            i.rank,
            hide,
        )
        # "N of M" for screen readers, on the cell that holds the focused card link.
        cells.append(
            f'      <li class="row-cell" aria-posinset="{col + 1}" aria-setsize="{size}">{card}</li>\n'
        )
    return Markup(
        f'<section class="row" data-row data-row-key="{key}" data-row-pos="{pos}" aria-labelledby="row-{pos}-heading">\n'
        '  <div class="row-header">\n'
        f'    <h2 class="row-title" id="row-{pos}-heading">{label}</h2>\n'
        f"{more}  </div>\n"
        '  <div class="row-viewport">\n'
        f'    <button type="button" class="row-scroll row-scroll-prev" data-row-scroll="-1" tabindex="-1" aria-label="Scroll {label} back" hidden>&#8249;</button>\n'
        '    <ol class="row-track" data-row-track>\n'
        f"{''.join(cells)}"
        "    </ol>\n"
        f'    <button type="button" class="row-scroll row-scroll-next" data-row-scroll="1" tabindex="-1" aria-label="Scroll {label} forward" hidden>&#8250;</button>\n'
        "  </div>\n"
        "</section>"
    )


def showcase(title_id: int) -> dict[str, tuple[int, str]]:
    """kind -> (variant, digest) of the newest uploaded picture of each kind a title has.

    Views pass it to the hero and the title page, which show a title's own
    backdrop, poster and title treatment where an admin uploaded them.
    """
    found: dict[str, tuple[int, str]] = {}
    index = catalog_index()
    for variant, _style in index.artwork.get(title_id, ()):
        for kind, digest in index.uploads.get((title_id, variant), {}).items():
            found[kind] = (variant, digest)  # variants come in order: the newest wins
    return found


def artwork_picture(title, kind: str, shown, css_class: str = "", alt: str = "", size=None):
    """A title's uploaded picture of `kind` (from `showcase`), else its drawn variant 0.

    A title treatment has no drawn stand-in: without an upload this is empty.
    `size` is the (width, height) the layout reserves.
    """
    width, height = size or ((1280, 720) if kind == "backdrop" else (200, 300))
    attrs = f'class="{escape(css_class)}" alt="{escape(alt)}"'
    uploaded = (shown or {}).get(kind)
    if uploaded is not None:
        variant, digest = uploaded
        if kind != "treatment":
            attrs += f' width="{width}" height="{height}"'
        sizes = f"{width}px" if kind != "backdrop" else "100vw"
        return Markup(
            picture_html(request.script_root, title.id, variant, kind, digest, sizes, attrs)
        )
    if kind == "treatment":
        return Markup("")
    return Markup(
        f'<img src="{escape(artwork_url(title, 0, kind))}" {attrs} width="{width}" height="{height}">'
    )
