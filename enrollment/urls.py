from django.urls import path

from . import views

app_name = "enrollment"
urlpatterns = [
    path("", views.enroll, name="enroll"),
    path("status/", views.enroll_status, name="status"),
    path("agreement/", views.accept_agreement, name="accept_agreement"),
    path("incentives/", views.incentives, name="incentives"),
    path("incentives/<int:pk>/accept/", views.incentive_accept, name="incentive_accept"),
    path(
        "incentives/programs/<int:pk>/enroll/",
        views.incentive_program_enroll,
        name="incentive_program_enroll",
    ),
]
