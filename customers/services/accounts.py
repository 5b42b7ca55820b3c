"""Customer accounts, provider-created tenants (R13) and reseller relationships. Customer invitations
(R11, R12, R15, R16) are `customers.services.invitations`."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from partnercenter import clock, events
from partnercenter.errors import Conflict, DomainError, Forbidden, NotFound
from partnercenter.events import EventKind
from tenants.models import PartnerProfile, Role, Tenant, User, domain_validator
from tenants.services import is_direct_bill, roles_text

from ..models import (
    CustomerAccount,
    CustomerUser,
    RelationshipKind,
    ResellerRelationship,
)
from ..selectors import (
    CUSTOMER_CREATE_ROLES,
    CustomerAccess,
    customer_creation_resellers,
    direct_customer_creation_refusal,
    removal_refusal,
    role_allows,
)


def relationship_request_url(*, partner: PartnerProfile, user: User, delegated_admin: bool = True) -> str:
    """The direct reseller relationship link of a direct-bill partner (reusable, names the partner), for a
    global admin or an admin agent (SPEC §10)."""
    if not is_direct_bill(partner):
        raise Forbidden(
            _("Only a direct-bill partner has a direct reseller relationship link."),
            reason="customers.not_direct_bill",
        )
    if not role_allows(user, CUSTOMER_CREATE_ROLES, partner):
        raise Forbidden(
            _("Only a %(roles)s of the partner can request reseller relationships.")
            % {"roles": roles_text(CUSTOMER_CREATE_ROLES)},
            rule="§10",
            reason="customers.role_cannot_request_relationship",
        )
    dap = "1" if delegated_admin else "0"
    return f"{settings.PORTAL_BASE_URL}/customers/relationship-request/{partner.tenant_id}/?dap={dap}"


# --- customer accounts -----------------------------------------------------------------------------


def customer_account_ensure(*, tenant: Tenant, store_for_business: bool | None = None) -> CustomerAccount:
    """The customer account of a customer tenant, created on first use with its sign-ins mirrored as
    directory users. Call inside a transaction."""
    if tenant.kind != Tenant.Kind.CUSTOMER:
        raise Forbidden(
            _("Only a customer tenant has a customer account."), rule="R12", reason="customers.not_a_customer"
        )
    account, created = CustomerAccount.objects.get_or_create(
        tenant=tenant,
        defaults={
            "company_name": tenant.display_name,
            "store_for_business": bool(store_for_business),
            "created_at": clock.now(),
        },
    )
    if not created and store_for_business is not None and account.store_for_business != store_for_business:
        account.store_for_business = store_for_business
        account.save(update_fields=["store_for_business"])
    if created:
        for user in User.objects.filter(tenant=tenant):
            _mirror_portal_user(account, user)
        events.record(EventKind.CUSTOMER_ACCOUNT_CREATED, tenant=tenant, obj=account, actor_label="system")
    return account


def _mirror_portal_user(account: CustomerAccount, user: User) -> CustomerUser:
    existing = CustomerUser.objects.filter(portal_user=user).first()
    if existing:
        return existing
    first, _sep, last = (user.display_name or "").partition(" ")
    return CustomerUser.objects.create(
        customer=account,
        user_principal_name=user.email,
        display_name=user.display_name or user.email,
        first_name=first,
        last_name=last,
        portal_user=user,
        created_at=clock.now(),
    )


# --- direct reseller relationship requests ---------------------------------------------------------


def direct_relationship_refusal(*, user: User) -> Forbidden | None:
    """Why this user may not accept a reseller relationship request, or None (the page asks it on GET)."""
    if user.tenant is None or user.tenant.kind != Tenant.Kind.CUSTOMER or not user.is_global_admin:
        return Forbidden(
            _("Only a global admin of the customer's tenant can accept a reseller relationship."),
            rule="R12",
            reason="customers.not_customer_global_admin",
        )
    return None


@transaction.atomic
def direct_relationship_accept(
    *, partner: PartnerProfile, user: User, delegated_admin: bool = True
) -> ResellerRelationship:
    """The customer's global admin accepts a direct-bill partner's reseller relationship request."""
    refusal = direct_relationship_refusal(user=user)
    if refusal is not None:
        raise refusal
    if not is_direct_bill(partner):
        raise Conflict(
            _("%(p)s is not a direct-bill partner.") % {"p": partner.legal_name},
            reason="customers.not_direct_bill",
        )
    account = customer_account_ensure(tenant=user.tenant)
    existing = ResellerRelationship.objects.filter(
        customer=account,
        partner=partner,
        kind=RelationshipKind.DIRECT,
        status=ResellerRelationship.Status.ACTIVE,
    ).first()
    if existing is not None:
        return existing
    relationship = ResellerRelationship.objects.create(
        customer=account,
        partner=partner,
        kind=RelationshipKind.DIRECT,
        delegated_admin=delegated_admin,
        source=ResellerRelationship.Source.RELATIONSHIP_REQUEST,
        established_at=clock.now(),
        established_by=user,
    )
    events.record(
        EventKind.CUSTOMER_RELATIONSHIP_ESTABLISHED,
        tenant=account.tenant,
        actor=user,
        obj=relationship,
        payload={"customer": str(account.tenant_id), "reseller": partner.mpn_id, "kind": "direct"},
    )
    return relationship


# --- customer tenants: the provider's for a reseller (R13), the direct-bill partner's (R18) -------------------------------------------------------


def _customer_tenant_create(
    *,
    partner: PartnerProfile,
    company_name: str,
    domain_prefix: str,
    contact_email: str,
    first_name: str,
    last_name: str,
    country: str,
    city: str,
    rule: str = "R13",
) -> tuple[CustomerAccount, User, str]:
    """A new customer tenant with its global admin and account, created by `partner` (no relationship yet)."""
    company_name = (company_name or "").strip()
    if not company_name:
        raise DomainError(_("Enter the customer's company name."), rule=rule, reason="customers.name_missing")
    domain = f"{(domain_prefix or '').strip().lower()}.onmicrosoft.com"
    try:
        domain_validator(domain)
    except Exception:
        raise DomainError(
            _(
                "A domain prefix uses lowercase letters, digits and hyphens (it becomes name.onmicrosoft.com)."
            ),
            rule=rule,
            reason="customers.domain_invalid",
        )
    if Tenant.objects.filter(default_domain=domain).exists():
        raise Conflict(
            _("The domain %(d)s is already taken.") % {"d": domain},
            rule=rule,
            reason="customers.domain_taken",
        )
    now = clock.now()
    tenant = Tenant.objects.create(
        default_domain=domain, display_name=company_name, kind=Tenant.Kind.CUSTOMER, created_at=now
    )
    password = secrets.token_urlsafe(12)
    admin = User.objects.create_user(
        f"admin@{domain}",
        password,
        tenant=tenant,
        role=Role.GLOBAL_ADMIN,
        display_name=" ".join(p for p in [first_name, last_name] if p) or _("Administrator"),
    )
    account = CustomerAccount.objects.create(
        tenant=tenant,
        company_name=company_name,
        country=country,
        city=city,
        contact_email=contact_email,
        created_by_partner=partner,
        created_at=now,
    )
    _mirror_portal_user(account, admin)
    return account, admin, password


@transaction.atomic
def customer_create_direct(
    *,
    partner: PartnerProfile,
    user: User,
    company_name: str,
    domain_prefix: str,
    contact_email: str = "",
    first_name: str = "",
    last_name: str = "",
    country: str = "",
    city: str = "",
) -> tuple[CustomerAccount, User, str]:
    """A direct-bill partner creates the Azure AD tenant of a new direct-bill customer (unlike an indirect
    reseller, R13; SPEC §10 roles); it becomes the customer's direct reseller of record with delegated admin
    privileges. Returns (account, admin user, password)."""
    refusal = direct_customer_creation_refusal(partner=partner, user=user)
    if refusal is not None:
        raise refusal
    account, admin, password = _customer_tenant_create(
        partner=partner,
        company_name=company_name,
        domain_prefix=domain_prefix,
        contact_email=contact_email,
        first_name=first_name,
        last_name=last_name,
        country=country,
        city=city,
        rule="R18",
    )
    relationship = ResellerRelationship.objects.create(
        customer=account,
        partner=partner,
        kind=RelationshipKind.DIRECT,
        delegated_admin=True,
        source=ResellerRelationship.Source.DIRECT_BILL,
        established_at=account.created_at,
        established_by=user,
    )
    tenant = account.tenant
    events.record(
        EventKind.CUSTOMER_CREATED,
        tenant=partner.tenant,
        actor=user,
        obj=account,
        payload={"customer": str(tenant.id), "domain": tenant.default_domain, "directBill": partner.mpn_id},
    )
    events.record(
        EventKind.CUSTOMER_RELATIONSHIP_ESTABLISHED,
        tenant=tenant,
        actor=user,
        obj=relationship,
        payload={"customer": str(tenant.id), "reseller": partner.mpn_id, "kind": "direct"},
    )
    return account, admin, password


@transaction.atomic
def customer_create_for_reseller(
    *,
    provider: PartnerProfile,
    user: User,
    reseller: PartnerProfile | None,
    company_name: str,
    domain_prefix: str,
    contact_email: str = "",
    first_name: str = "",
    last_name: str = "",
    country: str = "",
    city: str = "",
) -> tuple[CustomerAccount, User, str]:
    """R13: the indirect provider creates the customer's Azure AD tenant and names the reseller; the
    customer then appears in the reseller's customer list. Returns (account, admin user, password).
    `reseller` None (an id that names no partner) is refused like any reseller that is not partnered."""
    resellers = customer_creation_resellers(provider=provider, user=user)  # R13 and the role (403)
    if reseller is None or not resellers.filter(pk=reseller.pk).exists():
        raise DomainError(
            _(
                "%(reseller)s is not one of your indirect resellers. Create customers only for partnered resellers."
            )
            % {"reseller": reseller.legal_name if reseller else _("associatedPartnerId")},
            code=400,
            status=400,
            rule="R13",
            reason="customers.reseller_not_partnered",
        )
    account, admin, password = _customer_tenant_create(
        partner=provider,
        company_name=company_name,
        domain_prefix=domain_prefix,
        contact_email=contact_email,
        first_name=first_name,
        last_name=last_name,
        country=country,
        city=city,
    )
    now = account.created_at
    tenant = account.tenant
    domain = tenant.default_domain
    relationship = ResellerRelationship.objects.create(
        customer=account,
        partner=reseller,
        kind=RelationshipKind.INDIRECT,
        provider=provider,
        delegated_admin=True,
        source=ResellerRelationship.Source.PROVIDER_CREATED,
        established_at=now,
        established_by=user,
    )
    events.record(
        EventKind.CUSTOMER_CREATED,
        tenant=provider.tenant,
        actor=user,
        obj=account,
        payload={"customer": str(tenant.id), "domain": domain, "reseller": reseller.mpn_id},
    )
    events.record(
        EventKind.CUSTOMER_RELATIONSHIP_ESTABLISHED,
        tenant=tenant,
        actor=user,
        obj=relationship,
        payload={"customer": str(tenant.id), "reseller": reseller.mpn_id, "provider": provider.mpn_id},
    )
    return account, admin, password


# --- removing a reseller relationship ---------------------------------------------------------------


@transaction.atomic
def relationship_remove(
    *, relationship: ResellerRelationship, user: User, reason: str = ""
) -> ResellerRelationship:
    """End a reseller relationship: its partner of record's global admin or the customer's global admin
    does. As in the real API, every subscription under it must be suspended (or ended) first."""
    relationship = (
        ResellerRelationship.objects.select_for_update(of=("self",))
        .select_related("partner", "customer__tenant")
        .get(pk=relationship.pk)
    )
    refusal = removal_refusal(relationship=relationship, user=user)
    if refusal is not None:
        raise refusal
    now = clock.now()
    relationship.status = ResellerRelationship.Status.REMOVED
    relationship.removed_at, relationship.removed_by = now, user
    relationship.removed_reason = (reason or "")[:255]
    relationship.delegated_admin = False
    relationship.save(
        update_fields=["status", "removed_at", "removed_by", "removed_reason", "delegated_admin"]
    )
    events.record(
        EventKind.CUSTOMER_RELATIONSHIP_REMOVED,
        tenant=relationship.customer.tenant,
        actor=user,
        obj=relationship,
        reason=reason,
        payload={"reseller": relationship.partner.mpn_id, "kind": relationship.kind},
    )
    return relationship


@transaction.atomic
def reseller_relationships_remove(
    *, access: CustomerAccess, user: User, relationship_id: int | None = None, reason: str = ""
) -> list[ResellerRelationship]:
    """The partner ends its own reseller relationship with the customer: the one named (the customer
    page), or all of them (the API's `relationshipToPartner: none`). All or nothing."""
    own = [r for r in access.relationships if r.partner_id == access.profile.pk]
    if relationship_id is not None:
        own = [r for r in own if r.pk == relationship_id]
        if not own:
            raise NotFound(reason="customers.relationship_not_found")
    elif not own:
        raise Conflict(
            _("You are not this customer's reseller of record."), reason="customers.not_reseller_of_record"
        )
    return [relationship_remove(relationship=r, user=user, reason=reason) for r in own]
