"""Deploy check: production must set its own face encryption key."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register


@register("security", deploy=True)
def face_key_configured(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if getattr(settings, "FACE_ENCRYPTION_KEY", ""):
        return []
    return [
        Error(
            "FACE_ENCRYPTION_KEY is not set: face encodings would be encrypted with a key derived from SECRET_KEY.",
            hint="Set FACE_ENCRYPTION_KEY (Fernet.generate_key()) in the environment and settings.",
            id="security.E001",
        )
    ]
