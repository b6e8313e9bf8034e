"""Bearer tokens: issue (with a password, counted by the login lockout), authenticate, revoke."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request

from core.audit import audit_log
from portal.models import ApiToken, User

TOKEN_BYTES = 32
LAST_USED_RESOLUTION = timedelta(minutes=5)  # the row is not rewritten on every request


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TokenError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # bad_credentials | locked_out | inactive


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    key: str  # shown once


def api_token_issue(*, request: HttpRequest, username: str, password: str, name: str = "") -> IssuedToken:
    """A new token for a correct password. authenticate() goes through django-axes, so wrong
    passwords count toward the same lockout as the login page."""
    user = authenticate(request=request, username=username, password=password)
    if getattr(request, "axes_locked_out", False):
        raise TokenError("locked_out")
    if not isinstance(user, User):
        raise TokenError("bad_credentials")
    if not user.is_active:
        raise TokenError("inactive")
    key = secrets.token_urlsafe(TOKEN_BYTES)
    with transaction.atomic(durable=True):
        token = ApiToken.objects.create(user=user, key_sha256=token_sha256(key), hint=key[-4:], name=name[:100])
        audit_log(action="portal.api_token.issue", actor=user, target=token, data={"name": name[:100]})
    return IssuedToken(token, key)


def api_token_revoke(*, token: ApiToken, actor: Any) -> ApiToken:
    with transaction.atomic(durable=True):
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit_log(action="portal.api_token.revoke", actor=actor, target=token)
    return token


class BearerTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <token>`; a revoked token or an inactive user is refused (401)."""

    keyword = "bearer"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        # Read as text, not through DRF's latin-1 encode, which raises on other characters.
        parts = str(request.META.get("HTTP_AUTHORIZATION", "")).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2 or not parts[1].isascii() or len(parts[1]) > 200:
            raise exceptions.AuthenticationFailed("Authorization: Bearer <token>")
        key = parts[1]
        token = ApiToken.objects.select_related("user").filter(key_sha256=token_sha256(key)).first()
        if token is None or token.revoked_at is not None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("invalid or revoked token")
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "portal.tokens.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "description": "POST /api/auth/token/ gives the token"}
