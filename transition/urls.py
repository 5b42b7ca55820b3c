from django.urls import path

from . import views

app_name = "transition"
urlpatterns = [
    path("", views.tracker, name="tracker"),
    path("export.csv", views.export_csv, name="export"),
    path("move/", views.move, name="move"),
    path("batches/<uuid:batch_id>/", views.batch_detail, name="batch"),
]
