from django.urls import path

from building.parking.api import LotList, VisitorPassCreate

urlpatterns = [
    path("lots/", LotList.as_view(), name="api-parking-lots"),
    path("visitor-passes/", VisitorPassCreate.as_view(), name="api-parking-visitor-pass"),
]
