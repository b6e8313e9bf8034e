"""Every model has a working Django admin page for the back office."""

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from portal.models import User
from tests.factories import UserFactory


@pytest.fixture
def admin_client_cn(db) -> Client:
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    assert isinstance(user, User)
    client = Client()
    client.force_login(user)
    return client


def test_every_model_is_registered_and_its_changelist_loads(admin_client_cn: Client) -> None:
    from django.apps import apps

    ours = {"core", "portal", "building", "devices", "security", "monitoring", "canteen"}
    models = [m for m in apps.get_models() if m._meta.app_label in ours]
    unregistered = [m._meta.label for m in models if not admin.site.is_registered(m)]
    assert not unregistered, f"models without an admin: {unregistered}"
    for model in models:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert admin_client_cn.get(url).status_code == 200, url
