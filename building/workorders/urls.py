from django.urls import URLPattern, path

from building.workorders import views, views_board

app_name = "workorders"

urlpatterns: list[URLPattern] = [
    path("", views.my_orders, name="my"),
    path("new/", views.order_new, name="new"),
    path("<int:order_id>/", views.order_detail, name="detail"),
    path("<int:order_id>/<str:action>/", views.order_action, name="action"),
    path("photos/<int:photo_id>.jpg", views.photo, name="photo"),
    path("queue/", views.queue, name="queue"),
    path("qr/", views.space_qr_sheet, name="qr_sheet"),
    path("qr/<str:space_code>.svg", views.space_qr, name="qr"),
    path("board/", views_board.board, name="board"),
    path("from-alarm/<int:alarm_id>/", views_board.from_alarm, name="from_alarm"),
    path("evaluations/", views_board.evaluations, name="evaluations"),
    path("evaluations/<int:evaluation_id>/", views_board.evaluation_detail, name="evaluation"),
    path("evaluations/<int:evaluation_id>.xlsx", views_board.evaluation_xlsx, name="evaluation_xlsx"),
]
