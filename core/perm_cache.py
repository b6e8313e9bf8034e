"""A signed-in person's permissions from the cache instead of two queries on every page.

Django's ModelBackend loads a user's own and group permissions (two queries, then a set of a
few hundred strings) once per request, and every page asks: the tiles, the back-office
decorators, `perms` in templates. `CachedPermissionsMiddleware`, right after
AuthenticationMiddleware, hands the backend those sets from the cache (the attributes the
backend itself caches them in, `_user_perm_cache` and `_group_perm_cache`), so its answers are
the same, without the queries.

Freshness: the cache key carries a generation that any change of permissions, groups or
memberships bumps (the signals below, in whichever process makes the change: with Redis as the
cache every process sees it at once). `make run`'s cache is in memory, per process: a change made
by another process (a management command while the server runs) reaches the server after
PERMISSION_CACHE_SECONDS at the latest. Superusers, inactive and anonymous users are left to
Django (no lookup of permissions happens for them anyway).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import get_user
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponseBase
from django.utils.functional import SimpleLazyObject

GENERATION_KEY = "perm-cache:generation"


def _generation() -> str:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = uuid.uuid4().hex
        cache.add(GENERATION_KEY, generation, None)
        generation = cache.get(GENERATION_KEY, generation)
    return str(generation)


def _bump() -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def permissions_changed(**kwargs: Any) -> None:
    """Every cached permission set is stale from now on, and again at commit (a page read
    between the two saw the old rows and may have cached them under the new generation)."""
    _bump()
    transaction.on_commit(_bump, using=kwargs.get("using"))


def with_cached_permissions(user: Any) -> Any:
    """`user` with ModelBackend's per-request permission sets filled from the cache."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.is_superuser:
        return user
    key = f"perm-cache:{_generation()}:{user.pk}"
    found = cache.get(key)
    if found is None:
        backend = ModelBackend()
        found = (backend.get_user_permissions(user), backend.get_group_permissions(user))
        cache.set(key, found, settings.PERMISSION_CACHE_SECONDS)
    else:
        user._user_perm_cache, user._group_perm_cache = found
    return user


def permission_test(user: Any) -> Callable[[str], bool]:
    """`user.has_perm` for many permissions in a row (the home page's tiles ask ~50 times): the
    same answers, from one union of the backends' sets instead of a walk over the backends per
    permission. As Django: an active superuser has every permission, an inactive user none."""
    if not getattr(user, "is_active", False):
        return lambda perm: False
    if getattr(user, "is_superuser", False):
        return lambda perm: True
    return user.get_all_permissions().__contains__


class CachedPermissionsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if hasattr(request, "user"):  # AuthenticationMiddleware's lazy user, made once on first use
            request.user = SimpleLazyObject(lambda: with_cached_permissions(get_user(request)))  # type: ignore[assignment]
        return self.get_response(request)


_User = get_user_model()
for _through in (_User.groups.through, _User.user_permissions.through, Group.permissions.through):
    m2m_changed.connect(permissions_changed, sender=_through, dispatch_uid=f"perm-cache-{_through._meta.label}")
for _model in (Group, Permission):
    post_save.connect(permissions_changed, sender=_model, dispatch_uid=f"perm-cache-save-{_model._meta.label}")
    post_delete.connect(permissions_changed, sender=_model, dispatch_uid=f"perm-cache-delete-{_model._meta.label}")


def _user_created(created: bool = False, **kwargs: Any) -> None:
    if created:  # a rolled-back insert can hand its id out again (SQLite): nothing cached may match it
        permissions_changed(**kwargs)


post_save.connect(_user_created, sender=_User, dispatch_uid="perm-cache-user-created")
post_delete.connect(permissions_changed, sender=_User, dispatch_uid="perm-cache-user-deleted")
