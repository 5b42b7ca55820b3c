"""A URLconf in which every left-navigation entry resolves, to test the navigation on its own."""

from django.http import HttpResponse
from django.urls import include, path


def ok(request):
    return HttpResponse("ok")


enrollment = ([path("", ok, name="enroll"), path("incentives/", ok, name="incentives")], "enrollment")
invitations = (
    [
        path("indirect-providers/", ok, name="indirect_providers"),
        path("find-a-provider/", ok, name="find_provider"),
        path("indirect-resellers/", ok, name="indirect_resellers"),
    ],
    "invitations",
)
customers = ([path("", ok, name="list"), path("partners/", ok, name="my_partners")], "customers")

urlpatterns = [
    path("", ok, name="overview"),
    path("profile/", ok, name="profile"),
    path("api-keys/", ok, name="api_keys"),
    path("enrollment/", include(enrollment)),
    path("", include(invitations)),
    path("customers/", include(customers)),
]
