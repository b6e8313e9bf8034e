"""dispatch.handle directly: the rejections a broker ACL would normally keep away."""

from django.utils import timezone

from core.models import AuditLog
from devices.dispatch import handle
from tests.factories import device_factory


def test_a_malformed_topic_is_dropped_with_an_audit_row(db) -> None:
    outcome = handle("so/demo/has space/event", b"{}", timezone.now())
    assert (outcome.status, outcome.reason) == ("dropped", "bad_topic")
    assert AuditLog.objects.get(action="devices.message.reject").data["reason"] == "bad_topic"


def test_a_device_of_another_site_is_unknown(site, db) -> None:
    new = device_factory(site=site, kind="gate", device_id="g1")
    outcome = handle(f"so/other/{new.device.device_id}/event", b"{}", timezone.now())
    assert (outcome.status, outcome.reason) == ("dropped", "unknown_device")


def test_a_deactivated_device_is_unknown(site, db) -> None:
    new = device_factory(site=site, kind="gate", device_id="g1")
    new.device.is_active = False
    new.device.save()
    outcome = handle(f"so/{site.code}/g1/event", b'{"id":"1","ts":"2026-11-22T01:00:00Z","type":"ping"}', timezone.now())
    assert outcome.status == "dropped"


def test_a_bad_status_message_gets_an_error(site, db) -> None:
    device_factory(site=site, kind="gate", device_id="g1")
    outcome = handle(f"so/{site.code}/g1/status", b'{"state": "dozing"}', timezone.now())
    assert (outcome.status, outcome.reason, outcome.reply_type) == ("rejected", "bad_status", "error")
