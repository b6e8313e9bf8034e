"""The layout's and the tiles' pieces rendered once and kept (portal/templatetags/ui.py): whatever
was rendered for one person, language or permission set never shows on another's page."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.template import Context, Template
from django.test import Client
from django.utils.safestring import mark_safe

from core.roles import CASHIER
from portal.models import User


def _client(user: User, language: str = "zh-hans") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def _work(html: str) -> list[str]:
    if 'data-testid="work"' not in html:
        return []
    return re.findall(r'data-service="([a-z_]+)"', html.split('data-testid="work"', 1)[1].split("</ul>", 1)[0])


def _rows(html: str) -> list[str]:
    return re.findall(r'<a class="list-item" href="([^"]+)"', html.split('data-testid="service-list"', 1)[1].split("</ul>", 1)[0])


def _seen(client: Client) -> tuple[list[str], list[str]]:
    return _work(client.get("/").content.decode()), _rows(client.get("/services/").content.decode())


@pytest.mark.django_db
def test_people_with_other_permissions_each_see_their_own_tiles(li_ming: User, liu_cashier: User, chen_guard: User) -> None:
    clients = {u.username: _client(u) for u in (li_ming, liu_cashier, chen_guard)}
    first = {name: _seen(client) for name, client in clients.items()}
    assert first[li_ming.username][0] == [] and "till" in first[liu_cashier.username][0]
    assert "panel" in first[chen_guard.username][0] and "till" not in first[chen_guard.username][0]
    assert len({tuple(rows) for _work_keys, rows in first.values()}) == 3
    for _ in range(2):  # in turns, every entry warm: each still gets exactly their own
        for name, client in clients.items():
            assert _seen(client) == first[name]


@pytest.mark.django_db
def test_a_permission_change_shows_on_the_next_page(li_ming: User, liu_cashier: User) -> None:
    client = _client(li_ming)
    assert "till" in _work(_client(liu_cashier).get("/").content.decode())  # the cashier's tiles are kept now
    assert _work(client.get("/").content.decode()) == []
    cashiers = Group.objects.get(name=CASHIER)
    li_ming.groups.add(cashiers)
    assert "till" in _work(client.get("/").content.decode())
    assert any("till" in href for href in _rows(client.get("/services/").content.decode()))
    li_ming.groups.remove(cashiers)
    assert _work(client.get("/").content.decode()) == []
    assert not any("till" in href for href in _rows(client.get("/services/").content.decode()))


@pytest.mark.django_db
def test_the_tab_bar_follows_the_language_and_the_page(li_ming: User) -> None:
    chinese, english = _client(li_ming), _client(li_ming, "en")
    for _ in range(2):
        home = chinese.get("/").content.decode()
        assert '<a href="/" data-tab="home" aria-current="page">' in home and "<span>服务</span>" in home
        services = english.get("/services/").content.decode()
        assert '<a href="/services/" data-tab="services" aria-current="page">' in services
        assert "<span>Services</span>" in services and "<span>服务</span>" not in services
        assert '<option value="en" selected>' in services and '<option value="zh-hans" selected>' in home
        assert '"ok": "OK"' in services and '"ok": "OK"' not in home


def test_icon_labels_are_escaped_whatever_was_drawn_before() -> None:
    tpl = Template("{% load ui %}{% icon 'bell' label=label %}")
    safe = tpl.render(Context({"label": mark_safe("a &amp; b")}))
    plain = tpl.render(Context({"label": "a &amp; b"}))
    assert 'aria-label="a &amp; b"' in safe and 'aria-label="a &amp;amp; b"' in plain
