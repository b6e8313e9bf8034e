"""The kernel's URLs, then every app's contributed includes (DomainConfig.urls) in INSTALLED_APPS order."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core.limits import bounded
from core.registry import url_includes
from core.views import healthz, livez, readyz
from portal.admin_login import admin_login

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("livez", livez, name="livez"),
    path("readyz", readyz, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    # The admin's own login: the same per-address rate and progressive delay as the portal's (axes
    # locks both per pair).
    path("admin/login/", bounded(scope="login", max_body=16 * 1024, rate_setting="LOGIN_RATE_PER_MINUTE")(admin_login)),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
]
# The catch-all prefix ("", the portal) goes last so no app's prefix is shadowed by it.
_includes = url_includes()
urlpatterns += [path(prefix, include(module)) for prefix, module in sorted(_includes, key=lambda i: i[0] == "")]
