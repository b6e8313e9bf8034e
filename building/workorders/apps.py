from django.utils.translation import gettext_lazy as _

from core.registry import DomainConfig, PanelSection, Tile
from core.roles import CONTRACTOR, MANAGER, STAFF


class WorkOrdersConfig(DomainConfig):
    """Repair requests become contractor work orders: SLA clocks, photos, rating, evaluation."""

    name = "building.workorders"
    label = "workorders"
    verbose_name = _("Repairs and work orders")
    permissions = {
        STAFF: {"workorders.request_repair"},
        CONTRACTOR: {"workorders.work_workorder"},
        MANAGER: {
            "workorders.request_repair",
            "workorders.dispatch_workorder",
            "workorders.evaluate_contractor",
            "workorders.view_workcalendarday",
            "workorders.change_workcalendarday",
            "workorders.add_workcalendarday",
        },
    }
    tiles = (
        # The contractor's work: the queue of the company's work orders.
        Tile(
            "work_orders",
            _("Work orders"),
            _("Repairs assigned to you"),
            "wrench",
            "workorders:queue",
            "workorders.work_workorder",
            order=28,
            group="work",
        ),
        Tile(
            "repairs",
            _("Repairs"),
            _("Report a fault, follow it"),
            "wrench",
            "workorders:my",
            "workorders.request_repair",
            order=30,
        ),
        Tile(
            "work_board",
            _("Work order board"),
            _("Dispatch, breaches, evaluations"),
            "wrench",
            "workorders:board",
            "workorders.dispatch_workorder",
            order=32,
            group="work",
        ),
    )
    panel_sections = (PanelSection("workorders", _("Work orders from alarms"), load="building.workorders.panel.panel_load"),)
    urls = (
        ("repairs/", "building.workorders.urls"),
        ("api/repairs/", "building.workorders.api_urls_repairs"),
        ("api/work-orders/", "building.workorders.api_urls"),
    )
    beat_schedule = {
        "workorders-escalate": {"task": "building.workorders.tasks.escalate", "schedule": 300.0},
        "workorders-autoconfirm": {"task": "building.workorders.tasks.autoconfirm", "schedule": 3600.0},
    }
    demo = "building.workorders.demo.demo_ensure"
    personal_data = "building.workorders.privacy.personal_data"
