from django.urls import path

from portal.notifications.api import NotificationList, NotificationMarkRead

urlpatterns = [
    path("", NotificationList.as_view(), name="api-notifications"),
    path("read/", NotificationMarkRead.as_view(), name="api-notifications-read"),
]
