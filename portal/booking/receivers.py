"""The hooks into security, without editing it: a gate opened for a visitor pass -> tell the host;
a pass revoked on security's own page -> the invitation is off and its parking space free.

It listens to AccessLog rows (written only by security.services.access.access_decide) instead of
editing security: the notice is sent after the gate's transaction commits, in its own
transaction, and a failure here is logged, never felt by the gate."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from security.models import AccessLog, VisitorPass

log = logging.getLogger(__name__)


def _arrived(visitor_pass_id: int, at: Any) -> None:
    from portal.booking.services.visitors import visitor_arrival_record

    try:
        visitor_arrival_record(visitor_pass_id=visitor_pass_id, at=at)
    except Exception:  # the gate already opened; the notice must not break the bridge
        log.exception("visitor arrival notice failed for pass %s", visitor_pass_id)


@receiver(post_save, sender=AccessLog, dispatch_uid="booking.visitor_arrival")
def access_logged(sender: type[AccessLog], instance: AccessLog, created: bool, **kwargs: Any) -> None:
    if created and instance.visitor_pass_id and instance.decision == AccessLog.Decision.OPEN:
        pass_id, at = instance.visitor_pass_id, instance.at
        transaction.on_commit(lambda: _arrived(pass_id, at))


def _revoked(visitor_pass_id: int) -> None:
    from portal.booking.services.visitors import invitation_release_for_revoked_pass

    try:
        invitation_release_for_revoked_pass(visitor_pass_id=visitor_pass_id)
    except Exception:  # the pass is revoked either way; the space is freed by the next try or by hand
        log.exception("releasing the invitation of revoked pass %s failed", visitor_pass_id)


@receiver(post_save, sender=VisitorPass, dispatch_uid="booking.visitor_pass_revoked")
def visitor_pass_saved(sender: type[VisitorPass], instance: VisitorPass, created: bool, **kwargs: Any) -> None:
    update_fields = kwargs.get("update_fields") or ()
    if not created and instance.revoked and "revoked" in update_fields:
        pass_id = instance.pk
        transaction.on_commit(lambda: _revoked(pass_id))
