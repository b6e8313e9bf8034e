from django.urls import path

from canteen.api import ChargeCreate, RefundCreate

urlpatterns = [
    path("charges/", ChargeCreate.as_view(), name="api-canteen-charge"),
    path("charges/<int:charge_id>/refunds/", RefundCreate.as_view(), name="api-canteen-refund"),
]
