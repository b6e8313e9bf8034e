from django.urls import URLPattern, URLResolver, path

from security.monitoring import views, views_history

app_name = "monitoring"

urlpatterns: list[URLPattern | URLResolver] = [
    path("panel/", views.panel, name="panel"),
    path("panel/state.json", views.panel_state, name="panel_state"),
    path("alarms/<int:alarm_id>/acknowledge/", views.alarm_acknowledge, name="alarm_acknowledge"),
    path("alarms/<int:alarm_id>/dispatch/", views.alarm_dispatch, name="alarm_dispatch"),
    path("alarms/<int:alarm_id>/resolve/", views.alarm_resolve, name="alarm_resolve"),
    path("snapshots/<int:snapshot_id>.jpg", views.snapshot, name="snapshot"),
    path("alarms/", views_history.alarm_history_page, name="alarm_history"),
    path("patrol/scan/", views.patrol_scan, name="patrol_scan"),
    path("patrol/report/", views.patrol_report, name="patrol_report"),
]
