"""access_decide: the only code that decides a door. Every decision is an AccessLog row,
a realtime access event on commit (security.serializers), and (when it matters) an alarm."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from core.i18n import site_text
from core.realtime import publish_on_commit, site_group
from devices.models import Device
from portal.models import User
from security.faces.api import face_person
from security.faces.engine import Analysis
from security.models import AccessLog, AccessZone, Gate, VisitorPass
from security.monitoring.services import alarm_raise
from security.rules import zone_allows
from security.serializers import access_event, person_of
from security.services.credentials import VISITOR_PREFIX, credential_user_for_code, visitor_qr_read

DENIALS_WINDOW = timedelta(seconds=60)
DENIALS_ALARM_AT = 5
TAILGATE_WINDOW = timedelta(seconds=5)
NOT_COUNTED = ("busy", "no_zone")  # our own trouble, not someone trying the door


@dataclass(frozen=True)
class Decision:
    log: AccessLog

    @property
    def reply(self) -> dict[str, Any]:
        return {"decision": self.log.decision, "person": person_of(self.log), "reason": self.log.reason}


@dataclass
class _Who:
    user: User | None = None
    visitor_pass: VisitorPass | None = None
    distance: float | None = None
    reason: str = ""


@dataclass(frozen=True)
class GateCheck:
    """The gate's zone and the liveness verdict, found once (by the face event's prepare step,
    outside the transaction) and handed to access_decide, which then does not look again."""

    zone: AccessZone | None
    live: bool


def gate_check(device: Device, liveness: float | None) -> GateCheck:
    zone = zone_of_gate(device)
    live = zone is None or not zone.liveness_required or (liveness is not None and liveness >= zone.liveness_min)
    return GateCheck(zone=zone, live=live)


def zone_of_gate(device: Device) -> AccessZone | None:
    """The gate's bound zone; an unbound gate of a site with one zone (or a `main` zone) uses it."""
    gate = Gate.objects.select_related("zone").filter(device=device).first()
    if gate is not None:
        return gate.zone
    zones = list(AccessZone.objects.filter(site_id=device.site_id)[:2])
    if len(zones) == 1:
        return zones[0]
    return AccessZone.objects.filter(site_id=device.site_id, code="main").first()


def _identify_face(*, image: bytes, analysis: Analysis | None, zone: AccessZone, live: bool) -> _Who:
    if not live:
        return _Who(reason="liveness")  # checked first: no CPU spent on a photo held up to the camera
    found = face_person(
        site=zone.site, image=image, analysis=analysis, threshold=zone.face_threshold, margin=zone.face_margin
    )
    return _Who(user=found.user, distance=found.distance, reason="" if found.user is not None else found.reason)


def _identify_code(*, method: str, code: str, zone: AccessZone, at: datetime) -> _Who:
    if method == AccessLog.Method.QR and code.startswith(VISITOR_PREFIX):
        read = visitor_qr_read(code)
        if read is None:
            return _Who(reason="invalid_qr")
        visitor_pass = VisitorPass.objects.filter(pk=read[0]).first()
        if visitor_pass is None or visitor_pass.revoked:
            return _Who(visitor_pass=visitor_pass, reason="pass_revoked")
        if at.timestamp() > read[1] or not visitor_pass.valid_from <= at <= visitor_pass.valid_until:
            return _Who(visitor_pass=visitor_pass, reason="pass_expired")
        if visitor_pass.zone_id != zone.pk:
            return _Who(visitor_pass=visitor_pass, reason="not_allowed")
        return _Who(visitor_pass=visitor_pass)
    found = credential_user_for_code(kind=method, code=code, at=at)
    if found.reason.startswith("invalid_"):
        return _Who(reason=f"unknown_{method}")  # a malformed code is, to the gate, an unknown one
    return _Who(user=found.user, reason=found.reason)


def _anti_passback(*, user: User, zone: AccessZone, direction: str) -> str | None:
    last = AccessLog.objects.filter(zone=zone, user=user, decision=AccessLog.Decision.OPEN).order_by("-at", "-id").first()
    if last is not None and last.direction == direction:
        return "anti_passback"
    return None


def access_decide(
    *,
    device: Device,
    method: str,
    direction: str = "in",
    image: bytes | None = None,
    analysis: Analysis | None = None,
    code: str | None = None,
    liveness: float | None = None,
    event_id: str = "",
    at: datetime | None = None,
    check: GateCheck | None = None,
) -> Decision:
    started = time.perf_counter()
    at = at or timezone.now()
    check = check or gate_check(device, liveness)
    zone = check.zone
    who = _Who(reason="no_zone")
    if zone is not None:
        if method == AccessLog.Method.FACE:
            who = _identify_face(image=image or b"", analysis=analysis, zone=zone, live=check.live)
        else:
            who = _identify_code(method=method, code=code or "", zone=zone, at=at)
        if not who.reason and who.user is not None:
            who.reason = zone_allows(user=who.user, zone=zone, at=at) or ""
            if not who.reason and zone.anti_passback:
                who.reason = _anti_passback(user=who.user, zone=zone, direction=direction) or ""
        elif not who.reason and who.visitor_pass is None:
            who.reason = "unknown"
    opened = not who.reason
    name = str(who.user) if who.user else (who.visitor_pass.visitor_name if who.visitor_pass else "")
    with transaction.atomic():
        log = AccessLog.objects.create(
            site_id=device.site_id,
            zone=zone,
            gate=device,
            at=at,
            method=method,
            direction=direction,
            user=who.user,
            visitor_pass=who.visitor_pass,
            person_name=name,
            decision=AccessLog.Decision.OPEN if opened else AccessLog.Decision.DENY,
            reason="ok" if opened else who.reason,
            distance=who.distance,
            liveness=liveness,
            latency_ms=round((time.perf_counter() - started) * 1000),
            event_id=event_id,
        )
        publish_on_commit(site_group(device.site.code), access_event(log))
        _alarms(log=log, device=device)
    return Decision(log)


def _alarms(*, log: AccessLog, device: Device) -> None:
    site = device.site
    if log.decision == AccessLog.Decision.DENY:
        if log.method == AccessLog.Method.FACE and log.reason == "unknown":
            alarm_raise(
                site=site,
                source="unknown_face",
                severity="warning",
                title=site_text(gettext_noop("Unknown face at %(gate)s"), gate=device.name or device.device_id),
                dedupe_key=f"unknown_face:{device.pk}",
                device=device,
                data={"distance": log.distance, "log": log.pk},
                at=log.at,
            )
        if log.reason in NOT_COUNTED:
            return
        recent = AccessLog.objects.filter(gate=device, decision="deny", at__gt=log.at - DENIALS_WINDOW, at__lte=log.at)
        if recent.exclude(reason__in=NOT_COUNTED).count() >= DENIALS_ALARM_AT:
            alarm_raise(
                site=site,
                source="access_denials",
                severity="warning",
                title=site_text(gettext_noop("Repeated denials at %(gate)s"), gate=device.name or device.device_id),
                dedupe_key=f"access_denials:{device.pk}",
                device=device,
                data={"log": log.pk},
                at=log.at,
            )
        return
    # An open within seconds of someone else's denial at the same gate: they may be slipping through.
    denied = (
        AccessLog.objects.filter(gate=device, decision="deny", at__gte=log.at - TAILGATE_WINDOW, at__lte=log.at)
        .exclude(reason__in=NOT_COUNTED)
        .exclude(pk=log.pk)
    )
    if log.user_id is not None:
        denied = denied.exclude(user_id=log.user_id)
    if denied.exists():
        alarm_raise(
            site=site,
            source="tailgating",
            severity="major",
            title=site_text(gettext_noop("Possible tailgating at %(gate)s"), gate=device.name or device.device_id),
            dedupe_key=f"tailgating:{device.pk}:{log.pk}",
            device=device,
            data={"open": log.pk, "denied": list(denied.values_list("pk", flat=True)[:5])},
            at=log.at,
        )
