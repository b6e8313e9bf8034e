"""DRF views of the cashier screens: adapt the request, call one service."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from canteen.selectors import charge_for_cashier
from canteen.services.charges import RefundError, charge_refund
from canteen.services.pos_api import IDEMPOTENCY_KEY_MAX, IDEMPOTENCY_KEY_PATTERN, idempotency_key_error, pos_charge_submit


class HasPerm(BasePermission):
    perm = ""

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.has_perm(self.perm))


class CanOperatePos(HasPerm):
    perm = "canteen.operate_pos"


class CanRefund(HasPerm):
    perm = "canteen.refund_charge"


class CartLineSerializer(serializers.Serializer[dict[str, Any]]):
    barcode = serializers.CharField(max_length=32)
    qty = serializers.IntegerField(min_value=1, max_value=999)


class ChargeRequestSerializer(serializers.Serializer[dict[str, Any]]):
    merchant = serializers.SlugField(max_length=40)
    amount_fen = serializers.IntegerField(min_value=1, max_value=1_000_000, required=False)
    lines = CartLineSerializer(many=True, required=False)
    order_ref = serializers.CharField(max_length=64, required=False)
    code = serializers.CharField(max_length=100, required=False, help_text="the payer's dynamic QR pay code")
    card = serializers.CharField(
        max_length=32, required=False, help_text="the UID of the payer's issued card: 8, 10, 14, 16 or 20 hex digits"
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("code") and not attrs.get("card"):
            raise serializers.ValidationError("give the payer's pay code or card")
        if "amount_fen" not in attrs and not attrs.get("lines"):
            raise serializers.ValidationError("give amount_fen or the cart lines")
        return attrs


ChargeResponse = inline_serializer(
    "ChargeResponse",
    {
        "status": serializers.ChoiceField(choices=["paid", "declined"]),
        "reason": serializers.CharField(),
        "balance_fen": serializers.IntegerField(),
        "order_ref": serializers.CharField(),
        "charge_id": serializers.IntegerField(allow_null=True),
        "amount_fen": serializers.IntegerField(allow_null=True),
        "payer": serializers.CharField(),
    },
)


ERROR = OpenApiResponse(
    inline_serializer("ApiError", {"detail": serializers.CharField(), "reason": serializers.CharField(required=False)}),
)
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    {"type": "string", "minLength": 1, "maxLength": IDEMPOTENCY_KEY_MAX, "pattern": IDEMPOTENCY_KEY_PATTERN},
    OpenApiParameter.HEADER,
    required=True,
    description=f"1 to {IDEMPOTENCY_KEY_MAX} characters of A-Z a-z 0-9 . _ : - (a UUID fits); anything else is 400.",
)


class ChargeCreate(APIView):
    permission_classes = [CanOperatePos]

    @extend_schema(
        request=ChargeRequestSerializer,
        responses={
            201: ChargeResponse,
            400: OpenApiResponse(description="Invalid body, or the Idempotency-Key header missing or malformed."),
            402: ChargeResponse,
            403: ERROR,
            404: OpenApiResponse(ERROR.response, description="No such merchant."),
            409: OpenApiResponse(ERROR.response, description="A request with this Idempotency-Key is still in flight."),
            422: OpenApiResponse(ERROR.response, description="This Idempotency-Key was used with another body."),
        },
        parameters=[IDEMPOTENCY_KEY],
        description="Charge a wallet at a checkout. Same Idempotency-Key + same body replays the stored answer; "
        "a different body is 422; while the first is processed, 409.",
    )
    def post(self, request: Request) -> Response:
        key_error = idempotency_key_error(request.headers.get("Idempotency-Key"))
        if key_error:
            return Response({"detail": key_error}, status=status.HTTP_400_BAD_REQUEST)
        serializer = ChargeRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        payload = dict(serializer.validated_data)
        if "lines" in payload:
            payload["lines"] = [dict(line) for line in payload["lines"]]
        result = pos_charge_submit(actor=request.user, idempotency_key=request.headers.get("Idempotency-Key"), payload=payload)  # type: ignore[arg-type]
        response = Response(result.body, status=result.status)
        if result.replayed:
            response["Idempotent-Replayed"] = "true"
        return response


class RefundRequestSerializer(serializers.Serializer[dict[str, Any]]):
    amount_fen = serializers.IntegerField(min_value=1)
    reason = serializers.CharField(max_length=200)
    request_key = serializers.CharField(max_length=64, required=False)


class RefundCreate(APIView):
    permission_classes = [CanRefund]

    @extend_schema(
        request=RefundRequestSerializer,
        responses={
            201: inline_serializer(
                "RefundResponse", {"refund_id": serializers.IntegerField(), "refunded_fen": serializers.IntegerField()}
            ),
            400: OpenApiResponse(description="Invalid body, or the refund is not possible (reason)."),
            403: ERROR,
            404: OpenApiResponse(ERROR.response, description="No such payment."),
        },
    )
    def post(self, request: Request, charge_id: int) -> Response:
        charge = charge_for_cashier(user=request.user, charge_id=charge_id)
        if charge is None:
            return Response({"detail": "no such payment"}, status=status.HTTP_404_NOT_FOUND)
        serializer = RefundRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            refund = charge_refund(
                charge=charge,
                amount_fen=serializer.validated_data["amount_fen"],
                reason=serializer.validated_data["reason"],
                actor=request.user,  # type: ignore[arg-type]
                request_key=serializer.validated_data.get("request_key"),
            )
        except RefundError as exc:
            return Response({"detail": str(exc), "reason": exc.reason}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"refund_id": refund.pk, "refunded_fen": charge.refunded_fen}, status=status.HTTP_201_CREATED)
