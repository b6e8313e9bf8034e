from django.urls import path

from building.workorders import api

urlpatterns = [
    path("", api.WorkOrderList.as_view(), name="api-work-orders"),
    path("<int:order_id>/", api.WorkOrderDetail.as_view(), name="api-work-order"),
    *(path(f"<int:order_id>/{verb}/", api.action_view(verb).as_view(), name=f"api-work-order-{verb}") for verb in api.VERBS),
]
