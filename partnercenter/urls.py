from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from partnercenter.api_docs import api_docs
from partnercenter.views import bench_floor
from tenants.language import set_language

# Swagger UI and Redoc load their code from a CDN, and inject styles at run time: these two pages (only)
# allow exactly that. Swagger's init script is served as a file by the split view, not inline.
CDN = "https://cdn.jsdelivr.net"
swagger_csp = csp_update({"script-src": [CDN], "style-src": [CDN, UNSAFE_INLINE], "img-src": [CDN]})
redoc_csp = csp_update(
    {
        "script-src": [CDN],
        "style-src": ["https://fonts.googleapis.com", UNSAFE_INLINE],
        "font-src": ["https://fonts.gstatic.com"],
        "worker-src": [SELF, "blob:"],
    }
)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("v1/schema", SpectacularAPIView.as_view(), name="api-schema"),
    path("v1/docs", api_docs, name="api-docs"),
    path(
        "v1/swagger",
        swagger_csp(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-swagger",
    ),
    path("v1/redoc", redoc_csp(SpectacularRedocView.as_view(url_name="api-schema")), name="api-redoc"),
    path("v1/", include("tenants.api_urls")),
    path("v1/", include("enrollment.api_urls")),
    path("v1/", include("invitations.api_urls")),
    path("v1/", include("customers.api_urls")),
    path("v1/", include("transition.api_urls")),
    path("", include("webhooks.api_urls")),
    # Django's language switcher, which also keeps a signed-in user's choice (tenants/language.py).
    path("i18n/setlang/", set_language, name="set_language"),
    path("enrollment/", include("enrollment.urls")),
    path("", include("invitations.urls")),
    path("customers/", include("customers.urls")),
    path("transition/", include("transition.urls")),
    path("settings/webhooks/", include("webhooks.urls")),
    path("", include("tenants.urls")),
]

if settings.PORTAL_BENCH_FLOOR:
    urlpatterns.insert(0, path("bench/floor", bench_floor, name="bench-floor"))

handler400 = "partnercenter.views.bad_request"
handler403 = "partnercenter.views.permission_denied"
handler404 = "partnercenter.views.page_not_found"
handler500 = "partnercenter.views.server_error"
