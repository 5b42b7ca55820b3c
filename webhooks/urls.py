from django.urls import path

from . import views

app_name = "webhooks"

urlpatterns = [
    path("", views.webhooks_settings, name="settings"),
]
