"""What each app contributes to the platform, declared in one place: its AppConfig.

An app's AppConfig subclasses DomainConfig and lists, as plain class attributes, its device kinds,
ledger kinds, role permissions, portal tiles, panel sections, beat schedule, URL includes, health
checks, demo data and personal-data export. The kernel only collects them (in INSTALLED_APPS
order); it imports no domain. Adding an app to INSTALLED_APPS is the only edit outside its folder.

Dotted paths (handlers, demo, health checks, ...) are imported when used, so apps.py stays cheap
and free of import cycles; `contribution_problems()` imports them all and is run by a test and by
`manage.py check`, so a broken contribution fails at start-up, not at run time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from importlib import import_module
from typing import Any

from django.apps import AppConfig, apps
from django.utils.functional import Promise
from django.utils.module_loading import import_string

Text = str | Promise


@dataclass(frozen=True)
class DeviceKindSpec:
    """A kind of device an app speaks to over MQTT (`Device.kind`)."""

    code: str
    label: Text


@dataclass(frozen=True)
class LedgerKindSpec:
    """A kind of ledger transaction (`canteen.Transaction.kind`): a fee, a points award, ..."""

    code: str
    label: Text


@dataclass(frozen=True)
class LedgerAccountSpec:
    """A system account kind (revenue, clearing, issuance): its balance is derived from entries."""

    code: str
    label: Text


@dataclass(frozen=True)
class Tile:
    """A service on the portal's home page, shown to users with `permission`.

    group="work" puts it under the home page's "My work", first: a role's daily pages (a cashier's
    till, a guard's panel). Work tiles are ordered by `order` across apps, so apps keep the role's
    order between them: 10-19 the till and the canteen reports, 20-29 the guard's and manager's
    pages, 30+ the back-office queues."""

    key: str
    title: Text
    description: Text
    icon: str  # a name in the UI's SVG icon set (docs/ui.md)
    url_name: str  # reversed when rendered; a test proves it resolves
    permission: str = "portal.use_portal"
    order: int = 100  # lower first
    group: str = "services"  # services | work | admin: where the home page puts it
    fragment: str = ""  # appended to the URL as #fragment (a section of the page)


@dataclass(frozen=True)
class PanelSection:
    """A section of the live monitoring panel besides alarms.

    `load(site, at)` (dotted path) returns JSON-able data for the initial state; events whose type
    starts with one of `events` are forwarded to the panel's WebSocket.
    """

    key: str
    title: Text
    load: str
    events: tuple[str, ...] = ()


@dataclass
class DemoContext:
    """Handed to every app's demo contribution in INSTALLED_APPS order (seed_demo)."""

    password: str
    now: datetime
    site: Any = None  # building.Site, set by the building app's demo
    users: dict[str, Any] = field(default_factory=dict)  # username -> portal.User
    out: dict[str, Any] = field(default_factory=dict)  # merged into seed_demo's JSON


class DomainConfig(AppConfig):
    # Django picks the one AppConfig subclass an apps.py defines; this base class, imported into
    # every apps.py, must not count as a candidate, while each app's subclass does.
    default = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "default" not in cls.__dict__:
            cls.default = True

    handlers_module: str | None = None  # registers the app's MQTT handlers (devices.registry)
    modules: Sequence[str] = ()  # other modules with import-time registrations (checks, receivers)
    device_kinds: Sequence[DeviceKindSpec] = ()
    ledger_kinds: Sequence[LedgerKindSpec] = ()
    ledger_accounts: Sequence[LedgerAccountSpec] = ()
    permissions: Mapping[str, Iterable[str]] = {}  # role name (core.roles) -> {"app_label.codename"}
    tiles: Sequence[Tile] = ()
    panel_sections: Sequence[PanelSection] = ()
    beat_schedule: Mapping[str, Mapping[str, Any]] = {}
    urls: Sequence[tuple[str, str]] = ()  # (prefix, urls module)
    websocket_urls: str | None = None  # module with `websocket_urlpatterns`
    health_checks: Mapping[str, str] = {}  # name -> callable() -> "ok" | "error: ..." (readiness)
    demo: str | None = None  # callable(DemoContext) -> dict | None
    personal_data: str | None = None  # callable(user) -> dict: what the app holds about a person

    def ready(self) -> None:
        # Imported here, not lazily: a missing handlers module must stop the start, not surface
        # later as "unsupported" on the first message.
        for module in (self.handlers_module, *self.modules):
            if module:
                import_module(module)


def domain_configs() -> list[DomainConfig]:
    return [c for c in apps.get_app_configs() if isinstance(c, DomainConfig)]


def _unique(items: Iterable[Any], what: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in items:
        if key in found:
            raise ValueError(f"{what} {key!r} is contributed twice")
        found[key] = value
    return found


def device_kinds() -> dict[str, DeviceKindSpec]:
    return _unique(((k.code, k) for c in domain_configs() for k in c.device_kinds), "device kind")


def ledger_kinds() -> dict[str, LedgerKindSpec]:
    return _unique(((k.code, k) for c in domain_configs() for k in c.ledger_kinds), "ledger kind")


def ledger_accounts() -> dict[str, LedgerAccountSpec]:
    return _unique(((k.code, k) for c in domain_configs() for k in c.ledger_accounts), "ledger account")


def role_permissions() -> dict[str, set[str]]:
    merged: dict[str, set[str]] = {}
    for config in domain_configs():
        for role, perms in config.permissions.items():
            merged.setdefault(role, set()).update(perms)
    return merged


def tiles() -> list[Tile]:
    found = _unique(((t.key, t) for c in domain_configs() for t in c.tiles), "tile")
    return sorted(found.values(), key=lambda t: (t.order, t.key))


def panel_sections() -> list[PanelSection]:
    return list(_unique(((s.key, s) for c in domain_configs() for s in c.panel_sections), "panel section").values())


def beat_schedule() -> dict[str, dict[str, Any]]:
    return _unique(((k, dict(v)) for c in domain_configs() for k, v in c.beat_schedule.items()), "beat entry")


def url_includes() -> list[tuple[str, str]]:
    return [entry for c in domain_configs() for entry in c.urls]


def websocket_modules() -> list[str]:
    return [c.websocket_urls for c in domain_configs() if c.websocket_urls]


def health_checks() -> dict[str, Callable[[], str]]:
    return _unique(((k, import_string(v)) for c in domain_configs() for k, v in c.health_checks.items()), "health check")


def demo_contributions() -> list[tuple[str, Callable[[DemoContext], Any]]]:
    return [(c.label, import_string(c.demo)) for c in domain_configs() if c.demo]


def personal_data_sources() -> list[tuple[str, Callable[[Any], dict[str, Any]]]]:
    return [(c.label, import_string(c.personal_data)) for c in domain_configs() if c.personal_data]


def contribution_problems(*, with_permissions: bool = True) -> list[str]:
    """Everything wrong with what the installed apps contribute, as sentences (empty: all good).

    The permission part needs the database (run by the registry test); the rest runs as a system
    check on every start (core/checks.py)."""
    from django.urls import NoReverseMatch, reverse

    problems: list[str] = []
    for getter in (device_kinds, ledger_kinds, ledger_accounts, tiles, panel_sections, beat_schedule):
        try:
            getter()
        except ValueError as exc:
            problems.append(str(exc))
    for config in domain_configs():
        dotted = [config.demo, config.personal_data, *config.health_checks.values(), *(s.load for s in config.panel_sections)]
        for path in filter(None, dotted):
            try:
                import_string(path)
            except ImportError as exc:
                problems.append(f"{config.label}: {path} does not import ({exc})")
        for _prefix, module in config.urls:
            try:
                import_module(module)
            except ImportError as exc:
                problems.append(f"{config.label}: urls module {module} does not import ({exc})")
        for tile in config.tiles:
            try:
                reverse(tile.url_name)
            except NoReverseMatch:
                problems.append(f"{config.label}: tile {tile.key!r} links to {tile.url_name!r}, which does not resolve")
    if with_permissions:
        problems += _permission_problems()
    return problems


def _permission_problems() -> list[str]:
    from django.contrib.auth.models import Permission

    from core.roles import ROLES

    problems = []
    known = {f"{app}.{code}" for app, code in Permission.objects.values_list("content_type__app_label", "codename")}
    for config in domain_configs():
        wanted = [*(p for perms in config.permissions.values() for p in perms), *(t.permission for t in config.tiles)]
        for role in config.permissions:
            if role not in ROLES:
                problems.append(f"{config.label}: unknown role {role!r}")
        for perm in wanted:
            if perm not in known:
                problems.append(f"{config.label}: permission {perm!r} does not exist")
    return problems
