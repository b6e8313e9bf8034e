"""Card and QR credentials and visitor passes: the non-face path, never second class.

Every code is parsed by one strict grammar (core/codes.py) into its canonical value before it
is hashed, stored or looked up:
- card: the card's UID as hexadecimal, 8, 10, 14, 16 or 20 digits (4, 5, 7, 8 or 10 bytes);
  lower case is folded to the canonical upper case. Readers must send the hex UID.
- staff QR: `SQ1:` + 24 characters of base64url (generated here).
- visitor pass: `VP1:` + a Django-signed token; its canonical value is the pass id inside.
Anything else (fullwidth or Arabic-Indic digits, inner spaces, other lengths) is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from core.audit import audit_log
from core.codes import CodeError, compile_ascii, match
from portal.models import User
from security.models import AccessZone, Credential, VisitorPass
from security.rules import credential_usable

VISITOR_PREFIX = "VP1:"
STAFF_QR_PREFIX = "SQ1:"
VISITOR_SALT = "security.visitor_pass"


# UID bytes: 4 / 7 / 10 (ISO/IEC 14443 A), 5 (EM4100 "ID" cards), 8 (ISO/IEC 15693, FeliCa)
CARD_GRAMMAR = compile_ascii(r"[0-9A-Fa-f]{8}|[0-9A-Fa-f]{10}|[0-9A-Fa-f]{14}|[0-9A-Fa-f]{16}|[0-9A-Fa-f]{20}")
STAFF_QR_GRAMMAR = compile_ascii(r"SQ1:[A-Za-z0-9_-]{24}")
VISITOR_GRAMMAR = compile_ascii(r"VP1:[A-Za-z0-9_\-:.]{8,400}")
MAX_CODE_LENGTH = 512


def credential_code_canonical(*, kind: str, code: str) -> str:
    """The one spelling of a card or staff QR code, or CodeError."""
    if kind == Credential.Kind.CARD:
        return match(CARD_GRAMMAR, code, max_length=MAX_CODE_LENGTH).group(0).upper()
    if kind == Credential.Kind.QR:
        return match(STAFF_QR_GRAMMAR, code, max_length=MAX_CODE_LENGTH).group(0)
    raise CodeError(f"unknown credential kind {kind!r}")


def code_hash(canonical: str) -> str:
    """Keyed hash of a CANONICAL code (credential_code_canonical); never of raw input.

    A card UID has at most 80 bits and often 32: a plain hash of it is reversed by trying every
    UID, so a copied database would hand out every card. The key (CREDENTIAL_HASH_KEY, else one
    derived from SECRET_KEY) is not in the database."""
    derived = hashlib.sha256(b"smartoffice.credentials.v1:" + settings.SECRET_KEY.encode()).hexdigest()
    key = settings.CREDENTIAL_HASH_KEY or derived
    return hmac.new(key.encode(), canonical.encode("ascii"), hashlib.sha256).hexdigest()


def legacy_code_hash(canonical: str) -> str:
    """The unkeyed SHA-256 of credentials issued before the keyed hash: found once, then rehashed."""
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def _credential_by_code(*, canonical: str, kind: str) -> Credential | None:
    keyed, legacy = code_hash(canonical), legacy_code_hash(canonical)
    credential = Credential.objects.select_related("user").filter(code_sha256__in=(keyed, legacy), kind=kind).first()
    if credential is not None and credential.code_sha256 == legacy:
        # Upgrade on first use; the filter makes a concurrent upgrade of the same row harmless.
        Credential.objects.filter(pk=credential.pk, code_sha256=legacy).update(code_sha256=keyed)
        credential.code_sha256 = keyed
    return credential


@dataclass(frozen=True)
class CredentialMatch:
    """Who a presented card / QR code belongs to. `reason` is "" when it may be used now."""

    credential: Credential | None
    user: User | None
    reason: str


def credential_user_for_code(*, kind: str, code: str, at: datetime | None = None) -> CredentialMatch:
    """The one lookup of a card or staff QR code, for gates and POS alike: parsed canonically,
    then found by hash. Reasons: invalid_<kind>, unknown_<kind>, credential_revoked,
    credential_expired, inactive."""
    try:
        canonical = credential_code_canonical(kind=kind, code=code)
    except CodeError:
        return CredentialMatch(None, None, f"invalid_{kind}")
    credential = _credential_by_code(canonical=canonical, kind=kind)
    if credential is None:
        return CredentialMatch(None, None, f"unknown_{kind}")
    reason = credential_usable(credential, at or timezone.now()) or ("" if credential.user.is_active else "inactive")
    return CredentialMatch(credential, credential.user, reason)


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
    """A card (its UID given, hex) or a staff QR code (generated)."""
    with transaction.atomic(durable=True):
        return _credential_create(user=user, kind=kind, actor=actor, code=code, valid_from=valid_from, valid_until=valid_until)


def _credential_create(
    *,
    user: User,
    kind: str,
    actor: User | str,
    code: str | None,
    valid_from: datetime | None,
    valid_until: datetime | None,
) -> Issued:
    if kind == Credential.Kind.CARD:
        if not code or not code.strip():
            raise ValueError("a card needs its code")
    elif kind == Credential.Kind.QR:
        code = code or STAFF_QR_PREFIX + secrets.token_urlsafe(18)
    else:
        raise ValueError(f"unknown credential kind {kind!r}")
    try:
        code = credential_code_canonical(kind=kind, code=code)
    except CodeError as exc:
        if kind == Credential.Kind.CARD:
            raise ValueError("a card code is its UID in hex: 8, 10, 14, 16 or 20 hexadecimal digits") from exc
        raise ValueError("a staff QR code is SQ1: and 24 base64url characters") from exc
    if Credential.objects.filter(code_sha256__in=(code_hash(code), legacy_code_hash(code))).exists():
        raise ValueError("this code is already issued")
    credential = Credential.objects.create(
        user=user,
        kind=kind,
        code_sha256=code_hash(code),
        hint=code[-4:],
        valid_from=valid_from,
        valid_until=valid_until,
    )
    audit_log(action="security.credential.issue", actor=actor, target=credential, data={"user": user.pk, "kind": kind})
    return Issued(credential, code)


def staff_qr_renew(*, user: User) -> Issued:
    """The person's own QR code: a new one replaces (revokes) the previous ones."""
    with transaction.atomic(durable=True):
        for old in Credential.objects.select_for_update().filter(user=user, kind=Credential.Kind.QR, is_active=True):
            credential_revoke(credential=old, actor=user)
        return _credential_create(user=user, kind=Credential.Kind.QR, actor=user, code=None, valid_from=None, valid_until=None)


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
    """(pass id, valid until as a timestamp) from a genuine visitor QR, else None.
    The canonical value of a pass is its id: every lookup goes through it."""
    try:
        token = match(VISITOR_GRAMMAR, code, max_length=MAX_CODE_LENGTH).group(0)
        payload = signing.loads(token[len(VISITOR_PREFIX) :], salt=VISITOR_SALT)
    except (CodeError, signing.BadSignature, ValueError):
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("p"), int) or not isinstance(payload.get("u"), int):
        return None
    return payload["p"], payload["u"]


class VisitorPassError(ValueError):
    """Why a pass was not issued or revoked; `reason` is one of VISITOR_PASS_REASONS."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


VISITOR_PASS_REASONS = ("not_allowed", "no_name", "bad_times", "ends_in_past", "too_long", "zone_not_allowed")


def visitor_pass_max_span(user: User) -> timedelta:
    """VISITOR_PASS_MAX_HOURS (default 24 h); people who manage access up to
    VISITOR_PASS_MAX_HOURS_MANAGER (default 7 days)."""
    if user.has_perm("security.manage_access"):
        return timedelta(hours=getattr(settings, "VISITOR_PASS_MAX_HOURS_MANAGER", 168))
    return timedelta(hours=getattr(settings, "VISITOR_PASS_MAX_HOURS", 24))


def visitor_pass_create(
    *,
    host: User,
    visitor_name: str,
    zone: AccessZone,
    valid_from: datetime,
    valid_until: datetime,
    at: datetime | None = None,
) -> IssuedPass:
    """A pass for the host's own visitor: only people allowed to invite, only into a zone the
    host may enter (security.selectors.zones_for_host), for at most visitor_pass_max_span.
    An entry point (its own durable transaction); inside a caller's transaction (an invitation
    that also books parking): visitor_pass_create_in_transaction."""
    with transaction.atomic(durable=True):
        return visitor_pass_create_in_transaction(
            host=host, visitor_name=visitor_name, zone=zone, valid_from=valid_from, valid_until=valid_until, at=at
        )


def visitor_pass_create_in_transaction(
    *,
    host: User,
    visitor_name: str,
    zone: AccessZone,
    valid_from: datetime,
    valid_until: datetime,
    at: datetime | None = None,
) -> IssuedPass:
    """visitor_pass_create as a step of the caller's transaction: the pass exists only if the
    caller commits. Raises VisitorPassError before writing anything."""
    from security.selectors import zones_for_host  # not at the top: selectors -> services.access -> here

    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("visitor_pass_create_in_transaction runs inside the caller's transaction; call visitor_pass_create")
    at = at or timezone.now()
    if not host.is_active or not host.has_perm("security.invite_visitors"):
        raise VisitorPassError("not_allowed")
    if not visitor_name.strip():
        raise VisitorPassError("no_name")
    if valid_until <= valid_from:
        raise VisitorPassError("bad_times")
    if valid_until <= at:
        raise VisitorPassError("ends_in_past")
    if valid_until - valid_from > visitor_pass_max_span(host):
        raise VisitorPassError("too_long")
    if not zones_for_host(host).filter(pk=zone.pk).exists():
        raise VisitorPassError("zone_not_allowed")
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
        data={
            "zone": zone.code,
            "visitor": visitor_pass.visitor_name,
            "valid_from": valid_from.isoformat(),
            "valid_until": valid_until.isoformat(),
        },
    )
    return IssuedPass(visitor_pass, visitor_qr(visitor_pass))


def visitor_pass_revoke(*, visitor_pass: VisitorPass, actor: User) -> VisitorPass:
    """The host, or a guard / manager of the pass's site (visitor_passes_for_user), revokes it.
    An entry point (its own durable transaction); inside a caller's transaction (an invitation
    being cancelled): visitor_pass_revoke_in_transaction."""
    with transaction.atomic(durable=True):
        return visitor_pass_revoke_in_transaction(visitor_pass=visitor_pass, actor=actor)


def visitor_pass_revoke_in_transaction(*, visitor_pass: VisitorPass, actor: User) -> VisitorPass:
    """visitor_pass_revoke as a step of the caller's transaction: the pass is revoked only if the
    caller commits. Raises VisitorPassError("not_allowed") before writing anything."""
    from security.selectors import visitor_passes_for_user

    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("visitor_pass_revoke_in_transaction runs inside the caller's transaction; call visitor_pass_revoke")
    if not visitor_passes_for_user(actor).filter(pk=visitor_pass.pk).exists():
        raise VisitorPassError("not_allowed")
    visitor_pass.revoked = True
    visitor_pass.save(update_fields=["revoked"])
    audit_log(action="security.visitor_pass.revoke", actor=actor, target=visitor_pass)
    return visitor_pass
