from __future__ import annotations

from devices.models import Device
from devices.mosquitto_auth import DeviceCred


def active_device_creds() -> list[DeviceCred]:
    rows = Device.objects.filter(is_active=True).exclude(mosquitto_hash="").select_related("site")
    return [DeviceCred(d.mqtt_username, d.site.code, d.device_id, d.mosquitto_hash) for d in rows]
