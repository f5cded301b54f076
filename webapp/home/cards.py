"""One title card as HTML, built in Python.

A home page holds a few hundred cards; building each with string formatting
instead of a template macro keeps the page inside its time budget. The card
macro in templates/macros/cards.html calls this, so there is one markup.
"""

from flask import url_for
from markupsafe import Markup, escape

from webapp.templating import artwork_url, runtime_label, title_url


def _attr(value) -> str:
    return "" if value is None else str(escape(value))


def render_card(title, variant=0, reason=None, score=None, row_key=None, row_pos=None,
                col_pos=None, progress=None, note=None, rank=None) -> Markup:
    name = escape(title.name)
    meta = []
    if score is not None:
        meta.append(f'<span class="card-score">{round(score * 100)}% match</span>')
    meta.append(f'<span class="maturity">{escape(title.maturity_rating)}</span>')
    if title.year:
        meta.append(f"<span>{title.year}</span>")
    meta.append(f"<span>{'Series' if title.kind == 'series' else escape(runtime_label(title.runtime_minutes))}</span>")
    reason_html = f'<span class="card-reason">{escape(reason)}</span>' if reason else ""
    parts = [
        (
            f'<article class="card{" card-ranked" if rank else ""}" data-title-id="{title.id}" '
            f'data-row-key="{_attr(row_key)}" data-row-pos="{_attr(row_pos)}" '
            f'data-col-pos="{_attr(col_pos)}" data-variant="{variant}">'
        ),
        f'<a class="card-link" href="{escape(title_url(title))}">',
    ]
    if rank:
        parts.append(f'<span class="card-rank" aria-hidden="true">{rank}</span>')
    parts.append(
        f'<img class="card-art" src="{escape(artwork_url(title, variant, "poster"))}" alt="{name}" '
        'width="200" height="300" loading="lazy" decoding="async">'
        f'<span class="card-info" aria-hidden="true"><span class="card-name">{name}</span>'
        f'<span class="card-meta">{"".join(meta)}</span>{reason_html}</span>'
    )
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
        parts.append(f'<span class="visually-hidden">Number {rank} {escape(reason or "")}</span>')
    if row_key == "continue":
        # Posted by static/js/site.js with the page's CSRF token: cached rows hold no token.
        action = url_for("browse.hide_from_continue", title_id=title.id)
        parts.append(
            f'<button type="button" class="action-button compact card-hide" data-hide-url="{escape(action)}" '
            f'title="Remove from Continue Watching">&times;<span class="visually-hidden"> Remove {name} '
            "from Continue Watching</span></button>"
        )
    if reason:
        parts.append(f'<span class="visually-hidden">{escape(reason)}</span>')
    parts.append("</article>")
    return Markup("".join(parts))
