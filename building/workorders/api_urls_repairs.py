from django.urls import path

from building.workorders import api

urlpatterns = [
    path("", api.RepairCreate.as_view(), name="api-repairs"),
    path("categories/", api.CategoryList.as_view(), name="api-repair-categories"),
]
