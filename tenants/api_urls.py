from django.urls import path

from . import api

urlpatterns = [
    path("profiles/mpn", api.MpnProfileView.as_view(), name="api-profile-mpn"),
    path("profiles/legalbusiness", api.LegalBusinessProfileView.as_view(), name="api-profile-legalbusiness"),
]
