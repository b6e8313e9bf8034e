"""Signals other apps listen to, sent after the transaction that caused them commits."""

from django.dispatch import Signal

# device_came_online(sender=Device, device=Device, at=datetime): offline -> online. Monitoring
# closes the device-offline alarm at once instead of waiting for its next sweep.
device_came_online = Signal()

# bridge_stalled(sender=Bridge, reason=str, at=datetime): the bridge cannot make progress (a batch
# failing again and again, messages waiting and nothing acknowledged, an inbox full). Sent once
# per episode, outside any transaction, from the bridge's reporter thread; monitoring raises the
# panel alarm (devices must not import security). bridge_recovered(sender=Bridge, at=datetime):
# the episode is over.
bridge_stalled = Signal()
bridge_recovered = Signal()
