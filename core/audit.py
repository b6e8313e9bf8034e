"""The audit log writer. Every domain service records what it did through audit_log()."""

from __future__ import annotations

from typing import Any

from django.db import models

from core.models import AuditLog

SECRET_KEYS = ("password", "secret", "token", "key", "credential", "image", "encoding", "signature", "sign")
MASK = "***"


def mask_secrets(data: Any) -> Any:
    """Replace the values of secret-looking keys, at any depth, so the log never holds them."""
    if isinstance(data, dict):
        return {k: MASK if any(s in str(k).lower() for s in SECRET_KEYS) else mask_secrets(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [mask_secrets(v) for v in data]
    return data


def audit_log(
    *,
    action: str,
    actor: Any = None,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditLog:
    """Record `action` ("<app>.<entity>.<verb>") by `actor` (a User, or any label) on `target`."""
    if action.count(".") < 2:
        raise ValueError(f"audit action must be namespaced '<app>.<entity>.<verb>', got {action!r}")
    from django.contrib.auth import get_user_model

    user = actor if isinstance(actor, get_user_model()) else None
    label = str(actor) if actor is not None else ""
    return AuditLog.objects.create(
        action=action,
        actor=user,
        actor_label=label[:150],
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:200] if target is not None else "",
        data=mask_secrets(data or {}),
    )
