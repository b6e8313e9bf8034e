from django.urls import URLPattern, URLResolver, path

from security import views

app_name = "security"

urlpatterns: list[URLPattern | URLResolver] = [
    path("face/", views.face_page, name="face"),
    path("face/consent/", views.face_consent, name="face_consent"),
    path("face/photo/", views.face_upload, name="face_upload"),
    path("face/withdraw/", views.face_withdraw, name="face_withdraw"),
    path("qr/", views.my_qr, name="my_qr"),
    path("visitors/", views.visitor_invite, name="visitor_invite"),
    path("visitors/all/", views.visitor_list, name="visitor_list"),
    path("visitors/<int:pass_id>/revoke/", views.visitor_revoke, name="visitor_revoke"),
    path("log/", views.access_log, name="access_log"),
]
