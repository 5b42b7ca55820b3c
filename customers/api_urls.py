from django.urls import path

from .api import customers, invitations, invoices, offers, orders, users

C = "customers/<str:customer_id>"

urlpatterns = [
    path("customers", customers.CustomersView.as_view(), name="api-customers"),
    path(
        "customers/relationshiprequests",
        customers.RelationshipRequestView.as_view(),
        name="api-relationshiprequests",
    ),
    path(C, customers.CustomerView.as_view(), name="api-customer"),
    path(
        f"{C}/profiles/company",
        customers.CustomerCompanyProfileView.as_view(),
        name="api-customer-profile-company",
    ),
    path(
        f"{C}/profiles/billing",
        customers.CustomerBillingProfileView.as_view(),
        name="api-customer-profile-billing",
    ),
    path(
        f"{C}/relationships", customers.CustomerRelationshipsView.as_view(), name="api-customer-relationships"
    ),
    path(f"{C}/orders", orders.OrdersView.as_view(), name="api-customer-orders"),
    path(f"{C}/subscriptions", orders.SubscriptionsView.as_view(), name="api-customer-subscriptions"),
    path(
        f"{C}/subscriptions/<str:subscription_id>",
        orders.SubscriptionView.as_view(),
        name="api-customer-subscription",
    ),
    path(f"{C}/users", users.UsersView.as_view(), name="api-customer-users"),
    path(f"{C}/users/<str:user_id>", users.UserView.as_view(), name="api-customer-user"),
    path(
        f"{C}/users/<str:user_id>/licenses",
        users.UserLicensesView.as_view(),
        name="api-customer-user-licenses",
    ),
    path(
        f"{C}/users/<str:user_id>/licenseupdates",
        users.LicenseUpdatesView.as_view(),
        name="api-customer-user-licenseupdates",
    ),
    path(
        "customerinvitations", invitations.CustomerInvitationsView.as_view(), name="api-customerinvitations"
    ),
    path(
        "customerinvitations/accept",
        invitations.CustomerInvitationAcceptView.as_view(),
        name="api-customerinvitations-accept",
    ),
    path(
        "customerinvitations/<int:invitation_id>/revoke",
        invitations.CustomerInvitationRevokeView.as_view(),
        name="api-customerinvitations-revoke",
    ),
    path("offers", offers.OffersView.as_view(), name="api-offers"),
    path("invoices", invoices.InvoicesView.as_view(), name="api-invoices"),
    path("invoices/<str:invoice_id>", invoices.InvoiceView.as_view(), name="api-invoice"),
    path(
        "invoices/<str:invoice_id>/lineitems",
        invoices.InvoiceLineItemsView.as_view(),
        name="api-invoice-lineitems",
    ),
]
