"""Device secrets: a random token shown once, stored as SHA-256 and as Mosquitto's hash."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets

MOSQUITTO_ITERATIONS = 101  # mosquitto_passwd's default for $7$ (PBKDF2-SHA512)


def token_new() -> str:
    return secrets.token_urlsafe(24)


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(token: str | None, sha256_hex: str) -> bool:
    if not token or not sha256_hex:
        return False
    return hmac.compare_digest(token_sha256(token), sha256_hex)


def mosquitto_hash(password: str, *, salt: bytes | None = None, iterations: int = MOSQUITTO_ITERATIONS) -> str:
    """The `$7$iterations$salt$hash` line part that mosquitto_passwd writes (Mosquitto >= 2.0)."""
    salt = salt if salt is not None else os.urandom(12)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, iterations, dklen=64)
    return f"$7${iterations}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"
