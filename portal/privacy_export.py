"""PIPL art. 45: a person downloads everything the platform holds about them, as one JSON file.

Each app contributes `<app>/privacy.py: personal_data(user) -> dict` (DomainConfig.personal_data,
collected by core.registry); this service merges them under the app's label and records the
export in the audit log. Secrets never leave: no password hash, no credential code hash, no face
encoding (see each app's module).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.audit import audit_log
from core.models import AuditLog
from core.registry import personal_data_sources
from portal.models import User

FORMAT = "smartoffice.personal-data/1"
AUDIT_MAX = 10_000


def _own_actions(user: User) -> list[dict[str, Any]]:
    rows = AuditLog.objects.filter(actor=user).order_by("-at", "-id")[:AUDIT_MAX]
    return [{"at": r.at.isoformat(), "action": r.action, "target": r.target_label} for r in rows]


def personal_data_export(*, user: User, at: datetime | None = None) -> dict[str, Any]:
    """Everything about `user`, by app; the export itself is audited (who, when, which parts)."""
    at = at or timezone.now()
    export: dict[str, Any] = {"format": FORMAT, "generated_at": at.isoformat(), "person": user.pk}
    for label, source in personal_data_sources():  # DomainConfig.personal_data of every app
        export[label] = source(user)
    export["core"] = {"my_actions_in_the_audit_log": _own_actions(user)}
    with transaction.atomic(durable=True):
        audit_log(
            action="portal.personal_data.export",
            actor=user,
            target=user,
            data={"sections": sorted(k for k in export if k not in ("format", "generated_at", "person"))},
        )
    return export
