from django.urls import path

from . import api, why

urlpatterns = [
    path("profiles/mpn", api.MpnProfileView.as_view(), name="api-profile-mpn"),
    path("permissions/explain", why.PermissionsExplainView.as_view(), name="api-permissions-explain"),
    path("profiles/legalbusiness", api.LegalBusinessProfileView.as_view(), name="api-profile-legalbusiness"),
]
