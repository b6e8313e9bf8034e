"""A whole domain in one folder: the proof that adding an app needs no edit anywhere else.

It brings a device kind with one event type (and its schema), a ledger kind, a role permission,
a portal tile and demo data; config/settings/test.py adds it to INSTALLED_APPS (the one line).
"""

from collections.abc import Sequence

from core.registry import DeviceKindSpec, DomainConfig, LedgerKindSpec, Tile
from core.roles import STAFF


class SampleDomainConfig(DomainConfig):
    name = "tests.sample_domain"
    label = "sample_domain"
    verbose_name = "sample domain"
    handlers_module = "tests.sample_domain.handlers"
    device_kinds = (DeviceKindSpec("doorbell", "doorbell"),)
    ledger_kinds = (LedgerKindSpec("doorbell_fee", "doorbell fee"),)
    permissions = {STAFF: {"sample_domain.ring_doorbell"}}
    tiles: Sequence[Tile] = (
        Tile("doorbell", "Doorbell", "Ring it", "bell", "sample_domain:rings", "sample_domain.ring_doorbell"),
    )
    urls = (("sample/", "tests.sample_domain.urls"),)
    demo = "tests.sample_domain.demo.demo_ensure"
