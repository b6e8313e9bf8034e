from django.urls import path

from devices.api import DeviceList

urlpatterns = [path("", DeviceList.as_view(), name="api-device-list")]
