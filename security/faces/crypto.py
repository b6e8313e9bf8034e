"""Encodings are encrypted at rest with Fernet (AES-128-CBC + HMAC-SHA256)."""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

import numpy as np
from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings

from security.faces.conf import face_setting

ENCODING_DIM = 128


def derived_dev_key(secret_key: str) -> bytes:
    digest = hashlib.sha256(b"smartoffice.faces.v1:" + secret_key.encode()).digest()
    return base64.urlsafe_b64encode(digest)


@lru_cache(maxsize=4)
def _fernet(configured: str, secret_key: str) -> MultiFernet:
    keys = [k.strip().encode() for k in configured.split(",") if k.strip()] or [derived_dev_key(secret_key)]
    return MultiFernet([Fernet(k) for k in keys])  # first key encrypts; all decrypt (rotation)


def fernet() -> MultiFernet:
    return _fernet(str(face_setting("FACE_ENCRYPTION_KEY") or ""), settings.SECRET_KEY)


def encoding_encrypt(encoding: bytes) -> bytes:
    if len(encoding) != ENCODING_DIM * 4:
        raise ValueError("an encoding is 128 float32")
    return fernet().encrypt(encoding)


def encoding_decrypt(token: bytes) -> np.ndarray:
    return np.frombuffer(fernet().decrypt(bytes(token)), dtype="<f4")
