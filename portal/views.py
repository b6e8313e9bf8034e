from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from portal.selectors import portal_services_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"services": portal_services_for(request.user)})
