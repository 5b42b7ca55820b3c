"""What one partner's user may do for one customer (SPEC §10 roles, R12–R18): the permission half of the
customers selectors. `selectors.customer_access` fetches a `CustomerAccess`; the services raise the
refusals defined here, and pages and the API only read its `can_*` answers to decide what to show."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from partnercenter.errors import Conflict, DomainError, Forbidden, NotFound
from tenants.models import PartnerProfile, Program, Role, User
from tenants.services import has_program, role_refusal, roles_text
from tenants.services import role_allows as _tenant_role_allows

from .models import CustomerAccount, RelationshipKind, ResellerRelationship, Subscription

# SPEC §10: the partner roles allowed each kind of action.
ORDER_ROLES = (Role.GLOBAL_ADMIN, Role.ADMIN_AGENT, Role.SALES_AGENT)  # orders, subscription changes
USER_ADMIN_ROLES = (Role.GLOBAL_ADMIN, Role.ADMIN_AGENT)  # a customer's users and licenses
CUSTOMER_CREATE_ROLES = (Role.GLOBAL_ADMIN, Role.ADMIN_AGENT)  # customer tenants, invitations, links


def role_allows(user: User | None, roles, profile: PartnerProfile | None = None) -> bool:
    """SPEC §10: `user` has one of `roles`, in `profile`'s tenant when given (a customer tenant's global
    admin, or another partner's user, acts for no partner)."""
    return _tenant_role_allows(user, roles, tenant_id=profile.tenant_id if profile is not None else None)


def require_partner_role(
    *, user: User | None, profile: PartnerProfile, roles, rule: str, reason: str, action
) -> None:
    """Raise the 403 of SPEC §10 (naming the roles needed) unless `user` acts for `profile` in one of `roles`."""
    refusal = role_refusal(user, roles, tenant_id=profile.tenant_id, rule=rule, reason=reason, action=action)
    if refusal is not None:
        raise refusal


@dataclass
class CustomerAccess:
    """What one partner (and, when known, its signed-in `user`) may do for one customer, from the
    partner's active relationships with it and the user's role. Services check the acting user again."""

    profile: PartnerProfile
    customer: CustomerAccount
    relationships: list[ResellerRelationship] = field(default_factory=list)
    user: User | None = None

    def _role(self, roles) -> bool:
        # Without a user (jobs, demo data) only the relationships decide; services check the actor.
        return self.user is None or role_allows(self.user, roles, self.profile)

    @property
    def direct(self) -> ResellerRelationship | None:
        return next(
            (
                r
                for r in self.relationships
                if r.kind == RelationshipKind.DIRECT and r.partner_id == self.profile.pk
            ),
            None,
        )

    @property
    def as_reseller(self) -> ResellerRelationship | None:
        return next(
            (
                r
                for r in self.relationships
                if r.kind == RelationshipKind.INDIRECT and r.partner_id == self.profile.pk
            ),
            None,
        )

    @property
    def as_provider(self) -> list[ResellerRelationship]:
        return [r for r in self.relationships if r.provider_id == self.profile.pk]

    @property
    def admin_relationships(self) -> list[ResellerRelationship]:
        """Relationships that give admin rights on the customer's users and licenses (R12: the reseller,
        with delegated admin privileges; a direct-bill reseller of record likewise)."""
        return [r for r in self.relationships if r.partner_id == self.profile.pk and r.delegated_admin]

    @property
    def can_see_users(self) -> bool:
        """R12: the customer's users and licenses are visible to its reseller with admin rights."""
        return bool(self.admin_relationships)

    @property
    def can_manage_users(self) -> bool:
        """R12 and SPEC §10: admin rights on the customer, and a role that manages users and licenses."""
        return self.can_see_users and self._role(USER_ADMIN_ROLES)

    @property
    def order_mode(self) -> str | None:
        """How this partner orders for the customer (R14, R15, R18): as its indirect provider (with the
        reseller on record), as its direct-bill partner, or not at all (its indirect reseller)."""
        if self.as_provider:
            return "provider"
        if self.direct is not None and not self.moved_to_provider:
            return "direct"
        return None

    @property
    def moved_to_provider(self) -> bool:
        """R15: this direct-bill customer was moved to the indirect model (it also has an active indirect
        relationship with this partner as reseller of record): new purchases go through the provider, while
        its existing direct-bill subscriptions stay managed and billed as before (R7)."""
        return self.direct is not None and self.as_reseller is not None

    @property
    def can_order_direct(self) -> bool:
        return self.order_mode == "direct"

    @property
    def can_order_as_provider(self) -> bool:
        return self.order_mode == "provider"

    @property
    def can_add_products(self) -> bool:
        """R17/R18: "Add products" is for a direct-bill customer, by a role that places orders."""
        return self.can_order_direct and self._role(ORDER_ROLES)

    @property
    def can_view_products(self) -> bool:
        """R17: "View products" and its subscriptions are offered for a direct-bill customer only."""
        return self.direct is not None

    @property
    def can_place_order(self) -> bool:
        """R18: the indirect provider orders for a reseller's customer."""
        return self.can_order_as_provider and self._role(ORDER_ROLES)

    @property
    def can_change_indirect_quantity(self) -> bool:
        """R14/R18: the quantity of an indirect subscription is its provider's to change (adding licenses is
        an order); the reseller manages licenses, users and renewals."""
        return bool(self.as_provider) and self._role(ORDER_ROLES)

    @property
    def offers_reseller_tools(self) -> bool:
        """R17/R18: for an indirect reseller's customer: licenses, users and renewals (not add products)."""
        return self.as_reseller is not None

    @property
    def removable_relationships(self) -> list[ResellerRelationship]:
        """The partner's own relationships with the customer that the signed-in user may end."""
        if self.user is None:
            return []
        return [
            r
            for r in self.relationships
            if r.partner_id == self.profile.pk
            and relationship_removal_refusal(relationship=r, user=self.user) is None
        ]

    def manages(self, subscription: Subscription) -> bool:
        return any(r.pk == subscription.relationship_id for r in self.relationships)

    def licensable(self, subscriptions) -> list[Subscription]:
        """Subscriptions licenses come from: active, per user, under a relationship with admin rights (R12)."""
        rel_ids = {r.pk for r in self.admin_relationships}
        return [
            s
            for s in subscriptions
            if s.relationship_id in rel_ids
            and s.status == Subscription.Status.ACTIVE
            and s.offer.is_license_based
        ]


def require_users_visible(access: CustomerAccess) -> None:
    """R12: the customer's users and licenses are its reseller's with delegated admin privileges."""
    if not access.can_see_users:
        raise Forbidden(
            _(
                "Managing %(customer)s's users and licenses needs admin rights: its reseller of record with "
                "delegated admin privileges."
            )
            % {"customer": access.customer.company_name},
            rule="R12",
            reason="customers.no_admin_rights",
        )


def relationship_removal_refusal(*, relationship: ResellerRelationship, user: User) -> DomainError | None:
    """Why `user` may not end this reseller relationship, or None. Its partner of record's global admin may
    (from Customers), and so may the customer's global admin (from Partner relationships); nobody else."""
    sides = {relationship.partner.tenant_id, relationship.customer.tenant_id}
    if user is None or user.tenant_id is None or user.tenant_id not in sides:
        return NotFound(reason="customers.relationship_not_found")
    if not user.is_global_admin:
        return Forbidden(
            _("Only a global admin can remove a reseller relationship."), reason="customers.not_global_admin"
        )
    return None


def removal_refusal(*, relationship: ResellerRelationship, user: User) -> DomainError | None:
    """Everything that refuses ending this relationship now, in the service's order: who asks, whether it is
    still active, and (as in the real API) its subscriptions, which must be suspended or ended first."""
    refusal = relationship_removal_refusal(relationship=relationship, user=user)
    if refusal is not None:
        return refusal
    if relationship.status != ResellerRelationship.Status.ACTIVE:
        return NotFound(reason="customers.relationship_not_found")
    active = Subscription.objects.filter(relationship=relationship, status=Subscription.Status.ACTIVE)
    count = active.count()
    if count:
        return Conflict(
            _(
                "Suspend this relationship's %(n)d active subscription(s) before removing the reseller "
                "relationship."
            )
            % {"n": count},
            data=[str(pk) for pk in active.values_list("pk", flat=True)],
            reason="customers.relationship_has_active_subscriptions",
        )
    return None


def customer_creation_refusal(*, provider: PartnerProfile, user: User | None) -> Forbidden | None:
    """Why this partner's user may not create customer tenants, or None (R13, SPEC §10)."""
    if not has_program(provider, Program.INDIRECT_PROVIDER):
        return Forbidden(
            _(
                "Indirect resellers cannot create Azure AD tenants for new customers; your indirect provider "
                "creates the tenant and names you as the reseller."
            ),
            rule="R13",
            reason="customers.create_not_provider",
        )
    if not role_allows(user, CUSTOMER_CREATE_ROLES, provider):
        return Forbidden(
            _("Only a %(roles)s of the provider can create customers.")
            % {"roles": roles_text(CUSTOMER_CREATE_ROLES)},
            rule="R13",
            reason="customers.create_role",
        )
    return None


def direct_customer_creation_refusal(*, partner: PartnerProfile, user: User | None) -> Forbidden | None:
    """Why this partner's user may not create a customer tenant for a direct-bill customer, or None: unlike
    indirect resellers (R13), direct-bill partners create tenants for their direct-bill customers (R18,
    SPEC §10: global admin or admin agent)."""
    if not has_program(partner, Program.DIRECT_BILL):
        return Forbidden(
            _(
                "Only a direct-bill partner creates Azure AD tenants for its direct-bill customers; as an "
                "indirect reseller, your indirect provider creates the tenant and names you as the reseller."
            ),
            rule="R13",
            reason="customers.create_not_direct_bill",
        )
    if not role_allows(user, CUSTOMER_CREATE_ROLES, partner):
        return Forbidden(
            _("Only a %(roles)s of the partner can create customers.")
            % {"roles": roles_text(CUSTOMER_CREATE_ROLES)},
            rule="R18",
            reason="customers.create_role",
        )
    return None
