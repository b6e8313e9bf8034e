from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from canteen.views.alipay import alipay_notify
from core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/devices/", include("devices.api_urls")),
    path("security/", include("security.monitoring.urls")),
    path("access/", include("security.urls")),
    path("canteen/", include("canteen.urls")),
    path("api/canteen/", include("canteen.api_urls")),
    path("pay/alipay/notify/", alipay_notify, name="alipay-notify"),
    path("", include("portal.urls")),
]
