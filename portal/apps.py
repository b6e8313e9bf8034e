from django.utils.translation import gettext_lazy as _

from core.registry import DomainConfig, Tile
from core.roles import CASHIER, CONTRACTOR, MANAGER, SECURITY, STAFF


class PortalConfig(DomainConfig):
    name = "portal"
    verbose_name = _("Portal")
    permissions = {
        STAFF: {"portal.use_portal"},
        CONTRACTOR: {"portal.use_portal"},
        SECURITY: {"portal.use_portal"},
        CASHIER: {"portal.use_portal"},
        MANAGER: {"portal.use_portal", "portal.view_user", "portal.view_department"},
    }
    tiles = (
        Tile("people", _("People"), _("Staff and departments"), "users", "admin:portal_user_changelist",
             "portal.view_user", order=26, group="work"),
        Tile("admin", _("Back office"), _("Manage buildings, devices and people"), "settings", "admin:index",
             "core.view_auditlog", order=900, group="admin"),
        Tile("api", _("API"), _("OpenAPI schema and Swagger UI"), "code", "swagger-ui", "core.view_auditlog",
             order=910, group="admin"),
    )
    urls = (("", "portal.urls"), ("api/auth/", "portal.api_urls"))
    modules = ("portal.tokens",)  # the OpenAPI description of bearer tokens
    demo = "portal.demo.demo_ensure"
    personal_data = "portal.privacy.personal_data"
