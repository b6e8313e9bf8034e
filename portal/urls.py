from django.contrib.auth import views as auth_views
from django.urls import path

from portal import styleguide, views

urlpatterns = [
    path("", views.home, name="home"),
    path("services/", views.services, name="services"),
    path("me/", views.me, name="me"),
    path("me/data.json", views.my_data, name="my_data"),
    path("ui/", styleguide.styleguide, name="styleguide"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Browsers ask for /favicon.ico whatever the page says.
    path("favicon.ico", views.favicon),
]
