"""What the apps contribute: whole, and enough to add a domain as one folder (tests/sample_domain)."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from canteen import ledger
from canteen.models import AccountKind
from core import registry
from core.models import AuditLog
from core.registry import DomainConfig, Tile
from devices.dispatch import handle
from devices.models import DeviceMessage
from devices.services import DeviceError, device_create
from tests.sample_domain.models import Ring


def test_every_contribution_is_whole(db: None) -> None:
    assert registry.contribution_problems() == []


def test_a_broken_contribution_is_named(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    import tests.sample_domain.apps as sample

    class Broken(sample.SampleDomainConfig):
        permissions = {"staff": {"sample_domain.no_such_perm"}, "janitor": set()}
        tiles = (
            Tile("nowhere", "Nowhere", "", "x", "no:such-url"),
            Tile("nowork", "No work", "", "x", "no:such-work", "sample_domain.no_such_work", group="work"),
            Tile("nowhere", "Twice", "", "x", "sample_domain:rings"),
        )
        demo = "tests.sample_domain.demo.missing"

    broken = Broken("tests.sample_domain", sample)
    monkeypatch.setattr(registry, "domain_configs", lambda: [broken])
    problems = "\n".join(registry.contribution_problems())
    assert "'no:such-url', which does not resolve" in problems
    assert "tile 'nowork' links to 'no:such-work', which does not resolve" in problems  # work tiles too
    assert "permission 'sample_domain.no_such_work' does not exist" in problems
    assert "tile 'nowhere' is contributed twice" in problems
    assert "permission 'sample_domain.no_such_perm' does not exist" in problems
    assert "unknown role 'janitor'" in problems
    assert "tests.sample_domain.demo.missing does not import" in problems


def test_every_work_tile_is_checked_and_the_portal_names_no_domain_page() -> None:
    """Role navigation comes from the apps' work tiles; portal/navigation.py names no domain's page."""
    from pathlib import Path

    import portal.navigation

    work = {t.key: t for t in registry.tiles() if t.group == "work"}
    for key in ("till", "sales", "refunds", "reconciliation", "panel", "patrol_scan", "alarms", "work_orders"):
        assert key in work, key
    source = Path(portal.navigation.__file__).read_text()
    for namespace in ("booking:", "workorders:", "parking:", "recycling:", "canteen:", "monitoring:", "security:"):
        assert namespace not in source


def test_a_domains_work_tile_reaches_the_role_home(li_ming, monkeypatch: pytest.MonkeyPatch) -> None:
    import tests.sample_domain.apps as sample
    from portal.navigation import work_for

    class Working(sample.SampleDomainConfig):
        tiles = (Tile("ring_log", "Rings", "", "bell", "sample_domain:rings", "sample_domain.ring_doorbell", group="work"),)

    working = Working("tests.sample_domain", sample)
    monkeypatch.setattr(registry, "domain_configs", lambda: [working])
    assert [(w.key, w.url) for w in work_for(li_ming)] == [("ring_log", "/sample/rings/")]


def test_a_handler_without_a_schema_is_refused_at_registration() -> None:
    from devices.registry import register

    with pytest.raises(TypeError, match="pydantic model"):
        register(channel="event", types=["x"], schema=dict)  # type: ignore[arg-type]


def test_a_missing_handlers_module_fails_at_start_up() -> None:
    import tests.sample_domain.apps as sample

    class Missing(sample.SampleDomainConfig):
        handlers_module = "tests.sample_domain.no_such_handlers"

    with pytest.raises(ModuleNotFoundError):
        Missing("tests.sample_domain", sample).ready()


def test_only_registered_device_kinds_can_be_created(site) -> None:
    with pytest.raises(DeviceError, match="unknown kind 'toaster'"):
        device_create(site=site, kind="toaster", device_id="t-1")


def _event(msg_id: str, data: dict[str, object]) -> bytes:
    return json.dumps({"id": msg_id, "ts": "2026-11-26T09:00:00+08:00", "type": "ring", "data": data}).encode()


def test_a_domain_in_one_folder_works_end_to_end(site, li_ming, zhao_contractor, capsys) -> None:
    # its device kind and event type, validated by its schema
    doorbell = device_create(site=site, kind="doorbell", device_id="bell-1").device
    topic = f"so/{site.code}/bell-1/event"
    assert handle(topic, _event("r1", {"loud": True}), timezone.now()).reply_type == "rung"
    assert Ring.objects.filter(device_id="bell-1", loud=True).count() == 1
    refused = handle(topic, _event("r2", {"loud": "yes"}), timezone.now())
    assert refused.status == "rejected" and refused.reply_type == "error"
    rejection = AuditLog.objects.filter(action="devices.message.reject", data__re="r2").get()
    assert rejection.data["detail"].startswith("data.loud:")  # the error cmd names the field
    assert DeviceMessage.objects.get(device=doorbell, msg_id="r2").outcome == "rejected"
    # its ledger kind
    cash = ledger.user_accounts(li_ming).cash
    adjustment = ledger.system_account(AccountKind.ADJUSTMENT)
    posted = ledger.transaction_post(kind="doorbell_fee", key="bell:1", legs=[(cash, 100), (adjustment, -100)])
    assert posted.created and posted.transaction.get_kind_display() == "doorbell fee"
    with pytest.raises(ledger.LedgerError, match="unknown_kind"):
        ledger.transaction_post(kind="toaster_fee", key="t:1", legs=[(cash, 100), (adjustment, -100)])
    # its role permission and its tile: staff see it, a contractor does not
    assert li_ming.has_perm("sample_domain.ring_doorbell") and not zhao_contractor.has_perm("sample_domain.ring_doorbell")
    client = Client()
    client.force_login(li_ming)
    assert "/sample/rings/" in client.get("/").content.decode()
    # its demo data, through seed_demo
    call_command("seed_demo", "--password", "pw")
    assert json.loads(capsys.readouterr().out)["doorbells"] == 1


def test_the_kernel_collects_in_installed_apps_order() -> None:
    labels = [c.label for c in registry.domain_configs()]
    assert labels[:3] == ["core", "building", "portal"] and labels[-1] == "sample_domain"
    assert all(isinstance(c, DomainConfig) for c in registry.domain_configs())
    assert isinstance(registry.beat_schedule()["device-message-purge"]["schedule"], float)
