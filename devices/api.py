from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import generics, serializers
from rest_framework.permissions import DjangoModelPermissions

from devices.models import Device


class DeviceSerializer(serializers.ModelSerializer[Device]):
    site = serializers.CharField(source="site.code")
    topic_prefix = serializers.CharField()

    class Meta:
        model = Device
        fields = ["id", "site", "device_id", "kind", "name", "online", "last_seen_at", "topic_prefix"]


class ViewDevicePermission(DjangoModelPermissions):
    perms_map = {**DjangoModelPermissions.perms_map, "GET": ["%(app_label)s.view_%(model_name)s"]}


class DeviceList(generics.ListAPIView[Device]):
    """Devices with their online state (roles with devices.view_device)."""

    serializer_class = DeviceSerializer
    permission_classes = [ViewDevicePermission]

    def get_queryset(self) -> QuerySet[Device]:
        devices = Device.objects.select_related("site").order_by("site__code", "device_id")
        user = self.request.user
        if user.is_superuser:
            return devices
        site_id = getattr(user, "site_id", None)
        return devices.filter(site_id=site_id) if site_id else devices.none()  # a manager sees their own site
