"""Page-by-page lists for the admin tables."""

import math
from dataclasses import dataclass

from flask import current_app, request
from sqlalchemy import Select, func, select

from webapp.extensions import db


@dataclass
class Page:
    items: list
    number: int
    pages: int
    total: int

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def requested_page() -> int:
    """The ?page= number; anything odd means the first page."""
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and len(raw) < 9 else 1


def paginate(stmt: Select, page: int | None = None, per_page: int | None = None) -> Page:
    """One page of a query; a page past the end shows the last one."""
    per_page = per_page or int(current_app.config.get("ADMIN_PAGE_SIZE", 25))
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    pages = max(1, math.ceil(total / per_page))
    number = min(max(1, page or requested_page()), pages)
    items = db.session.scalars(stmt.limit(per_page).offset((number - 1) * per_page)).all()
    return Page(items=list(items), number=number, pages=pages, total=total)
