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
