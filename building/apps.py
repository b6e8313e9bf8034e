from django.utils.translation import gettext_lazy as _

from core.registry import DomainConfig
from core.roles import CONTRACTOR, MANAGER, SECURITY


class BuildingConfig(DomainConfig):
    name = "building"
    verbose_name = _("Buildings")
    permissions = {
        CONTRACTOR: {"building.view_space"},
        SECURITY: {"building.view_space"},
        MANAGER: {"building.view_space", "building.add_space", "building.change_space", "building.view_building"},
    }
    demo = "building.demo.demo_ensure"
