"""Card and QR credentials and visitor passes: the non-face path, never second class."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.core import signing
from django.db import transaction

from core.audit import audit_log
from portal.models import User
from security.models import AccessZone, Credential, VisitorPass

VISITOR_PREFIX = "VP1:"
STAFF_QR_PREFIX = "SQ1:"
VISITOR_SALT = "security.visitor_pass"


def code_hash(code: str) -> str:
    return hashlib.sha256(code.strip().encode()).hexdigest()


@dataclass(frozen=True)
class Issued:
    credential: Credential
    code: str  # shown once (QR); only its hash is stored


def credential_issue(
    *,
    user: User,
    kind: str,
    actor: User | str,
    code: str | None = None,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
) -> Issued:
    """A card (its UID given) or a staff QR code (generated)."""
    if kind == Credential.Kind.CARD:
        if not code or not code.strip():
            raise ValueError("a card needs its code")
    elif kind == Credential.Kind.QR:
        code = code or STAFF_QR_PREFIX + secrets.token_urlsafe(18)
    else:
        raise ValueError(f"unknown credential kind {kind!r}")
    if Credential.objects.filter(code_sha256=code_hash(code)).exists():
        raise ValueError("this code is already issued")
    with transaction.atomic():
        credential = Credential.objects.create(
            user=user,
            kind=kind,
            code_sha256=code_hash(code),
            hint=code.strip()[-4:],
            valid_from=valid_from,
            valid_until=valid_until,
        )
        audit_log(action="security.credential.issue", actor=actor, target=credential, data={"user": user.pk, "kind": kind})
    return Issued(credential, code)


def staff_qr_renew(*, user: User) -> Issued:
    """The person's own QR code: a new one replaces (revokes) the previous ones."""
    with transaction.atomic():
        for old in Credential.objects.select_for_update().filter(user=user, kind=Credential.Kind.QR, is_active=True):
            credential_revoke(credential=old, actor=user)
        return credential_issue(user=user, kind=Credential.Kind.QR, actor=user)


def credential_revoke(*, credential: Credential, actor: User | str) -> Credential:
    with transaction.atomic():
        credential.is_active = False
        credential.save(update_fields=["is_active"])
        audit_log(action="security.credential.revoke", actor=actor, target=credential)
    return credential


@dataclass(frozen=True)
class IssuedPass:
    visitor_pass: VisitorPass
    qr: str


def visitor_qr(visitor_pass: VisitorPass) -> str:
    payload = {"p": visitor_pass.pk, "u": int(visitor_pass.valid_until.timestamp())}
    return VISITOR_PREFIX + signing.dumps(payload, salt=VISITOR_SALT, compress=True)


def visitor_qr_read(code: str) -> tuple[int, int] | None:
    """(pass id, valid until as a timestamp) from a genuine visitor QR, else None."""
    try:
        payload = signing.loads(code[len(VISITOR_PREFIX) :], salt=VISITOR_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("p"), int) or not isinstance(payload.get("u"), int):
        return None
    return payload["p"], payload["u"]


def visitor_pass_create(
    *, host: User, visitor_name: str, zone: AccessZone, valid_from: datetime, valid_until: datetime
) -> IssuedPass:
    if not visitor_name.strip():
        raise ValueError("the visitor needs a name")
    if valid_until <= valid_from:
        raise ValueError("the pass must end after it starts")
    with transaction.atomic():
        visitor_pass = VisitorPass.objects.create(
            site=zone.site,
            host=host,
            visitor_name=visitor_name.strip()[:100],
            zone=zone,
            valid_from=valid_from,
            valid_until=valid_until,
        )
        audit_log(
            action="security.visitor_pass.create",
            actor=host,
            target=visitor_pass,
            data={"zone": zone.code, "valid_until": valid_until.isoformat()},
        )
    return IssuedPass(visitor_pass, visitor_qr(visitor_pass))


def visitor_pass_revoke(*, visitor_pass: VisitorPass, actor: User) -> VisitorPass:
    with transaction.atomic():
        visitor_pass.revoked = True
        visitor_pass.save(update_fields=["revoked"])
        audit_log(action="security.visitor_pass.revoke", actor=actor, target=visitor_pass)
    return visitor_pass
