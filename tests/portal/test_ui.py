"""The UI system: icons, layout, tab pages, role work, error pages (rendered through the real views)."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.test import Client

from portal.icons import icon_names
from portal.models import User

REQUIRED_ICONS = [
    "face",
    "wallet",
    "meal",
    "shield",
    "settings",
    "code",
    "calendar",
    "wrench",
    "recycle",
    "bell",
    "car",
    "bolt",
    "package",
    "user",
    "home",
    "grid",
    "message",
    "till",
    "chart",
    "alarm",
    "patrol",
    "door",
    "qr",
    "logout",
    "search",
    "plus",
    "check",
    "x",
    "chevron-right",
]


def test_the_sprite_has_every_required_icon() -> None:
    assert set(REQUIRED_ICONS) <= icon_names()


def test_icon_tag_points_into_the_sprite_and_is_hidden_from_screen_readers() -> None:
    html = Template('{% load ui %}{% icon "wallet" %}|{% icon "bell" label="通知" %}|{% icon "nope" %}').render(Context())
    plain, labelled, unknown = html.split("|")
    assert re.search(r'<use href="/static/portal/icons.svg#wallet">', plain) and 'aria-hidden="true"' in plain
    assert 'role="img" aria-label="通知"' in labelled
    assert "#info" in unknown  # an unknown name draws the neutral icon, never a broken reference


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_home_has_tab_bar_icons_and_no_emoji(li_ming: User) -> None:
    html = _client(li_ming).get("/").content.decode()
    assert 'data-testid="tabbar"' in html
    for tab in ("首页", "服务", "消息", "我的"):
        assert f"<span>{tab}</span>" in html
    assert 'aria-current="page"' in html
    assert "icons.svg#wallet" in html and "icons.svg#face" in html
    assert not re.search("[\U0001f300-\U0001faff\u2600-\u27bf]", html), "an emoji on the home page"
    assert 'data-testid="work"' not in html  # staff have no back-office work


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "first", "expected"),
    [
        ("liu_cashier", "till", {"till", "sales", "refunds", "reconciliation"}),
        ("chen_guard", "panel", {"panel", "patrol_scan", "alarms"}),
        ("wang_manager", "till", {"sales", "reconciliation", "panel", "alarms", "patrol_report", "devices", "people"}),
        ("zhao_contractor", "work_orders", {"work_orders"}),
    ],
)
def test_each_role_sees_its_work_first(request: pytest.FixtureRequest, persona: str, first: str, expected: set[str]) -> None:
    user = request.getfixturevalue(persona)
    html = _client(user).get("/").content.decode()
    work = html.split('data-testid="work"', 1)[1].split("</ul>", 1)[0]
    keys = re.findall(r'data-service="([a-z_]+)"', work)
    assert keys[0] == first and expected <= set(keys)
    assert html.index('data-testid="work"') < html.index('data-testid="services"')


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "text"), [("/services/", "服务"), ("/notifications/", "通知"), ("/me/", "李明")])
def test_tab_pages(li_ming: User, path: str, text: str) -> None:
    response = _client(li_ming).get(path)
    assert response.status_code == 200
    assert text in response.content.decode()


@pytest.mark.django_db
def test_404_is_a_chinese_page_with_the_layout(li_ming: User) -> None:
    response = _client(li_ming).get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in html and 'name="viewport"' in html and 'data-testid="tabbar"' in html
    assert "URLconf" not in html  # never Django's debug page


@pytest.mark.django_db
def test_403_is_a_chinese_page_for_a_logged_in_user(li_ming: User, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("WARNING", logger="django.request"):
        response = _client(li_ming).get("/canteen/ops/sales/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "无权打开此页面" in html and 'name="viewport"' in html and 'lang="zh-hans"' in html
    forbidden = [r for r in caplog.records if r.name == "django.request"]
    assert len(forbidden) == 1 and forbidden[0].exc_info is None and not forbidden[0].exc_text


def test_favicon() -> None:
    response = Client().get("/favicon.ico")
    assert response.status_code == 302 and response["Location"].endswith("/static/portal/favicon.svg")


def test_500_is_a_chinese_page_that_needs_no_request_context(rf: object) -> None:
    from django.utils import translation
    from django.views.defaults import server_error

    with translation.override("zh-hans"):
        response = server_error(rf.get("/"))  # type: ignore[attr-defined]
    html = response.content.decode()
    assert response.status_code == 500
    assert "系统出现了问题" in html and 'name="viewport"' in html and "site.css" in html
