"""Signals other apps listen to, sent after the transaction that caused them commits."""

from django.dispatch import Signal

# device_came_online(sender=Device, device=Device, at=datetime): offline -> online. Monitoring
# closes the device-offline alarm at once instead of waiting for its next sweep.
device_came_online = Signal()
