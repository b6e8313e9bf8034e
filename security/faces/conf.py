"""Face settings with their defaults (override any of them in Django settings)."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    "FACE_THRESHOLD": 0.5,  # stricter than the library's 0.6: same person 0.32-0.45, strangers >= 0.69 on our photos
    "FACE_MARGIN": 0.05,  # best person must beat the second-best person by this much
    "FACE_POOL_WORKERS": 0,  # 0: one per core
    "FACE_POOL_MAX_INFLIGHT": 0,  # 0: 2 per worker; beyond it a frame is denied as `busy`
    "FACE_TIMEOUT_S": 10.0,
    "FACE_RETENTION_DAYS": 30,  # encodings of people no longer active are purged after this
    "FACE_ENROL_BLUR_MIN": 25.0,  # Laplacian variance of the face at 128 px; sharp photos score 100+
    "FACE_ENROL_MIN_FACE_PX": 80,
    "FACE_CONSENT_VERSION": "2026-11",
    "FACE_ENCRYPTION_KEY": "",  # Fernet key(s), comma-separated, newest first; "" in dev: derived from SECRET_KEY
}


def face_setting(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])


def pool_workers() -> int:
    return int(face_setting("FACE_POOL_WORKERS")) or (os.cpu_count() or 1)


def pool_max_inflight() -> int:
    return int(face_setting("FACE_POOL_MAX_INFLIGHT")) or 2 * pool_workers()
