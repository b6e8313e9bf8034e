from devices.models import Device
from devices.protocol import Envelope
from devices.registry import DeviceData, Reply, register
from tests.sample_domain.models import Ring


class RingData(DeviceData):
    loud: bool


class Rung(DeviceData):
    """The doorbell's answer: nothing to say."""


@register(channel="event", types=["ring"], kinds=["doorbell"], schema=RingData, reply=Rung, reply_type="rung")
def ring(device: Device, envelope: Envelope) -> Reply:
    Ring.objects.create(device_id=device.device_id, loud=envelope.parsed.loud)
    return Reply("rung", {})
