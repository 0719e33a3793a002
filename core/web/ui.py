"""What plugins contribute to the shell: menu items and dashboard widgets."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app, url_for

from core.auth.gate import has_permission


@dataclass(frozen=True)
class MenuItem:
    label: object
    endpoint: str
    permission: str | None = None
    order: int = 100
    group: object = ""  # items with the same group are shown together (e.g. "Administration")

    @property
    def url(self) -> str:
        return url_for(self.endpoint)


@dataclass(frozen=True)
class Widget:
    title: object
    template: str
    context: dict = field(default_factory=dict)
    permission: str | None = None
    order: int = 100


def _allowed(item) -> bool:
    return item.permission is None or has_permission(item.permission)


def collect(hook_name: str, **kwargs) -> list:
    """Call a list-returning hook, flatten, drop what the user may not see, sort by order."""
    hook = getattr(current_app.extensions["foodbank.pm"].hook, hook_name)
    items = [item for result in hook(**kwargs) for item in (result or [])]
    allowed = (i for i in items if _allowed(i))
    return sorted(allowed, key=lambda i: (i.order, str(getattr(i, "label", None) or i.title)))


def navigation(user) -> list[tuple[str, list[MenuItem]]]:
    """Menu items grouped for the layout: [(group label, items)], ungrouped first."""
    groups: dict[str, list[MenuItem]] = {}
    for item in collect("menu_items", user=user):
        groups.setdefault(str(item.group), []).append(item)
    return list(groups.items())
