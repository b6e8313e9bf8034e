"""factory_boy factories and the named personas every test speaks of."""

from __future__ import annotations

import uuid
from typing import Any

import factory
from django.contrib.auth.models import Group

from building.models import Building, Floor, Site, Space
from core.roles import roles_sync
from devices.services import NewDevice, device_create
from portal.models import Department, User

PASSWORD = "correct horse battery staple"


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site
        django_get_or_create = ("code",)

    # Unique per test run: the shared Mosquitto keeps retained messages between runs.
    code = factory.LazyFunction(lambda: f"t{uuid.uuid4().hex[:8]}")
    name = "测试大院"


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    site = factory.SubFactory(SiteFactory)
    code = factory.Sequence(lambda n: f"b{n}")
    name = factory.Sequence(lambda n: f"{n}号楼")


class FloorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Floor

    building = factory.SubFactory(BuildingFactory)
    site = factory.SelfAttribute("building.site")
    level = factory.Sequence(lambda n: n + 1)
    name = factory.LazyAttribute(lambda o: f"{o.level}层")


class SpaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Space

    floor = factory.SubFactory(FloorFactory)
    site = factory.SelfAttribute("floor.site")
    code = factory.Sequence(lambda n: f"room-{n}")
    name = factory.Sequence(lambda n: f"{n}室")
    kind = "office"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    site = factory.SubFactory(SiteFactory)
    code = factory.Sequence(lambda n: f"dept-{n}")
    name = factory.Sequence(lambda n: f"第{n}处")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    site = factory.SubFactory(SiteFactory)
    employee_no = factory.Sequence(lambda n: f"E{n:05d}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(obj: User, create: bool, extracted: list[str] | None, **kwargs: Any) -> None:
        obj.save()
        if extracted:
            roles_sync()
            obj.groups.set(Group.objects.filter(name__in=extracted))


def persona(role: str, username: str, family: str, given: str, **kwargs: Any) -> User:
    user = UserFactory(username=username, last_name=family, first_name=given, roles=[role], **kwargs)
    assert isinstance(user, User)
    return user


def device_factory(*, site: Site, kind: str = "gate", device_id: str | None = None) -> NewDevice:
    return device_create(site=site, kind=kind, device_id=device_id or f"{kind}-{uuid.uuid4().hex[:6]}")
