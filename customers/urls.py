from django.urls import path

from . import views
from .views import invitations as invitation_views
from .views import invoices as invoice_views

app_name = "customers"
urlpatterns = [
    path("", views.customer_list, name="list"),
    path("new/", views.customer_create, name="create"),
    path("invite/", views.invite, name="invite"),
    path("invite/done/", views.invite_done, name="invite_done"),
    path("invitations/", views.invitations_sent, name="invitations"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("invitations/<int:pk>/link/", invitation_views.invitation_link_again, name="invitation_link_again"),
    path("invitations/<int:pk>/resend/", invitation_views.invitation_resend, name="invitation_resend"),
    path("invitations/<str:token>/", views.invitation_landing, name="invitation"),
    path("relationship-request/<uuid:partner_id>/", views.relationship_request, name="relationship_request"),
    path("billing/", invoice_views.invoice_list, name="invoices"),
    path("billing/<str:number>/", invoice_views.invoice_detail, name="invoice"),
    path("partners/", views.my_partners, name="my_partners"),
    path("partners/<int:pk>/remove/", views.my_partner_remove, name="my_partner_remove"),
    path("<uuid:customer_id>/", views.customer_detail, name="detail"),
    path("<uuid:customer_id>/row/", views.customer_row, name="row"),
    path("<uuid:customer_id>/orders/new/", views.order_new, name="order"),
    path(
        "<uuid:customer_id>/subscriptions/<uuid:subscription_id>/",
        views.subscription_action,
        name="subscription_action",
    ),
    path("<uuid:customer_id>/users/", views.customer_user_add, name="user_add"),
    path("<uuid:customer_id>/users/<uuid:user_id>/delete/", views.customer_user_remove, name="user_delete"),
    path("<uuid:customer_id>/users/<uuid:user_id>/licenses/", views.license_change, name="license_change"),
    path(
        "<uuid:customer_id>/relationships/<int:pk>/remove/",
        views.relationship_remove,
        name="relationship_remove",
    ),
]
