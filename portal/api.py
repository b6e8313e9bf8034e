"""The token endpoint of the REST API (the phone app and integrations)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.client_ip import client_ip
from core.limits import bounded
from portal.login_guard import login_wait_seconds
from portal.models import ApiToken
from portal.tokens import TokenError, api_token_issue, api_token_revoke


class TokenRequest(serializers.Serializer[dict[str, Any]]):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False)
    name = serializers.CharField(max_length=100, required=False, default="", help_text="e.g. the phone's name")


TokenResponse = inline_serializer("TokenResponse", {"token": serializers.CharField()})
Detail = inline_serializer("TokenError", {"detail": serializers.CharField()})

MESSAGES = {
    "bad_credentials": (status.HTTP_400_BAD_REQUEST, lambda: _("Wrong user name or password.")),
    "inactive": (status.HTTP_400_BAD_REQUEST, lambda: _("This account is disabled.")),
    "locked_out": (
        status.HTTP_429_TOO_MANY_REQUESTS,
        lambda: _("Too many failed sign-ins. Wait 15 minutes or ask the administrator to unlock you."),
    ),
}


@method_decorator(bounded(scope="login", max_body=16 * 1024, rate_setting="LOGIN_RATE_PER_MINUTE"), name="dispatch")
class TokenCreate(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(
        request=TokenRequest,
        responses={
            201: TokenResponse,
            # {"detail"} for wrong credentials, {"<field>": [...]} for a malformed body (found by schemathesis)
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="wrong user name or password, or a malformed body"),
            429: OpenApiResponse(Detail, description="locked out after too many failures, or wait (Retry-After)"),
        },
        summary="Get a bearer token with a user name and password",
    )
    def post(self, request: Request) -> Response:
        body = TokenRequest(data=request.data)
        body.is_valid(raise_exception=True)
        # The same progressive delay per (user name, address) as the sign-in page.
        wait = login_wait_seconds(username=body.validated_data["username"], ip_address=client_ip(request), at=timezone.now())
        if wait:
            wait_text = _("Too many failed attempts. Please wait %(seconds)d seconds before trying again.") % {"seconds": wait}
            return Response({"detail": wait_text}, status=status.HTTP_429_TOO_MANY_REQUESTS, headers={"Retry-After": str(wait)})
        try:
            issued = api_token_issue(
                request=request._request,
                username=body.validated_data["username"],
                password=body.validated_data["password"],
                name=body.validated_data["name"],
            )
        except TokenError as exc:
            code, message = MESSAGES[exc.reason]
            return Response({"detail": message()}, status=code)
        return Response({"token": issued.key}, status=status.HTTP_201_CREATED)


class TokenRevoke(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None, responses={200: Detail, 401: OpenApiResponse(Detail)}, summary="Revoke the token of this request"
    )
    def post(self, request: Request) -> Response:
        token = request.auth
        if not isinstance(token, ApiToken):
            return Response({"detail": _("This request was not made with a token.")}, status=status.HTTP_400_BAD_REQUEST)
        api_token_revoke(token=token, actor=request.user)
        return Response({"detail": _("The token is revoked.")})
