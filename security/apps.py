from django.utils.translation import gettext_lazy as _

from core.registry import DeviceKindSpec, DomainConfig, Tile
from core.roles import MANAGER, SECURITY, STAFF
from security.monitoring.permissions import PANEL_PERMISSION
from security.schedule import BEAT_SCHEDULE

INVITE = {"security.invite_visitors"}  # not contractors, not cashiers (issue 9, docs/security.md)


class SecurityConfig(DomainConfig):
    name = "security"
    verbose_name = _("Access control")
    handlers_module = "security.handlers"
    modules = ("security.checks",)
    device_kinds = (DeviceKindSpec("gate", _("gate")),)
    permissions = {
        STAFF: INVITE,
        SECURITY: {PANEL_PERMISSION} | INVITE,
        MANAGER: {PANEL_PERMISSION, "security.manage_access"} | INVITE,
    }
    tiles = (
        Tile("face", _("Face enrolment"), _("Enter and pay by face, with your consent"), "face", "security:face", order=10),
        # Staff invite visitors through the booking app's invitation (a pass and, with a plate, parking).
        Tile("access_log", _("Access log"), _("Who passed which gate"), "door", "security:access_log",
             "security.manage_access", order=23, group="work"),
        Tile("visitor_passes", _("Visitor passes"), _("Every pass of the site, revoke"), "shield", "security:visitor_list",
             PANEL_PERMISSION, order=30, group="work"),
    )
    beat_schedule = BEAT_SCHEDULE
    urls = (("access/", "security.urls"),)
    demo = "security.demo.demo_ensure"
    personal_data = "security.privacy.personal_data"
