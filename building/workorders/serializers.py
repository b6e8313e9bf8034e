"""The API's view of an order (also used by the pages' JSON-able bits)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from building.workorders.models import WorkOrder


class WorkOrderSerializer(serializers.ModelSerializer[WorkOrder]):
    company = serializers.SerializerMethodField()
    space = serializers.SerializerMethodField()
    photos = serializers.SerializerMethodField()
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = WorkOrder
        fields = [
            "id",
            "number",
            "status",
            "status_display",
            "category",
            "priority",
            "space",
            "location",
            "description",
            "company",
            "created_at",
            "response_due",
            "accepted_at",
            "completion_due",
            "done_at",
            "confirmed_at",
            "cost_fen",
            "rating",
            "rating_comment",
            "reject_reason",
            "reopen_count",
            "photos",
        ]

    def get_company(self, order: WorkOrder) -> dict[str, str] | None:
        return {"code": order.company.code, "name": order.company.name} if order.company else None

    def get_space(self, order: WorkOrder) -> dict[str, str] | None:
        return {"code": order.space.code, "name": str(order.space)} if order.space else None

    def get_photos(self, order: WorkOrder) -> list[dict[str, Any]]:
        return [
            {"id": p.pk, "kind": p.kind, "url": reverse("workorders:photo", args=[p.pk]), "width": p.width, "height": p.height}
            for p in order.photos.all()
        ]
