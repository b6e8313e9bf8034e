from django.urls import path

from building.parking import views

app_name = "parking"

urlpatterns = [
    path("", views.home, name="home"),
    path("lots.json", views.lots_json, name="lots_json"),
    path("vehicles/", views.vehicle_add, name="vehicle_add"),
    path("vehicles/<int:vehicle_id>/remove/", views.vehicle_remove_view, name="vehicle_remove"),
    path("sessions/<int:session_id>/pay/", views.session_pay_view, name="session_pay"),
    path("visitors/", views.visitor_invite_view, name="visitor_invite"),
    path("guard/", views.guard, name="guard"),
    path("guard/open/", views.guard_open, name="guard_open"),
    path("pay/", views.pay, name="pay"),  # a visitor, no account
    path("pay/<str:ticket>/", views.pay_ticket, name="pay_ticket"),
]
