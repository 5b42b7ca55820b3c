"""Reads for customers. Every read takes the acting partner (or customer tenant) and filters by it: a
customer the partner has no active relationship with does not exist for it (404).

Who may do what (SPEC §10, R12–R18) is decided next to the fetch (`customer_access`, `users_for`,
`customer_creation_resellers`, with the rules in `customers.access`) and by the services that call these
checks; pages and the API only ask (`CustomerAccess.can_*`) and render."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from partnercenter import ids
from partnercenter.errors import Forbidden, NotFound
from tenants.models import PartnerProfile, Partnership, Program, Tenant, User
from tenants.services import has_program

from .access import (  # noqa: F401  (re-exported: services and views ask the selectors)
    CUSTOMER_CREATE_ROLES,
    ORDER_ROLES,
    USER_ADMIN_ROLES,
    CustomerAccess,
    customer_creation_refusal,
    direct_customer_creation_refusal,
    relationship_removal_refusal,
    removal_refusal,
    require_partner_role,
    require_users_visible,
    role_allows,
)
from .models import (
    CustomerAccount,
    CustomerInvitation,
    CustomerUser,
    LicenseAssignment,
    Offer,
    Order,
    RelationshipKind,
    ResellerRelationship,
    Subscription,
)

ACTIVE = ResellerRelationship.Status.ACTIVE


def _mine(profile: PartnerProfile) -> Q:
    return Q(status=ACTIVE) & (Q(partner=profile) | Q(provider=profile))


def uuid_or_404(value) -> uuid.UUID:
    """A malformed id is simply an unknown one."""
    parsed = ids.parse_uuid(value)
    if parsed is None:
        raise NotFound()
    return parsed


def customer_access(*, profile: PartnerProfile, customer_id, user: User | None = None) -> CustomerAccess:
    """The customer (by tenant id) as seen by `profile` and its signed-in `user`; NotFound when the partner
    has no active relationship with it."""
    rels = list(
        ResellerRelationship.objects.filter(
            _mine(profile), customer__tenant_id=uuid_or_404(customer_id)
        ).select_related("customer__tenant", "partner__tenant", "provider__tenant")
    )
    if not rels:
        raise NotFound()
    return CustomerAccess(profile=profile, customer=rels[0].customer, relationships=rels, user=user)


def customers_for_partner(
    *,
    profile: PartnerProfile,
    q: str = "",
    company_prefix: str = "",
    domain_prefix: str = "",
    relationship: str = "",
    provider_id: int | None = None,
    reseller_tenant_id: str = "",
) -> QuerySet[CustomerAccount]:
    """The partner's customers: those with an active relationship where it is reseller or provider."""
    mine = ResellerRelationship.objects.filter(_mine(profile), customer=OuterRef("pk"))
    if relationship in (RelationshipKind.DIRECT, RelationshipKind.INDIRECT):
        mine = mine.filter(kind=relationship)
    if provider_id:
        mine = mine.filter(provider_id=provider_id)
    if reseller_tenant_id:
        mine = mine.filter(kind=RelationshipKind.INDIRECT, partner__tenant_id=reseller_tenant_id)
    qs = CustomerAccount.objects.filter(Exists(mine)).select_related("tenant")
    if q:
        # A union of two indexed searches (pg_trgm GIN indexes on both columns, migration 0005), not an
        # OR across the join, which no index can answer: the matches are found first, then sorted.
        by_name = CustomerAccount.objects.filter(company_name__icontains=q).order_by().values("pk")
        by_domain = (
            CustomerAccount.objects.filter(tenant__default_domain__icontains=q).order_by().values("pk")
        )
        qs = qs.filter(pk__in=by_name.union(by_domain))
    if company_prefix:
        qs = qs.filter(company_name__istartswith=company_prefix)
    if domain_prefix:
        qs = qs.filter(tenant__default_domain__istartswith=domain_prefix)
    return qs.order_by("company_name", "pk")


def with_list_details(qs: QuerySet[CustomerAccount], *, profile: PartnerProfile) -> QuerySet[CustomerAccount]:
    """What a row of the Customers page shows (badges and actions come from the partner's relationships)
    in a fixed number of queries, whatever the page length. The expanded details (services, users,
    licenses) are read when a row is opened: `row_details`."""
    return qs.prefetch_related(
        Prefetch(
            "relationships",
            queryset=ResellerRelationship.objects.filter(_mine(profile)).select_related(
                "partner", "provider"
            ),
            to_attr="my_relationships",
        ),
    )


def with_relationships(
    qs: QuerySet[CustomerAccount], *, profile: PartnerProfile
) -> QuerySet[CustomerAccount]:
    """Only what the API's customer body shows: the partner's relationships with each customer."""
    return qs.prefetch_related(
        Prefetch(
            "relationships",
            queryset=ResellerRelationship.objects.filter(_mine(profile)).select_related("partner"),
            to_attr="my_relationships",
        )
    )


def list_rows(customers, *, profile: PartnerProfile, user: User | None) -> list[CustomerAccount]:
    """A page of `with_list_details` rows, each with its `access` (what the row offers, R17), from the
    prefetched relationships (no query per row)."""
    rows = list(customers)
    for customer in rows:
        customer.access = CustomerAccess(
            profile=profile, customer=customer, relationships=customer.my_relationships, user=user
        )
    return rows


ROW_USERS_SHOWN = 5


@dataclass
class RowDetails:
    """An opened row of the Customers page: the customer's services under this partner's relationships,
    its first users (when the partner may see them) and its license totals."""

    subscriptions: list[Subscription]
    users: list[CustomerUser]
    users_total: int
    licenses_assigned: int
    licenses_total: int


def row_details(*, access: CustomerAccess) -> RowDetails:
    subscriptions = list(subscriptions_for(access=access))
    users, users_total = [], 0
    if access.can_see_users:
        users = list(
            CustomerUser.objects.filter(customer=access.customer).order_by(
                "display_name", "user_principal_name"
            )[:ROW_USERS_SHOWN]
        )
        users_total = (
            len(users)
            if len(users) < ROW_USERS_SHOWN
            else CustomerUser.objects.filter(customer=access.customer).count()
        )
    return RowDetails(
        subscriptions=subscriptions,
        users=users,
        users_total=users_total,
        licenses_assigned=sum(s.assigned for s in subscriptions),
        licenses_total=sum(s.quantity for s in subscriptions if s.offer.is_license_based),
    )


@dataclass
class CustomerListOptions:
    """What the Customers page offers this user: filters and the actions its programs and role allow."""

    providers: list[PartnerProfile]
    resellers: list[PartnerProfile]
    is_reseller: bool
    can_invite_customers: bool
    can_create_customers: bool
    can_create_direct_customers: bool = False


# A filter drop-down lists this many partners at most (a distributor has 5,000 resellers); a partner
# picked elsewhere (the reseller list's "Customers" link) is added to the choices.
FILTER_CHOICES_MAX = 100


def _filter_choices(qs: QuerySet[PartnerProfile], selected) -> list[PartnerProfile]:
    # Names only: joining tenants makes PostgreSQL scan all 100,000 of them.
    qs = qs.select_related(None).only("pk", "tenant_id", "legal_name")
    choices = list(qs[:FILTER_CHOICES_MAX])
    pk = ids.parse_pk(selected)  # "²" passes isdigit() but not int(): no such id, never a 500
    if pk is not None and all(p.pk != pk for p in choices):
        choices += list(qs.filter(pk=pk))
    return choices


def customer_list_options(
    *, profile: PartnerProfile, user: User | None, provider_id=None, reseller_id=None
) -> CustomerListOptions:
    is_reseller = has_program(profile, Program.INDIRECT_RESELLER)
    is_provider = has_program(profile, Program.INDIRECT_PROVIDER)
    return CustomerListOptions(
        providers=_filter_choices(partnered_providers(reseller=profile), provider_id),
        resellers=_filter_choices(partnered_resellers(provider=profile), reseller_id) if is_provider else [],
        is_reseller=is_reseller,
        can_invite_customers=is_reseller and role_allows(user, CUSTOMER_CREATE_ROLES),
        can_create_customers=is_provider and customer_creation_refusal(provider=profile, user=user) is None,
        can_create_direct_customers=direct_customer_creation_refusal(partner=profile, user=user) is None,
    )


def customer_creation_resellers(*, provider: PartnerProfile, user: User | None) -> QuerySet[PartnerProfile]:
    """The resellers `user` may create a customer tenant for (R13): the provider's partnered resellers.
    A partner that is not an indirect provider, or a role that cannot create customers, is refused (403)."""
    refusal = customer_creation_refusal(provider=provider, user=user)
    if refusal is not None:
        raise refusal
    return partnered_resellers(provider=provider)


def relationships_for_customer(*, customer_tenant: Tenant) -> QuerySet[ResellerRelationship]:
    """A customer tenant's own view of its partners (the "Partner relationships" page). Partner tenants
    have no such page."""
    if customer_tenant is None or customer_tenant.kind != Tenant.Kind.CUSTOMER:
        raise Forbidden(
            _("Partner relationships is the page of a customer tenant."),
            reason="customers.not_customer_tenant",
        )
    return (
        ResellerRelationship.objects.filter(customer__tenant=customer_tenant)
        .select_related("partner__tenant", "provider__tenant", "customer")
        .annotate(
            active_subscriptions=Count(
                "subscriptions", filter=Q(subscriptions__status=Subscription.Status.ACTIVE)
            )
        )
        .order_by("status", "-established_at")
    )


def customer_relationships(*, access: CustomerAccess) -> QuerySet[ResellerRelationship]:
    """The customer's active resellers and providers, for a partner that serves it."""
    return (
        ResellerRelationship.objects.filter(customer=access.customer, status=ACTIVE)
        .select_related("partner__tenant", "provider__tenant")
        .order_by("established_at", "pk")
    )


def customer_account_of(tenant: Tenant) -> CustomerAccount | None:
    return CustomerAccount.objects.filter(tenant=tenant).first()


def subscriptions_for(*, access: CustomerAccess) -> QuerySet[Subscription]:
    """The customer's subscriptions under the partner's relationships with it."""
    return (
        Subscription.objects.filter(relationship__in=[r.pk for r in access.relationships])
        .exclude(status=Subscription.Status.DELETED)
        .select_related("offer", "partner_on_record", "relationship")
        .annotate(assigned=Count("licenses"))
        .order_by("created_at", "id")
    )


def subscription_for(*, access: CustomerAccess, subscription_id) -> Subscription:
    sub = subscriptions_for(access=access).filter(pk=uuid_or_404(subscription_id)).first()
    if sub is None:
        raise NotFound()
    return sub


def orders_for(*, access: CustomerAccess) -> QuerySet[Order]:
    return (
        Order.objects.filter(relationship__in=[r.pk for r in access.relationships])
        .select_related("placed_by", "created_by")
        .order_by("-created_at")
    )


def users_for(*, access: CustomerAccess) -> QuerySet[CustomerUser]:
    """The customer's directory users, for its reseller with admin rights only (R12)."""
    require_users_visible(access)
    return (
        CustomerUser.objects.filter(customer=access.customer)
        .prefetch_related(
            Prefetch("licenses", queryset=LicenseAssignment.objects.select_related("subscription__offer"))
        )
        .order_by("display_name", "user_principal_name")
    )


def user_for(*, access: CustomerAccess, user_id) -> CustomerUser:
    user = users_for(access=access).filter(pk=uuid_or_404(user_id)).first()
    if user is None:
        raise NotFound()
    return user


def offers_catalog() -> QuerySet[Offer]:
    return Offer.objects.filter(is_active=True).order_by("category", "name")


def partnered_providers(*, reseller: PartnerProfile) -> QuerySet[PartnerProfile]:
    """Providers with an active partnership with this reseller (R10), for "Invite new customers"."""
    # Semi-joins, not joins + DISTINCT: a distributor has 5,000 partnerships.
    return (
        PartnerProfile.objects.filter(
            pk__in=Partnership.objects.filter(reseller=reseller, status=Partnership.Status.ACTIVE).values(
                "provider_id"
            ),
            programs__program=Program.INDIRECT_PROVIDER,
        )
        .select_related("tenant")
        .order_by("legal_name")
    )


def partnered_resellers(*, provider: PartnerProfile) -> QuerySet[PartnerProfile]:
    """Resellers with an active partnership with this provider, for provider-created tenants (R13)."""
    return (
        PartnerProfile.objects.filter(
            pk__in=Partnership.objects.filter(provider=provider, status=Partnership.Status.ACTIVE).values(
                "reseller_id"
            )
        )
        .select_related("tenant")
        .order_by("legal_name")
    )


def invitations_sent(*, reseller: PartnerProfile) -> QuerySet[CustomerInvitation]:
    return (
        CustomerInvitation.objects.filter(reseller=reseller)
        .select_related("provider", "customer", "created_by")
        .order_by("-created_at", "-id")
    )


def invitation_of(*, reseller: PartnerProfile, invitation_id) -> CustomerInvitation:
    pk = ids.parse_pk(invitation_id)
    inv = invitations_sent(reseller=reseller).filter(pk=pk).first() if pk is not None else None
    if inv is None:
        raise NotFound()
    return inv


def customer_relationship(*, customer_tenant: Tenant, relationship_id: int) -> ResellerRelationship:
    """One active relationship of the customer tenant (another tenant's id answers 404)."""
    relationship = (
        relationships_for_customer(customer_tenant=customer_tenant)
        .filter(pk=relationship_id, status=ResellerRelationship.Status.ACTIVE)
        .first()
    )
    if relationship is None:
        raise NotFound(reason="customers.relationship_not_found")
    return relationship
