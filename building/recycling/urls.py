from django.urls import URLPattern, path

from building.recycling import views

app_name = "recycling"
urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    path("shop/<int:good_id>/redeem/", views.redeem, name="redeem"),
    path("report/", views.report, name="report"),
    path("report/export.xlsx", views.report_export, name="export"),
    path("report/drops/<int:drop_id>/review/", views.review, name="review"),
]
