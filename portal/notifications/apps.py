from django.utils.translation import gettext_lazy as _

from core.registry import DomainConfig, Tile


class NotificationsConfig(DomainConfig):
    """In-app notifications: any app sends one with notification_send; pushed live on commit."""

    name = "portal.notifications"
    label = "notifications"
    verbose_name = _("Notifications")
    tiles = (Tile("notifications", _("Notifications"), _("Messages for you"), "bell", "notifications:list", order=90),)
    urls = (("notifications/", "portal.notifications.urls"), ("api/notifications/", "portal.notifications.api_urls"))
    beat_schedule = {
        "notifications-purge": {"task": "portal.notifications.tasks.notifications_purge", "schedule": 24 * 3600.0},
    }
    personal_data = "portal.notifications.selectors.personal_data"
