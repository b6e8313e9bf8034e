from django.urls import path

from portal.api import TokenCreate, TokenRevoke

urlpatterns = [
    path("token/", TokenCreate.as_view(), name="api-token"),
    path("token/revoke/", TokenRevoke.as_view(), name="api-token-revoke"),
]
