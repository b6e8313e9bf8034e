"""Every persona's main path in real Chromium, on a phone (390x844) and a desktop (1366x900).

Each page: the persona's work is one or two taps from home, no horizontal scrolling on the phone,
no serious axe-core violation, and a screenshot (UI_SCREENSHOTS=1 also writes docs/ui/personas/).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from building.models import Site
from canteen.models import Dish, Merchant, MerchantKind
from portal.models import User
from tests.browser import DESKTOP, PHONE, axe_serious, horizontal_overflow, login_cookie, shrink_pngs, viewport, wait

pytestmark = pytest.mark.browser
DOCS = Path(__file__).resolve().parent.parent / "docs" / "ui" / "personas"


@pytest.fixture
def shops(site: Site) -> None:
    Merchant.objects.create(site=site, code="canteen", name="机关一食堂", kind=MerchantKind.CANTEEN)
    window = Merchant.objects.create(site=site, code="takeaway", name="食堂外卖窗口", kind=MerchantKind.TAKEAWAY)
    Dish.objects.create(merchant=window, name="红烧肉套餐", price_fen=2200)
    Dish.objects.create(merchant=window, name="番茄鸡蛋面", price_fen=1200)


class Visit:
    def __init__(self, driver: WebDriver, base: str, out: Path, who: str, size: tuple[int, int]) -> None:
        self.driver, self.base, self.out, self.who, self.size = driver, base, out, who, size

    def page(self, name: str, *, axe: bool = True) -> None:
        """Checks of every page: it rendered our layout, fits the width, passes axe; then a screenshot."""
        wait(self.driver, lambda d: d.find_elements(By.CSS_SELECTOR, "main#main"), f"{name}: no page")
        assert horizontal_overflow(self.driver) == 0, f"{self.who} {name}: scrolls sideways at {self.size}"
        if axe:
            assert axe_serious(self.driver) == [], f"{self.who} {name} at {self.size}"
        self.driver.save_screenshot(str(self.out / f"{self.who}-{name}-{self.size[0]}.png"))

    def tap(self, selector: str) -> None:
        element = wait(self.driver, lambda d: d.find_elements(By.CSS_SELECTOR, selector), f"nothing at {selector}")[0]
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        element.click()


@pytest.fixture(params=[PHONE, DESKTOP], ids=["phone", "desktop"])
def visit(request: pytest.FixtureRequest, browser: WebDriver, live_server, tmp_path: Path):
    size = request.param
    out = DOCS if os.environ.get("UI_SCREENSHOTS") else tmp_path
    out.mkdir(parents=True, exist_ok=True)

    def start(user: User) -> Visit:
        login_cookie(browser, live_server.url, user)
        viewport(browser, size)
        browser.get(f"{live_server.url}/")
        return Visit(browser, live_server.url, out, user.username, size)

    yield start
    browser.set_window_size(1280, 900)
    if out == DOCS:
        shrink_pngs(out)


def _work(driver: WebDriver) -> list[str]:
    return [str(t.get_attribute("data-service")) for t in driver.find_elements(By.CSS_SELECTOR, "[data-testid=work] li.tile")]


def test_staff_pays_and_orders(visit, li_ming: User, shops: None) -> None:
    v = visit(li_ming)
    v.page("home")
    assert not _work(v.driver)  # staff: services only
    v.tap("li.tile[data-service=wallet] a")
    v.page("wallet")
    v.tap("[data-testid=paycode-full]")
    overlay = wait(
        v.driver,
        lambda d: [e for e in d.find_elements(By.CSS_SELECTOR, "[data-testid=paycode-overlay]") if e.is_displayed()],
        "no full-screen code",
    )[0]
    wait(v.driver, lambda d: overlay.find_elements(By.TAG_NAME, "svg"), "no code in the overlay")
    seconds = int(wait(v.driver, lambda d: overlay.find_element(By.CSS_SELECTOR, ".countdown strong").text, "no countdown"))
    assert 0 < seconds <= 60 and "亮度" in overlay.text
    v.driver.save_screenshot(str(v.out / f"{v.who}-paycode-{v.size[0]}.png"))
    overlay.find_element(By.TAG_NAME, "button").click()
    v.driver.get(f"{v.base}/canteen/takeaway/")
    v.page("takeaway")
    v.tap("li[data-dish] [data-step='1']")
    v.tap("li[data-dish] [data-step='1']")
    price = v.driver.find_element(By.CSS_SELECTOR, "li[data-dish] small").text  # "¥12.00"
    expected = f"¥{2 * float(price.lstrip('¥')):.2f}"
    total = lambda d: d.find_element(By.CSS_SELECTOR, "[data-testid=cart-total]").text  # noqa: E731
    wait(v.driver, lambda d: total(d) == expected, f"the running total is not {expected}")


def test_cashier_finds_the_till_and_the_sales(visit, liu_cashier: User, shops: None) -> None:
    v = visit(liu_cashier)
    v.page("home")
    assert _work(v.driver)[:4] == ["till", "sales", "refunds", "reconciliation"]
    v.tap("li.tile[data-service=till] a")
    v.page("till")
    assert v.driver.switch_to.active_element.get_attribute("id") == "till-amount"  # ready for the first sale
    v.driver.get(f"{v.base}/")
    v.tap("li.tile[data-service=sales] a")
    v.page("sales")


def test_guard_reaches_panel_and_alarm_history(visit, chen_guard: User, site: Site) -> None:
    from security.models import AccessZone
    from security.services.access import access_decide
    from tests.factories import device_factory

    AccessZone.objects.create(site=site, code="main", name="主楼", open_to_all_staff=True)
    access_decide(device=device_factory(site=site, kind="gate").device, method="card", code="stranger")
    v = visit(chen_guard)
    v.page("home")
    assert _work(v.driver)[:3] == ["panel", "patrol_scan", "alarms"]
    v.tap("li.tile[data-service=panel] a")
    v.page("panel")
    v.tap("a[href='/security/alarms/']")
    v.page("alarms")
    v.driver.get(f"{v.base}/access/log/")
    wait(v.driver, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid=daily-chart] svg"), "no ECharts chart")
    v.page("access-log")


def test_manager_sees_reports_and_people(visit, wang_manager: User) -> None:
    v = visit(wang_manager)
    v.page("home")
    assert {"sales", "reconciliation", "panel", "alarms", "patrol_report", "devices", "people"} <= set(_work(v.driver))
    v.tap("li.tile[data-service=reconciliation] a")
    v.page("reconciliation")


def test_contractor_opens_the_work_orders_first(visit, zhao_contractor: User) -> None:
    v = visit(zhao_contractor)
    v.page("home")
    assert _work(v.driver) == ["work_orders"]
    v.tap("li.tile[data-service=work_orders] a")
    v.page("work_orders")  # the queue (building.workorders), with the same layout and axe checks
