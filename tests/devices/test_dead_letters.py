"""Dead letters: capped, purged, shown to operators in words (not codes), never editable."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.test import Client
from django.utils import timezone, translation
from django.utils.html import escape

from devices.dead_letters import PAYLOAD_MAX, RETENTION, dead_letter_purge, dead_letter_record, reason_text
from devices.models import DeadLetter
from devices.tasks import dead_letter_purge as purge_task
from tests.devices import poison


def test_the_payload_is_capped_and_odd_text_is_storable(db: None) -> None:
    payload = poison.deep_json(100_000)
    letter = dead_letter_record(
        topic="so/x/\ud800\x00/event", device=None, received_at=timezone.now(), reason="bad_json", detail="\x00", payload=payload
    )
    letter.refresh_from_db()
    assert len(bytes(letter.payload)) == PAYLOAD_MAX and letter.payload_size == len(payload) and letter.truncated
    assert letter.topic == "so/x/\\ud800\\x00/event"


def test_old_dead_letters_are_purged(db: None) -> None:
    now = timezone.now()
    for age in (RETENTION + timedelta(hours=1), timedelta(hours=1)):
        dead_letter_record(topic="so/x/y/event", device=None, received_at=now - age, reason="bad_json", detail="", payload=b"x")
    assert purge_task() == 1
    assert DeadLetter.objects.count() == 1
    assert dead_letter_purge(older_than=now) == 1


def test_the_admin_lists_dead_letters_in_words_and_cannot_change_them(admin_client: Client, db: None) -> None:
    letter = dead_letter_record(
        topic="so/x/y/event", device=None, received_at=timezone.now(), reason="bad_json", detail="", payload=b"[[["
    )
    page = admin_client.get("/admin/devices/deadletter/").content.decode()
    with translation.override(settings.LANGUAGE_CODE):
        assert escape(reason_text("bad_json")) in page
    assert admin_client.get(f"/admin/devices/deadletter/{letter.pk}/change/").status_code == 200
    assert admin_client.get("/admin/devices/deadletter/add/").status_code == 403
