"""notification_send: the one writer of notifications. The live push leaves on commit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.functional import Promise

from core.i18n import site_text
from core.realtime import publish_on_commit, user_group
from portal.models import User
from portal.notifications.models import Notification
from portal.notifications.selectors import unread_count


def _event(notification: Notification, unread: int) -> dict[str, Any]:
    return {
        "type": "notification.new",
        "id": notification.pk,
        "kind": notification.kind,
        "title": notification.title,
        "body": notification.body,
        "url": notification.url,
        "at": notification.created_at.isoformat(),
        "unread": unread,
    }


def notification_send(
    *,
    user: User,
    kind: str,
    title: str | Promise,
    body: str | Promise = "",
    url: str = "",
    target: models.Model | None = None,
    dedupe_key: str | None = None,
    at: datetime | None = None,
) -> Notification | None:
    """Notify `user`; inside the caller's transaction (it is part of what the caller did).

    `title`/`body`: a lazy translation is stored in the site's language (core.i18n.site_text); a
    plain string as given (format it with site_text first). With `dedupe_key`, a repeat returns None."""
    if not user.is_active:
        return None
    fields = {
        "user": user,
        "kind": kind[:40],
        # Lazy texts are rendered in the site's language (the reader's is unknown now).
        "title": site_text(title)[:200] if isinstance(title, Promise) else str(title)[:200],
        "body": site_text(body)[:1000] if isinstance(body, Promise) else str(body)[:1000],
        "url": url[:300] if url.startswith("/") else "",  # only paths of this site: no open redirect
        "target_type": target._meta.label_lower if target is not None else "",
        "target_id": str(target.pk) if target is not None else "",
        "dedupe_key": dedupe_key,
        "created_at": at or timezone.now(),
    }
    if dedupe_key is not None:
        if Notification.objects.filter(dedupe_key=dedupe_key).exists():
            return None
        try:
            with transaction.atomic():
                notification = Notification.objects.create(**fields)
        except IntegrityError:  # the same key at the same moment from another worker
            return None
    else:
        notification = Notification.objects.create(**fields)
    publish_on_commit(user_group(user.pk), _event(notification, unread_count(user)))
    return notification


def notifications_mark_read(*, user: User, ids: list[int] | None = None, at: datetime | None = None) -> int:
    """Mark the user's own notifications read (all unread when `ids` is None); returns how many."""
    with transaction.atomic(durable=True):
        rows = Notification.objects.filter(user=user, read_at__isnull=True)
        if ids is not None:
            rows = rows.filter(pk__in=ids)
        changed = rows.update(read_at=at or timezone.now())
        publish_on_commit(user_group(user.pk), {"type": "notification.read", "unread": unread_count(user)})
    return changed


def notifications_purge(*, older_than: datetime) -> int:
    deleted, _ = Notification.objects.filter(created_at__lt=older_than, read_at__isnull=False).delete()
    return deleted
