from django.urls import URLPattern, URLResolver, path

from canteen.views import alipay, ops, staff, till

app_name = "canteen"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", staff.wallet, name="wallet"),
    path("paycode.json", staff.paycode, name="paycode"),
    path("topup/", staff.topup, name="topup"),
    path("takeaway/", staff.takeaway, name="takeaway"),
    path("receipts/<int:charge_id>/", staff.receipt, name="receipt"),
    path("ops/till/", till.till, name="till"),
    path("ops/sales/", ops.sales, name="sales"),
    path("ops/charges/<int:charge_id>/refund/", ops.refund, name="refund"),
    path("ops/pickup/", ops.pickup, name="pickup"),
    path("ops/reconciliation/", ops.reconcile, name="reconciliation"),
    path("alipay-sim/gateway.do", alipay.sim_gateway, name="alipay-sim"),
]
