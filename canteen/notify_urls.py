"""Alipay's asynchronous notifications: outside the canteen/ prefix, at the address Alipay was given."""

from django.urls import path

from canteen.views.alipay import alipay_notify

urlpatterns = [path("", alipay_notify, name="alipay-notify")]
