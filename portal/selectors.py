"""What the home page lists: the tiles the installed apps contribute, filtered by permission."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise

from core.registry import tiles


@dataclass(frozen=True)
class PortalService:
    key: str
    title: str | Promise
    description: str | Promise
    icon: str  # a name in the UI's icon set
    url: str
    group: str


def portal_services_for(user: object) -> list[PortalService]:
    has_perm = getattr(user, "has_perm", None)
    if has_perm is None:
        return []
    return [
        PortalService(t.key, t.title, t.description, t.icon, reverse(t.url_name), t.group)
        for t in tiles()
        if has_perm(t.permission)
    ]
