"""Paginated, sortable list pages (used by every list in core and plugins)."""
from __future__ import annotations

from dataclasses import dataclass
from math import ceil

from flask import current_app, request
from sqlalchemy import func, select
from sqlalchemy.orm import Session


@dataclass
class Page:
    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def escape_like(text: str) -> str:
    """Search text for ``ilike(..., escape="\\")``: % and _ are searched literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _int_arg(name: str, default: int) -> int:
    try:
        return max(1, int(request.args.get(name, default)))
    except (TypeError, ValueError):
        return default


def sorted_by(stmt, columns: dict, default: str):
    """Apply ``?sort=name`` or ``?sort=-name`` from a whitelist of columns."""
    key = request.args.get("sort", default)
    descending = key.startswith("-")
    column = columns.get(key.lstrip("-")) or columns[default.lstrip("-")]
    if default.startswith("-") and key == default:
        descending = True
    return stmt.order_by(column.desc() if descending else column.asc())


def paginate(session: Session, stmt, per_page: int | None = None) -> Page:
    per_page = per_page or current_app.config["PER_PAGE"]
    page = _int_arg("page", 1)
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    pages = max(1, ceil(total / per_page))
    page = min(page, pages)
    items = session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return Page(items=list(items), total=total, page=page, per_page=per_page)
