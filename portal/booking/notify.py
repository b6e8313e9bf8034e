"""Notifications of the booking app, written in the site's language (Chinese) when sent."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.functional import Promise

from core.i18n import site_text
from portal.models import User
from portal.notifications.services import notification_send


def notify(
    *,
    user: User,
    kind: str,
    title: str | Promise,
    body: str | Promise = "",
    params: dict[str, Any] | None = None,
    url: str = "",
    target: models.Model | None = None,
    dedupe_key: str | None = None,
) -> None:
    values = params or {}
    notification_send(
        user=user,
        kind=kind,
        title=site_text(title, **values),
        body=site_text(body, **values) if body else "",
        url=url,
        target=target,
        dedupe_key=dedupe_key,
    )
