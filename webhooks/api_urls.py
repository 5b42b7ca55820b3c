from django.urls import path

from . import api, views

urlpatterns = [
    path("webhooks/v1/registration", api.RegistrationView.as_view(), name="webhooks-registration"),
    path("webhooks/v1/registration/events", api.EventNamesView.as_view(), name="webhooks-event-names"),
    path(
        "webhooks/v1/registration/validationEvents",
        api.ValidationEventsView.as_view(),
        name="webhooks-validation-events",
    ),
    path(
        "webhooks/v1/registration/validationEvents/<uuid:correlation_id>",
        api.ValidationEventView.as_view(),
        name="webhooks-validation-event",
    ),
    # Public: receivers fetch it to verify signatures (x-ms-certificate-url).
    path("webhooks/v1/certificate", views.certificate, name="webhooks-certificate"),
    path("v1/events", api.EventFeedView.as_view(), name="api-events"),
]
