"""PIPL art. 45 export, security's part: credentials WITHOUT their secrets (no code hash),
face consents (the consent history), whether encodings exist (never the encodings), visitor
passes the person issued, and their access log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from portal.models import User
from security.models import AccessLog, Credential, FaceConsent, FaceEncoding, VisitorPass

ACCESS_LOG_MAX = 10_000  # newest first; the rest stays on request to the data protection officer


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def personal_data(user: User) -> dict[str, Any]:
    return {
        "credentials": [
            {
                "kind": c.kind,
                "last_digits": c.hint,
                "active": c.is_active,
                "valid_from": _iso(c.valid_from),
                "valid_until": _iso(c.valid_until),
                "issued_at": _iso(c.created_at),
            }
            for c in Credential.objects.filter(user=user).order_by("created_at")
        ],
        "face_consents": [
            {
                "version": c.version,
                "purpose": c.purpose,
                "retention_days": c.retention_days,
                "channel": c.channel,
                "given_at": _iso(c.given_at),
                "withdrawn_at": _iso(c.withdrawn_at),
            }
            for c in FaceConsent.objects.filter(user=user).order_by("given_at")
        ],
        "face_encodings": {
            "count": FaceEncoding.objects.filter(user=user).count(),
            "note": "encrypted 128-number face templates; no photo is stored",
        },
        "visitor_passes_issued": [
            {
                "visitor": p.visitor_name,
                "zone": p.zone.code,
                "valid_from": _iso(p.valid_from),
                "valid_until": _iso(p.valid_until),
                "revoked": p.revoked,
            }
            for p in VisitorPass.objects.filter(host=user).select_related("zone").order_by("valid_from")
        ],
        "access_log": [
            {
                "at": _iso(log.at),
                "zone": log.zone.code if log.zone else None,
                "gate": log.gate.device_id if log.gate else None,
                "method": log.method,
                "direction": log.direction,
                "decision": log.decision,
                "reason": log.reason,
            }
            for log in AccessLog.objects.filter(user=user).select_related("zone", "gate").order_by("-at")[:ACCESS_LOG_MAX]
        ],
    }
