from django.urls import path

from . import api

urlpatterns = [
    path("relationships", api.RelationshipsView.as_view(), name="api-relationships"),
    path("partnerinvitations", api.PartnerInvitationsView.as_view(), name="api-partnerinvitations"),
    path(
        "partnerinvitations/accept",
        api.PartnerInvitationAcceptView.as_view(),
        name="api-partnerinvitations-accept",
    ),
    path(
        "partnerinvitations/<int:invitation_id>/revoke",
        api.PartnerInvitationRevokeView.as_view(),
        name="api-partnerinvitations-revoke",
    ),
]
