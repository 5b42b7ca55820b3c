from django.urls import path

from . import api

urlpatterns = [
    path("transition/customers", api.TransitionCustomersView.as_view(), name="api-transition-customers"),
    path("transition/invitations", api.MoveBatchesView.as_view(), name="api-transition-batches"),
    path("transition/invitations/<str:batch_id>", api.MoveBatchView.as_view(), name="api-transition-batch"),
    path(
        "transition/invitations/<str:batch_id>/items",
        api.MoveBatchItemsView.as_view(),
        name="api-transition-batch-items",
    ),
]
