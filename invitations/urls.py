from django.urls import path

from . import views

app_name = "invitations"
urlpatterns = [
    path("find-a-provider/", views.find_provider, name="find_provider"),
    path("indirect-providers/", views.indirect_providers, name="indirect_providers"),
    path(
        "indirect-providers/invitations/<int:pk>/",
        views.listed_invitation_respond,
        name="listed_invitation_respond",
    ),
    path("indirect-resellers/", views.indirect_resellers, name="indirect_resellers"),
    path("indirect-resellers/request/", views.request_relationship, name="request_relationship"),
    path("indirect-resellers/invitations/", views.invitation_list, name="invitation_list"),
    path("indirect-resellers/invitations/<int:pk>/", views.invitation_draft, name="invitation_draft"),
    path(
        "indirect-resellers/invitations/<int:pk>/new-link/",
        views.invitation_new_link,
        name="invitation_new_link",
    ),
    path(
        "indirect-resellers/invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"
    ),
    path(
        "indirect-resellers/invitations/<int:pk>/link/",
        views.invitation_link_again,
        name="invitation_link_again",
    ),
    path(
        "indirect-resellers/invitations/<int:pk>/resend/", views.invitation_resend, name="invitation_resend"
    ),
    path("indirect-resellers/<int:pk>/remove/", views.partnership_remove, name="partnership_remove"),
    path("invitations/partner/<str:token>/", views.partner_link, name="partner_link"),
]
