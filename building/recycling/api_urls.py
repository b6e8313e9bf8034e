from django.urls import path

from building.recycling.api import PointsCheckout

urlpatterns = [path("checkout/", PointsCheckout.as_view(), name="api-recycling-checkout")]
