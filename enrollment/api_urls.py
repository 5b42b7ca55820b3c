from django.urls import path

from . import api

urlpatterns = [
    path("enrollments/indirectreseller", api.EnrollmentView.as_view(), name="api-enrollment"),
    path(
        "enrollments/indirectreseller/agreement", api.AgreementView.as_view(), name="api-enrollment-agreement"
    ),
    path("compliance/csp/agreementstatus", api.AgreementStatusView.as_view(), name="api-agreement-status"),
]
