"""Ops views of customers. State changes go through the portal's services (which record events), so
relationship, order and subscription states are read-only here; the audit log shows their history."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from partnercenter.admin import BookAdmin, EventHistoryMixin
from partnercenter.errors import DomainError
from partnercenter.templatetags.portal_formats import money

from . import services
from .models import (
    CustomerAccount,
    CustomerInvitation,
    CustomerUser,
    Invoice,
    InvoiceLineItem,
    LicenseAssignment,
    Offer,
    Order,
    ResellerRelationship,
    Subscription,
)


@admin.action(description=_("Revoke the selected pending invitations"))
def revoke_invitations(modeladmin, request, queryset):
    done = 0
    for invitation in queryset.filter(status="pending"):
        try:
            services.customer_invitation_revoke(invitation=invitation, user=request.user)
            done += 1
        except DomainError as exc:
            modeladmin.message_user(request, exc.text_with_rule, messages.ERROR)
    modeladmin.message_user(request, _("%(n)d invitation(s) revoked.") % {"n": done}, messages.SUCCESS)


class RelationshipInline(admin.TabularInline):
    model = ResellerRelationship
    fk_name = "customer"
    extra = 0
    can_delete = False
    fields = ["partner", "kind", "provider", "delegated_admin", "status", "source", "established_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CustomerAccount)
class CustomerAccountAdmin(EventHistoryMixin, BookAdmin):
    # Django's 100 rows a page cost more to render than the rest of the request; the others are a page away.
    list_per_page = 50
    list_display = ["company_name", "tenant", "store_for_business", "created_by_partner", "created_at"]
    list_filter = ["store_for_business"]
    search_fields = ["company_name", "tenant__default_domain", "tenant__id"]
    list_select_related = ["tenant", "created_by_partner"]
    raw_id_fields = ["tenant", "created_by_partner"]
    readonly_fields = ["history"]
    inlines = [RelationshipInline]


@admin.register(ResellerRelationship)
class ResellerRelationshipAdmin(EventHistoryMixin, admin.ModelAdmin):
    list_display = ["customer", "partner", "kind", "provider", "delegated_admin", "status", "established_at"]
    list_filter = ["kind", "status", "source", "delegated_admin"]
    search_fields = [
        "customer__company_name",
        "partner__legal_name",
        "partner__mpn_id",
        "provider__legal_name",
    ]
    list_select_related = ["customer", "partner", "provider"]
    readonly_fields = [f.name for f in ResellerRelationship._meta.fields] + ["history"]

    def has_add_permission(self, request):
        return False


@admin.register(CustomerInvitation)
class CustomerInvitationAdmin(EventHistoryMixin, admin.ModelAdmin):
    list_display = [
        "id",
        "reseller",
        "provider",
        "status",
        "include_delegated_admin",
        "created_at",
        "expires_at",
    ]
    list_filter = ["status"]
    search_fields = ["reseller__legal_name", "provider__legal_name", "email_to"]
    list_select_related = ["reseller", "provider"]
    readonly_fields = [f.name for f in CustomerInvitation._meta.fields if f.name != "token_hash"] + [
        "history"
    ]
    exclude = ["token_hash"]
    actions = [revoke_invitations]

    def has_add_permission(self, request):
        return False


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "id",
        "category",
        "product_type",
        "direct_bill_only",
        "billing",
        "price",
        "term_months",
        "is_active",
    ]
    list_filter = ["category", "product_type", "direct_bill_only", "billing", "is_active"]
    search_fields = ["name", "id"]

    @admin.display(description=_("unit price"), ordering="unit_price")
    def price(self, obj):
        return money(obj.unit_price, obj.currency)


@admin.register(Order)
class OrderAdmin(EventHistoryMixin, admin.ModelAdmin):
    list_display = ["id", "customer", "placed_by", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["customer__company_name", "placed_by__legal_name", "id"]
    list_select_related = ["customer", "placed_by"]
    readonly_fields = [f.name for f in Order._meta.fields] + ["history"]


@admin.register(Subscription)
class SubscriptionAdmin(EventHistoryMixin, admin.ModelAdmin):
    list_display = [
        "friendly_name",
        "customer",
        "quantity",
        "status",
        "auto_renew",
        "term_end",
        "partner_on_record",
    ]
    list_filter = ["status", "auto_renew", "offer__category"]
    search_fields = ["customer__company_name", "friendly_name", "id"]
    list_select_related = ["customer", "partner_on_record"]
    readonly_fields = [f.name for f in Subscription._meta.fields] + ["history"]


@admin.register(CustomerUser)
class CustomerUserAdmin(EventHistoryMixin, admin.ModelAdmin):
    list_display = ["user_principal_name", "display_name", "customer", "state"]
    readonly_fields = ["history"]
    search_fields = ["user_principal_name", "display_name", "customer__company_name"]
    list_select_related = ["customer"]


@admin.register(LicenseAssignment)
class LicenseAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "subscription", "assigned_at"]
    list_select_related = ["user", "subscription"]
    raw_id_fields = ["user", "subscription"]


class InvoiceLineItemInline(admin.TabularInline):
    model = InvoiceLineItem
    extra = 0
    can_delete = False
    fields = ["line_number", "offer_name", "charge_type", "quantity", "unit_price", "amount", "charge_start"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Invoice)
class InvoiceAdmin(BookAdmin):
    """Read-only: invoices are built by the monthly job (or `manage.py build_invoices --month YYYY-MM`)."""

    list_display = ["number", "customer", "partner", "period_start", "total_charges", "currency", "state"]
    list_filter = ["state", "period_start"]
    search_fields = ["number", "customer__company_name", "partner__legal_name", "partner__mpn_id"]
    list_select_related = ["customer", "partner"]
    readonly_fields = [f.name for f in Invoice._meta.fields]
    inlines = [InvoiceLineItemInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
