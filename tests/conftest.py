from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings

from building.models import Site
from devices.simulator import SimDevice
from portal.models import User
from tests.factories import SiteFactory, device_factory, persona

IN_CI = bool(os.environ.get("CI"))


def pytest_unconfigure(config: pytest.Config) -> None:
    # This run's SQLite test database and its WAL side files (config/settings/test.py)
    for leftover in (settings.BASE_DIR / "var").glob(f"test-{os.getpid()}.sqlite3*"):
        leftover.unlink(missing_ok=True)


# A real Chromium under a loaded CI machine now and then loses a node between finding and reading it,
# or misses a wait by a hair. A browser test that fails with one of Selenium's own errors gets one
# more try (pytest-rerunfailures); an assertion about the page never does, so a real fault still fails.
SELENIUM_ERRORS = r"^(WebDriverException|StaleElementReferenceException|TimeoutException|NoSuchWindowException)\b"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.flaky(reruns=1, only_rerun=[SELENIUM_ERRORS]))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """pytest-timeout arms one timer for a test's whole protocol and stops it as soon as a failure
    is reported (its pytest_exception_interact hook), so the retry above would run with no timeout
    at all: a hang in it would hold CI until CI's own limit. Arm it again for each retry."""
    if getattr(item, "execution_count", 1) > 1:
        import pytest_timeout

        timeout_settings = pytest_timeout._get_item_settings(item)
        if timeout_settings.timeout:
            item.config.pluginmanager.hook.pytest_timeout_set_timer(item=item, settings=timeout_settings)


@pytest.fixture(autouse=True)
def _fresh_device_memory() -> None:
    """The bridge's per-process memory (presence write marks, the device cache) is keyed by ids
    that an emptied test database hands out again; each test starts without the last one's."""
    from devices.registry_cache import forget
    from devices.services import presence_marks_forget

    presence_marks_forget()
    forget()


def needs(condition: bool, what: str) -> None:
    """Skip locally when a real dependency is missing; in CI that is a failure, never a skip."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"missing dependency in CI: {what}", pytrace=False)
    pytest.skip(f"missing dependency: {what}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def site(db: None) -> Site:
    created = SiteFactory()
    assert isinstance(created, Site)
    return created


# Named personas (seed_demo has the same people for demos).
@pytest.fixture
def li_ming(site: Site) -> User:
    return persona("staff", "li_ming", "李", "明", site=site)


@pytest.fixture
def zhang_li(site: Site) -> User:
    return persona("staff", "zhang_li", "张", "丽", site=site)


@pytest.fixture
def wang_manager(site: Site) -> User:
    return persona("manager", "wang_manager", "王", "建国", site=site)


@pytest.fixture
def chen_guard(site: Site) -> User:
    return persona("security", "chen_guard", "陈", "保安", site=site)


@pytest.fixture
def zhao_contractor(site: Site) -> User:
    return persona("contractor", "zhao_contractor", "赵", "师傅", site=site)


@pytest.fixture
def liu_cashier(site: Site) -> User:
    return persona("cashier", "liu_cashier", "刘", "收银", site=site)


@pytest.fixture(scope="session")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """One headless Chromium for the whole run (tests/browser.py)."""
    from tests.browser import chromium_available, chromium_start

    needs(chromium_available(), "Debian chromium + chromium-driver (apt-get install chromium chromium-driver)")
    driver = chromium_start(tmp_path_factory.mktemp("chromium-profile"))
    yield driver
    driver.quit()


@pytest.fixture
def browser(chromium: Any, live_server: Any, transactional_db: None) -> Any:
    """The session's Chromium with no session or language cookie left by the previous test."""
    chromium.get(f"{live_server.url}/static/portal/site.css")  # any page of the origin will do
    chromium.delete_all_cookies()
    return chromium


@pytest.fixture(scope="session")
def mqtt_broker() -> Iterator[tuple[str, int]]:
    """MQTT_URL's broker (Mosquitto in CI's second pass), else the embedded amqtt broker."""
    if settings.MQTT_URL:
        from devices.mqtt_config import mqtt_endpoint

        endpoint = mqtt_endpoint()
        yield endpoint.host, endpoint.port
        return
    from devices.broker import embedded_broker

    port = free_port()
    settings.MQTT_PORT = port
    broker = embedded_broker(host="127.0.0.1", port=port)
    broker.start()
    yield "127.0.0.1", port
    broker.stop()


@pytest.fixture
def bridge(transactional_db: None, mqtt_broker: tuple[str, int], settings: object) -> Iterator[object]:
    from devices.bridge import Bridge

    settings.MQTT_CLIENT_ID = f"test-{uuid.uuid4().hex[:8]}"  # type: ignore[attr-defined]
    running = Bridge()
    running.start()
    assert running.wait_connected(10), "bridge did not connect to the broker"
    yield running
    running.stop(end_session=True)


@pytest.fixture
def connect_device(mqtt_broker: tuple[str, int]) -> Iterator[Callable[..., SimDevice]]:
    """connect_device(site, kind) -> a SimDevice registered, connected and subscribed."""
    opened: list[SimDevice] = []

    def connect(site: Site, kind: str = "gate", device_id: str | None = None) -> SimDevice:
        new = device_factory(site=site, kind=kind, device_id=device_id)
        sim = SimDevice(
            host=mqtt_broker[0],
            port=mqtt_broker[1],
            site=site.code,
            device=new.device.device_id,
            username=new.device.mqtt_username,
            password=new.password,
        )
        assert sim.connect(), f"broker refused {new.device}: {sim.connect_rc}"
        opened.append(sim)
        return sim

    yield connect
    for sim in opened:
        sim.close()
