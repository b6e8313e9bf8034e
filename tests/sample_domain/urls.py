from django.http import HttpRequest, HttpResponse
from django.urls import path

app_name = "sample_domain"


def rings(request: HttpRequest) -> HttpResponse:
    return HttpResponse("rings")


urlpatterns = [path("rings/", rings, name="rings")]
