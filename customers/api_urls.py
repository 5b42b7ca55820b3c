from django.urls import path

from . import api

C = "customers/<str:customer_id>"

urlpatterns = [
    path("customers", api.CustomersView.as_view(), name="api-customers"),
    path(
        "customers/relationshiprequests",
        api.RelationshipRequestView.as_view(),
        name="api-relationshiprequests",
    ),
    path(C, api.CustomerView.as_view(), name="api-customer"),
    path(f"{C}/relationships", api.CustomerRelationshipsView.as_view(), name="api-customer-relationships"),
    path(f"{C}/orders", api.OrdersView.as_view(), name="api-customer-orders"),
    path(f"{C}/subscriptions", api.SubscriptionsView.as_view(), name="api-customer-subscriptions"),
    path(
        f"{C}/subscriptions/<str:subscription_id>",
        api.SubscriptionView.as_view(),
        name="api-customer-subscription",
    ),
    path(f"{C}/users", api.UsersView.as_view(), name="api-customer-users"),
    path(f"{C}/users/<str:user_id>", api.UserView.as_view(), name="api-customer-user"),
    path(
        f"{C}/users/<str:user_id>/licenses", api.UserLicensesView.as_view(), name="api-customer-user-licenses"
    ),
    path(
        f"{C}/users/<str:user_id>/licenseupdates",
        api.LicenseUpdatesView.as_view(),
        name="api-customer-user-licenseupdates",
    ),
    path("customerinvitations", api.CustomerInvitationsView.as_view(), name="api-customerinvitations"),
    path(
        "customerinvitations/accept",
        api.CustomerInvitationAcceptView.as_view(),
        name="api-customerinvitations-accept",
    ),
    path(
        "customerinvitations/<int:invitation_id>/revoke",
        api.CustomerInvitationRevokeView.as_view(),
        name="api-customerinvitations-revoke",
    ),
    path("offers", api.OffersView.as_view(), name="api-offers"),
]
