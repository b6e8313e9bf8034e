"""The bridge loses nothing across its own restarts and reconnects."""

from __future__ import annotations

import uuid

import pytest

from devices.bridge import Bridge
from devices.models import DeviceMessage
from tests.helpers import eventually

pytestmark = pytest.mark.django_db(transaction=True)


def test_messages_sent_while_the_bridge_is_down_are_handled_when_it_returns(mqtt_broker, connect_device, site, settings):
    settings.MQTT_CLIENT_ID = f"test-{uuid.uuid4().hex[:8]}"  # one persistent session for both bridges
    first = Bridge()
    first.start()
    assert first.wait_connected(10)
    gate = connect_device(site, "gate")
    assert gate.request("ping")["type"] == "pong"
    first.stop()  # clean disconnect: the broker keeps the session and queues QoS 1 messages

    msg_id = gate.send("ping")  # nobody is listening right now
    second = Bridge()
    second.start()
    try:
        assert second.wait_connected(10)
        assert gate.wait_command(re=msg_id, timeout=10)["type"] == "pong"
        assert DeviceMessage.objects.filter(msg_id=msg_id).count() == 1
    finally:
        second.stop(end_session=True)


def test_the_bridge_resubscribes_after_a_lost_connection(bridge, connect_device, site):
    gate = connect_device(site, "gate")
    assert gate.request("ping")["type"] == "pong"
    bridge.connected.clear()
    bridge.client._sock_close()  # the network drops; paho reconnects by itself
    eventually(bridge.connected.is_set, timeout=15)  # set again only after a new SUBACK
    assert gate.request("ping", timeout=10)["type"] == "pong"
