from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from partnercenter.api_docs import api_docs

urlpatterns = [
    path("admin/", admin.site.urls),
    path("v1/schema", SpectacularAPIView.as_view(), name="api-schema"),
    path("v1/docs", api_docs, name="api-docs"),
    path("v1/swagger", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-swagger"),
    path("v1/redoc", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("v1/", include("tenants.api_urls")),
    path("v1/", include("enrollment.api_urls")),
    path("v1/", include("invitations.api_urls")),
    path("v1/", include("customers.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("enrollment/", include("enrollment.urls")),
    path("", include("invitations.urls")),
    path("customers/", include("customers.urls")),
    path("", include("tenants.urls")),
]

handler400 = "partnercenter.views.bad_request"
handler403 = "partnercenter.views.permission_denied"
handler404 = "partnercenter.views.page_not_found"
handler500 = "partnercenter.views.server_error"
