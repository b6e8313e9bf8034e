"""Bookable resources and approvers (the back office and seed_demo set them up)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from building.models import Site
from portal.booking.models import Approver, Resource, ResourceKind
from portal.models import Department, User


def resource_ensure(*, site: Site, kind: str, code: str, name: str, **attrs: Any) -> Resource:
    """Create the resource or bring it back to the given state (idempotent)."""
    ResourceKind(kind)  # an unknown kind is a programming error
    with transaction.atomic():
        resource, _ = Resource.objects.update_or_create(site=site, code=code, defaults={"kind": kind, "name": name, **attrs})
    return resource


def approver_ensure(*, user: User, role: str, department: Department | None = None) -> Approver:
    approver, _ = Approver.objects.get_or_create(user=user, role=role, department=department)
    return approver


def office_categories_set(*, user: User, categories: list[str], actor: User | str) -> list[str]:
    """Make `user` the manager of exactly `categories` (keys of portal.booking.categories) as user
    permissions; any category but lockers also opens the back office. Roles are untouched: the
    site manager's categories come with the role (AppConfig), not from here."""
    from django.contrib.auth.models import Permission

    from core.audit import audit_log
    from portal.booking.categories import CATEGORIES, CATEGORY_PERMISSIONS, OFFICE

    unknown = set(categories) - set(CATEGORIES)
    if unknown:
        raise ValueError(f"unknown categories: {sorted(unknown)}")
    wanted = {CATEGORIES[key].permission for key in categories}
    if set(categories) - {"lockers"}:
        wanted.add(OFFICE)

    def perms(dotted: set[str] | frozenset[str]) -> list[Permission]:
        codes = [p.split(".", 1)[1] for p in dotted]
        return list(Permission.objects.filter(content_type__app_label="booking", codename__in=codes))

    with transaction.atomic():
        user.user_permissions.remove(*perms(CATEGORY_PERMISSIONS | {OFFICE}))
        user.user_permissions.add(*perms(wanted))
        audit_log(action="booking.office.categories_set", actor=actor, target=user, data={"categories": sorted(categories)})
    for cache in ("_perm_cache", "_user_perm_cache"):  # has_perm must see the change on this object
        user.__dict__.pop(cache, None)
    return sorted(categories)
