"""What the home page lists: the tiles the installed apps contribute, filtered by permission."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise

from core.perm_cache import permission_test
from core.registry import tiles
from portal.context_processors import reverse_once


@dataclass(frozen=True)
class PortalService:
    key: str
    title: str | Promise
    description: str | Promise
    icon: str  # a name in the UI's icon set
    url: str
    group: str


def portal_services_for(user: object) -> list[PortalService]:
    if getattr(user, "has_perm", None) is None:
        return []
    has_perm = permission_test(user)
    return [
        PortalService(t.key, t.title, t.description, t.icon, reverse_once(t.url_name), t.group)
        for t in tiles()
        if has_perm(t.permission)
    ]
