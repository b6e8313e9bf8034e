"""Role navigation: each person's work, first on the home page. Shown by permission, not by title.

The work items are the apps' contributions (core/registry.py: tiles with group="work"): each app
declares its own pages of daily work (the canteen its till and reports, monitoring its panel, ...)
in its AppConfig, and the role home shows the ones the user may use, in the tiles' order. This
module names no domain page."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.perm_cache import permission_test
from core.registry import Tile, tiles
from portal.context_processors import reverse_once

ROLE_TITLES = {
    "staff": _("Staff"),
    "contractor": _("Contractor"),
    "security": _("Security guard"),
    "cashier": _("Cashier"),
    "manager": _("Manager"),
    "admin": _("Administrator"),
}

WORK_GROUP = "work"


@dataclass(frozen=True)
class WorkLink:
    key: str
    title: str | Promise
    description: str | Promise
    icon: str
    url: str | None  # None: announced, not built yet


def _url(tile: Tile) -> str | None:
    try:
        url = reverse_once(tile.url_name)
    except NoReverseMatch:  # refused at start-up by the registry's check; never a broken home page
        return None
    return f"{url}#{tile.fragment}" if tile.fragment else url


def work_for(user: object) -> list[WorkLink]:
    """The work tiles this user may use, in the tiles' order."""
    if getattr(user, "has_perm", None) is None or not getattr(user, "is_authenticated", False):
        return []
    has_perm = permission_test(user)
    return [
        WorkLink(t.key, t.title, t.description, t.icon, _url(t))
        for t in tiles()
        if t.group == WORK_GROUP and has_perm(t.permission)
    ]
