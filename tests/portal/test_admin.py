"""Every model has a working Django admin page for the back office."""

import re

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from portal.models import User
from tests.factories import UserFactory


def our_apps() -> list[str]:
    """Every domain app the registry knows (core, portal, building, workorders, parking, ...), not a
    hand list: a new app's admin is checked the day it is installed. The test-only sample domain aside."""
    from core.registry import domain_configs

    return sorted(c.label for c in domain_configs() if not c.name.startswith("tests."))


# An app that owes an admin page or Chinese names goes here with why (strict xfail: the test says
# when the gap is closed and the entry must go). None today.
NOT_REGISTERED_YET: dict[str, str] = {}
UNNAMED_YET: dict[str, str] = {}


def _per_app(owed: dict[str, str]) -> list[object]:
    return [
        pytest.param(label, marks=pytest.mark.xfail(strict=True, reason=owed[label])) if label in owed else label
        for label in our_apps()
    ]


def test_our_apps_come_from_the_registry() -> None:
    assert {"core", "portal", "building", "canteen", "security", "monitoring", "workorders"} <= set(our_apps())
    assert {"booking", "parking", "recycling", "notifications", "devices"} <= set(our_apps())


@pytest.fixture
def admin_client_cn(db) -> Client:
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    assert isinstance(user, User)
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("app_label", _per_app(NOT_REGISTERED_YET))
def test_every_model_is_registered_and_its_changelist_loads(admin_client_cn: Client, app_label: str) -> None:
    from django.apps import apps

    models = list(apps.get_app_config(app_label).get_models())
    unregistered = [m._meta.label for m in models if not admin.site.is_registered(m)]
    assert not unregistered, f"models without an admin: {unregistered}"
    for model in models:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert admin_client_cn.get(url).status_code == 200, url


def test_the_admin_speaks_chinese_and_greets_with_the_full_name(db) -> None:
    from tests.factories import persona

    boss = persona("admin", "boss", "管", "理员")
    boss.is_staff = boss.is_superuser = True
    boss.save()
    client = Client()
    client.force_login(boss)
    html = client.get("/admin/").content.decode()
    assert "智慧机关后勤管理" in html
    assert re.search(r"欢迎，\s*<strong>管理员</strong>", html), "the greeting must use the full name"


@pytest.mark.parametrize("app_label", [*_per_app(UNNAMED_YET), "axes"])  # django-axes' models are in our back office too
def test_every_model_and_field_has_a_translated_name(app_label: str) -> None:
    """The admin's titles, columns and filters ("以 site", SITE) come from these: none may be English."""
    from django.apps import apps
    from django.utils import translation
    from django.utils.functional import Promise

    missing = []
    with translation.override("zh-hans"):
        for model in apps.get_app_config(app_label).get_models():
            names = [("model", model._meta.verbose_name), ("models", model._meta.verbose_name_plural)]
            names += [(f.name, f.verbose_name) for f in model._meta.get_fields() if f.concrete and not f.auto_created]
            for what, name in names:
                if not isinstance(name, Promise) or str(name).isascii():
                    missing.append(f"{model._meta.label}.{what}: {name}")
    assert missing == []
