"""Customers of partners: the customer account on a customer tenant, reseller relationships (direct bill
or indirect reseller + provider), customer invitations, the offers catalog, orders, subscriptions, the
customer's directory users and their license assignments."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from invitations.models import TokenInvitation
from partnercenter.events import EventKind
from tenants.models import PartnerProfile, Tenant


class CustomerAccount(models.Model):
    """The commercial record of a customer tenant (Tenant.kind == customer)."""

    tenant = models.OneToOneField(
        Tenant, on_delete=models.CASCADE, related_name="customer_account", verbose_name=_("tenant")
    )
    company_name = models.CharField(_("company name"), max_length=200, db_index=True)
    country = models.CharField(_("country/region"), max_length=100, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    # R16: a Microsoft Store for Business customer keeps direct bill; it cannot accept an indirect
    # reseller invitation from an existing direct-bill partner.
    store_for_business = models.BooleanField(_("Microsoft Store for Business customer"), default=False)
    # R13: the provider that created the tenant for a reseller, when the portal created it.
    created_by_partner = models.ForeignKey(
        PartnerProfile,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="created_customers",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["company_name"]
        verbose_name = _("customer account")
        verbose_name_plural = _("customer accounts")
        indexes = [
            # The ops list sorted by its "created" column, newest first, without sorting the book.
            models.Index(fields=["created_at", "id"], name="customers_account_created_idx"),
            # The ops list's Store for Business filter ("Yes": a few accounts of the book), in name order.
            models.Index(
                fields=["company_name"],
                name="customers_account_sfb_idx",
                condition=models.Q(store_for_business=True),
            ),
        ]

    def __str__(self) -> str:
        return self.company_name

    @property
    def domain(self) -> str:
        return self.tenant.default_domain


class RelationshipKind(models.TextChoices):
    DIRECT = "direct", _("Direct bill")
    INDIRECT = "indirect", _("Indirect reseller")


class ResellerRelationship(models.Model):
    """A customer's grant to a partner to act as its reseller of record.

    `direct`: the direct-bill partner is the reseller of record and bills the customer.
    `indirect` (R12): the customer authorized both the indirect reseller (`partner`) and its indirect
    provider (`provider`): the reseller administers, the provider orders and bills.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        REMOVED = "removed", _("Removed")

    class Source(models.TextChoices):
        INVITATION = "invitation", _("Customer invitation")
        RELATIONSHIP_REQUEST = "relationship_request", _("Reseller relationship request")
        PROVIDER_CREATED = "provider_created", _("Created by the provider")
        DIRECT_BILL = "direct_bill", _("Existing direct-bill customer")

    customer = models.ForeignKey(
        CustomerAccount, on_delete=models.CASCADE, related_name="relationships", verbose_name=_("customer")
    )
    partner = models.ForeignKey(
        PartnerProfile,
        on_delete=models.PROTECT,
        related_name="customer_relationships",
        verbose_name=_("reseller of record"),
    )
    kind = models.CharField(_("relationship"), max_length=10, choices=RelationshipKind.choices)
    provider = models.ForeignKey(
        PartnerProfile,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="provided_customer_relationships",
        verbose_name=_("indirect provider"),
    )
    delegated_admin = models.BooleanField(_("delegated admin privileges"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    source = models.CharField(_("source"), max_length=24, choices=Source.choices)
    invitation = models.ForeignKey(
        "CustomerInvitation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    established_at = models.DateTimeField(_("since"), default=timezone.now)
    established_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    removed_reason = models.CharField(_("removal reason"), max_length=255, blank=True)

    class Meta:
        ordering = ["-established_at", "-id"]
        verbose_name = _("reseller relationship")
        verbose_name_plural = _("reseller relationships")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "partner", "kind"],
                condition=Q(status="active"),
                name="one_active_relationship_per_customer_partner_kind",
            ),
            models.CheckConstraint(
                condition=(Q(kind="direct") & Q(provider__isnull=True))
                | (Q(kind="indirect") & Q(provider__isnull=False)),
                name="indirect_relationship_has_provider",
            ),
        ]
        indexes = [
            models.Index(fields=["partner", "status"]),
            models.Index(fields=["provider", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.customer} ← {self.partner.legal_name} ({self.kind}, {self.status})"

    @property
    def is_direct(self) -> bool:
        return self.kind == RelationshipKind.DIRECT

    @property
    def is_indirect(self) -> bool:
        return self.kind == RelationshipKind.INDIRECT


class CustomerInvitation(TokenInvitation):
    """R11: a reseller's personalized link tying a customer to both the reseller and its provider.

    The link, its states and its expiry are `invitations.models.TokenInvitation` / `invitations.links`,
    shared with partnership invitations; this adds the parties and the draft email.
    """

    LINK_URL_NAME = "customers:invitation"
    LINK_SELECT_RELATED = ("reseller__tenant", "provider__tenant")
    EVENTS = {
        "created": EventKind.CUSTOMER_INVITATION_CREATED,
        "accepted": EventKind.CUSTOMER_INVITATION_ACCEPTED,
        "declined": EventKind.CUSTOMER_INVITATION_DECLINED,
        "revoked": EventKind.CUSTOMER_INVITATION_REVOKED,
        "expired": EventKind.CUSTOMER_INVITATION_EXPIRED,
    }

    reseller = models.ForeignKey(
        PartnerProfile,
        on_delete=models.PROTECT,
        related_name="customer_invitations",
        verbose_name=_("reseller"),
    )
    provider = models.ForeignKey(
        PartnerProfile,
        on_delete=models.PROTECT,
        related_name="provider_customer_invitations",
        verbose_name=_("indirect provider"),
    )
    include_delegated_admin = models.BooleanField(_("include delegated admin privileges"), default=True)
    email_to = models.EmailField(_("customer email"), blank=True)
    email_subject = models.CharField(_("subject"), max_length=255, blank=True)
    email_body = models.TextField(_("body"), blank=True)
    customer = models.ForeignKey(
        CustomerAccount,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="accepted_invitations",
        verbose_name=_("accepted by customer"),
    )

    class Meta(TokenInvitation.Meta):
        verbose_name = _("customer invitation")
        verbose_name_plural = _("customer invitations")
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.reseller.legal_name} + {self.provider.legal_name} ({self.status})"

    @property
    def inviter(self) -> PartnerProfile:
        return self.reseller


class Offer(models.Model):
    """A product in the catalog (ids look like Partner Center's `<product>:<sku>` offer ids).

    R18: Azure reservations (a 1- or 3-year term, `term_months` 12 or 36) and software (a one-time,
    perpetual purchase: `unit_price` is the price per unit, paid once) are direct-bill capabilities: only a
    direct-bill relationship buys an offer marked `direct_bill_only`."""

    class Billing(models.TextChoices):
        LICENSE = "license", _("Per license")
        USAGE = "usage", _("Usage based")

    class ProductType(models.TextChoices):
        SUBSCRIPTION = "subscription", _("Subscription")
        AZURE_RESERVATION = "azure_reservation", _("Azure reservation")
        SOFTWARE = "software", _("Software")

    id = models.CharField(_("offer id"), max_length=40, primary_key=True)
    name = models.CharField(_("name"), max_length=200)
    product_type = models.CharField(
        _("product type"), max_length=20, choices=ProductType.choices, default=ProductType.SUBSCRIPTION
    )
    direct_bill_only = models.BooleanField(_("direct-bill partners only"), default=False)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(_("category"), max_length=60)
    billing = models.CharField(_("billing"), max_length=10, choices=Billing.choices, default=Billing.LICENSE)
    unit_price = models.DecimalField(_("unit price per month"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    term_months = models.PositiveSmallIntegerField(_("term (months)"), default=12)
    min_quantity = models.PositiveIntegerField(_("minimum quantity"), default=1)
    max_quantity = models.PositiveIntegerField(_("maximum quantity"), default=300)
    is_active = models.BooleanField(_("sold"), default=True)

    class Meta:
        ordering = ["category", "name"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")

    def __str__(self) -> str:
        return self.name

    @property
    def is_license_based(self) -> bool:
        """Seats that licenses are assigned from. A reservation or a software purchase is not one."""
        return self.billing == self.Billing.LICENSE and self.product_type == self.ProductType.SUBSCRIPTION

    @property
    def is_one_time(self) -> bool:
        """Software is bought once (perpetual): no subscription, no renewal, billed in its order's month."""
        return self.product_type == self.ProductType.SOFTWARE

    @property
    def is_reservation(self) -> bool:
        return self.product_type == self.ProductType.AZURE_RESERVATION


class Order(ConcurrentTransitionMixin, models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    customer = models.ForeignKey(
        CustomerAccount, on_delete=models.PROTECT, related_name="orders", verbose_name=_("customer")
    )
    relationship = models.ForeignKey(
        ResellerRelationship, on_delete=models.PROTECT, related_name="orders", verbose_name=_("relationship")
    )
    # Who bought: the direct-bill partner (direct) or the indirect provider (indirect).
    placed_by = models.ForeignKey(
        PartnerProfile, on_delete=models.PROTECT, related_name="placed_orders", verbose_name=_("placed by")
    )
    status = FSMField(_("status"), default=Status.PENDING, choices=Status.choices, protected=True)
    billing_cycle = models.CharField(_("billing cycle"), max_length=10, default="monthly")
    # The client's request id (MS-RequestId, or the order form's hidden id): a repeated submit returns the
    # order it already made instead of buying twice.
    request_id = models.CharField(_("request id"), max_length=64, null=True, blank=True)
    # [{"lineItemNumber", "offerId", "quantity", "partnerIdOnRecord", "subscriptionId"}], as in the real API.
    line_items = models.JSONField(_("line items"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        constraints = [
            models.UniqueConstraint(
                fields=["placed_by", "request_id"],
                condition=Q(request_id__isnull=False),
                name="one_order_per_request_id",
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer} {self.created_at:%Y-%m-%d} ({self.status})"

    @transition(field=status, source=Status.PENDING, target=Status.COMPLETED)
    def complete(self):
        pass

    @transition(field=status, source=Status.PENDING, target=Status.CANCELLED)
    def cancel(self):
        pass


class Subscription(ConcurrentTransitionMixin, models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        EXPIRED = "expired", _("Expired")
        DELETED = "deleted", _("Deleted")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    customer = models.ForeignKey(
        CustomerAccount, on_delete=models.PROTECT, related_name="subscriptions", verbose_name=_("customer")
    )
    relationship = models.ForeignKey(
        ResellerRelationship,
        on_delete=models.PROTECT,
        related_name="subscriptions",
        verbose_name=_("relationship"),
    )
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="+", verbose_name=_("offer"))
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="subscriptions")
    # The partner on record (the reseller's MPN ID for indirect; the direct-bill partner for direct).
    partner_on_record = models.ForeignKey(
        PartnerProfile, on_delete=models.PROTECT, related_name="+", verbose_name=_("partner on record")
    )
    friendly_name = models.CharField(_("name"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"))
    status = FSMField(_("status"), default=Status.ACTIVE, choices=Status.choices, protected=True)
    auto_renew = models.BooleanField(_("auto-renew"), default=True)
    billing_cycle = models.CharField(_("billing cycle"), max_length=10, default="monthly")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    term_start = models.DateTimeField(_("term start"))
    term_end = models.DateTimeField(_("term end"), db_index=True)
    renewed_count = models.PositiveIntegerField(_("renewals"), default=0)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")

    def __str__(self) -> str:
        return f"{self.friendly_name} × {self.quantity} ({self.status})"

    @transition(field=status, source=Status.ACTIVE, target=Status.SUSPENDED)
    def suspend(self):
        pass

    @transition(field=status, source=Status.SUSPENDED, target=Status.ACTIVE)
    def reactivate(self):
        pass

    @transition(field=status, source=[Status.ACTIVE, Status.SUSPENDED], target=Status.EXPIRED)
    def expire(self):
        pass

    @transition(field=status, source=[Status.SUSPENDED, Status.EXPIRED], target=Status.DELETED)
    def delete_subscription(self):
        pass


class CustomerUser(models.Model):
    """A user in the customer's directory: what licenses are assigned to (R12, managed by the reseller).

    The customer's portal sign-ins (tenants.User) are mirrored here so they can hold licenses too.
    """

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    customer = models.ForeignKey(
        CustomerAccount, on_delete=models.CASCADE, related_name="users", verbose_name=_("customer")
    )
    user_principal_name = models.CharField(_("user name"), max_length=200, unique=True)
    display_name = models.CharField(_("display name"), max_length=200)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    usage_location = models.CharField(_("usage location"), max_length=2, default="US")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.ACTIVE)
    portal_user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["display_name", "user_principal_name"]
        verbose_name = _("customer user")
        verbose_name_plural = _("customer users")

    def __str__(self) -> str:
        return self.user_principal_name


class LicenseAssignment(models.Model):
    """One seat of a subscription assigned to a customer user. Seats never exceed the quantity."""

    user = models.ForeignKey(CustomerUser, on_delete=models.CASCADE, related_name="licenses")
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="licenses")
    assigned_at = models.DateTimeField(_("assigned"), default=timezone.now)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["assigned_at", "id"]
        verbose_name = _("license assignment")
        verbose_name_plural = _("license assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "subscription"], name="one_license_per_user_subscription")
        ]

    def __str__(self) -> str:
        return f"{self.user} ← {self.subscription.friendly_name}"


class Invoice(models.Model):
    """R18 "bill customers directly": a direct-bill partner's monthly invoice to one direct-bill customer.

    One per partner, customer and month. While its month runs the invoice is `open` (the charges so far,
    recomputed on each build); once the month has ended a build issues it and it never changes again.
    Indirect customers have none: their indirect provider bills them.
    """

    class State(models.TextChoices):
        OPEN = "open", _("Current period, not yet issued")
        ISSUED = "issued", _("Issued")

    # The id clients see (like Partner Center's invoice ids): "D" and the row number, set on creation.
    number = models.CharField(_("invoice number"), max_length=20, unique=True, null=True, blank=True)
    partner = models.ForeignKey(
        PartnerProfile, on_delete=models.PROTECT, related_name="customer_invoices", verbose_name=_("partner")
    )
    customer = models.ForeignKey(
        CustomerAccount, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("customer")
    )
    period_start = models.DateField(_("billing period start"))
    period_end = models.DateField(_("billing period end"))  # the month's last day, inclusive
    invoice_date = models.DateTimeField(_("invoice date"))
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    total_charges = models.DecimalField(_("total charges"), max_digits=14, decimal_places=2, default=0)
    paid_amount = models.DecimalField(_("paid amount"), max_digits=14, decimal_places=2, default=0)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["-period_start", "-id"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "customer", "period_start"], name="one_invoice_per_partner_customer_month"
            )
        ]
        indexes = [models.Index(fields=["partner", "-period_start", "-id"], name="invoice_partner_period")]

    def __str__(self) -> str:
        return f"{self.number or '-'} {self.customer} {self.period_start:%Y-%m} ({self.state})"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN


class InvoiceLineItem(models.Model):
    """One charge: a month of a subscription or reservation, or a one-time software purchase."""

    class ChargeType(models.TextChoices):
        RECURRING = "recurring", _("Monthly charge")
        TERM = "term", _("Annual charge for the term")
        ONE_TIME = "one_time", _("One-time purchase")

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="line_items")
    line_number = models.PositiveIntegerField(_("line"))
    charge_type = models.CharField(_("charge type"), max_length=10, choices=ChargeType.choices)
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="+", verbose_name=_("offer"))
    offer_name = models.CharField(_("product"), max_length=200)
    subscription = models.ForeignKey(
        Subscription, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    billing_cycle = models.CharField(_("billing cycle"), max_length=10)
    charge_start = models.DateField(_("charge start"))
    charge_end = models.DateField(_("charge end"))

    class Meta:
        ordering = ["invoice", "line_number"]
        verbose_name = _("invoice line item")
        verbose_name_plural = _("invoice line items")
        constraints = [
            models.UniqueConstraint(fields=["invoice", "line_number"], name="one_invoice_line_per_number")
        ]

    def __str__(self) -> str:
        return f"{self.offer_name} × {self.quantity}"
