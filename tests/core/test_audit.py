import pytest

from core.audit import audit_log
from core.models import AuditLog


def test_audit_row_records_actor_target_and_masks_secrets(li_ming) -> None:
    row = audit_log(
        action="portal.user.update",
        actor=li_ming,
        target=li_ming,
        data={"phone": "138", "password": "s3cret", "nested": [{"api_token": "t"}], "image": "base64..."},
    )
    stored = AuditLog.objects.get(pk=row.pk)
    assert stored.actor == li_ming
    assert stored.target_type == "portal.user" and stored.target_id == str(li_ming.pk)
    assert stored.data == {"phone": "138", "password": "***", "nested": [{"api_token": "***"}], "image": "***"}


def test_device_or_task_actor_is_kept_as_label(db) -> None:
    row = audit_log(action="devices.message.reject", actor="demo/gate-1", data={})
    assert row.actor is None and row.actor_label == "demo/gate-1"


def test_action_must_be_namespaced(db) -> None:
    with pytest.raises(ValueError, match="namespaced"):
        audit_log(action="charge")
