"""Customer accounts, customer invitations (R11, R12, R15, R16), provider-created tenants (R13) and
reseller relationships."""

from __future__ import annotations

import datetime as dt
import re
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partnercenter import clock, emails, events, jobs
from partnercenter.errors import Conflict, DomainError, Forbidden, NotFound
from partnercenter.tokens import token_hash, token_new
from tenants.models import PartnerProfile, Partnership, Program, Role, Tenant, User, domain_validator
from tenants.services import has_program, is_direct_bill

from ..models import (
    CustomerAccount,
    CustomerInvitation,
    CustomerUser,
    RelationshipKind,
    ResellerRelationship,
    Subscription,
)

INVITATION_PATH = "/customers/invitations/"
EXPIRE_JOB = "customers.invitation_expire"


def invitation_url(token: str) -> str:
    """Emailed links are built from PORTAL_BASE_URL, never from the request's Host header."""
    return f"{settings.PORTAL_BASE_URL}{INVITATION_PATH}{token}/"


def relationship_request_url(*, partner: PartnerProfile, delegated_admin: bool = True) -> str:
    """The direct reseller relationship link of a direct-bill partner (reusable, names the partner)."""
    dap = "1" if delegated_admin else "0"
    return f"{settings.PORTAL_BASE_URL}/customers/relationship-request/{partner.tenant_id}/?dap={dap}"


LINK_PLACEHOLDER = "[personalized invitation link]"
_TOKEN_IN_TEXT = re.compile(re.escape(INVITATION_PATH) + r"([A-Za-z0-9_\-]{20,})/?")


# --- customer accounts -----------------------------------------------------------------------------


def customer_account_ensure(*, tenant: Tenant, store_for_business: bool | None = None) -> CustomerAccount:
    """The customer account of a customer tenant, created on first use with its sign-ins mirrored as
    directory users. Call inside a transaction."""
    if tenant.kind != Tenant.Kind.CUSTOMER:
        raise Forbidden(_("Only a customer tenant has a customer account."), rule="R12")
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
        events.record("customer_account.created", tenant=tenant, obj=account, actor_label="system")
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


# --- customer invitations (R11) --------------------------------------------------------------------


def _require_reseller(profile: PartnerProfile) -> None:
    if not has_program(profile, Program.INDIRECT_RESELLER):
        raise Forbidden(
            _("Only an active indirect reseller can invite customers with a provider. Enroll first."),
            rule="R11",
        )


def _active_partnership(*, provider: PartnerProfile, reseller: PartnerProfile) -> bool:
    return Partnership.objects.filter(
        provider=provider, reseller=reseller, status=Partnership.Status.ACTIVE
    ).exists()


def email_draft(*, invitation: CustomerInvitation, url: str, sender: User | None) -> tuple[str, str]:
    reseller, provider = invitation.reseller.legal_name, invitation.provider.legal_name
    subject = _("Authorize %(reseller)s and %(provider)s as your Microsoft Cloud Solution Providers") % {
        "reseller": reseller,
        "provider": provider,
    }
    lines = [
        _("Hello,"),
        "",
        _(
            "%(reseller)s would like to be your Cloud Solution Provider reseller, together with its "
            "indirect provider %(provider)s, which will process your orders and bill your subscriptions."
        )
        % {"reseller": reseller, "provider": provider},
        "",
        _(
            "To authorize both as resellers of record for your organization, a global admin of your "
            "tenant opens this link, signs in and selects Authorize:"
        ),
        "",
        url,
        "",
    ]
    if invitation.include_delegated_admin:
        lines += [
            _(
                "The authorization includes delegated administration privileges, so %(reseller)s can "
                "manage your users, licenses and subscriptions on your behalf."
            )
            % {"reseller": reseller},
            "",
        ]
    lines += [_("Kind regards,"), (sender.name if sender else reseller), reseller]
    return subject, "\n".join(str(x) for x in lines)


@transaction.atomic
def customer_invitation_create(
    *, reseller: PartnerProfile, user: User, provider: PartnerProfile, include_delegated_admin: bool = True
) -> tuple[CustomerInvitation, str]:
    """R11: a personalized link tying the customer to both the reseller and the chosen provider.
    Returns the invitation and its clear token (shown once; only the hash is stored)."""
    _require_reseller(reseller)
    if user.role not in (Role.GLOBAL_ADMIN, Role.ADMIN_AGENT):
        raise Forbidden(_("Only a global admin or an admin agent can invite customers."), rule="R11")
    if not _active_partnership(provider=provider, reseller=reseller):
        raise DomainError(
            _("%(provider)s is not one of your indirect providers. Choose a provider you are partnered with.")
            % {"provider": provider.legal_name},
            code=400,
            status=400,
            rule="R11",
        )
    token, digest = token_new()
    now = clock.now()
    invitation = CustomerInvitation.objects.create(
        reseller=reseller,
        provider=provider,
        include_delegated_admin=include_delegated_admin,
        token_hash=digest,
        created_by=user,
        created_at=now,
        expires_at=now + dt.timedelta(days=settings.INVITATION_EXPIRY_DAYS),
    )
    url = invitation_url(token)
    subject, body = email_draft(invitation=invitation, url=url, sender=user)
    # The clear link never reaches the database: the stored draft keeps a placeholder.
    invitation.email_subject, invitation.email_body = subject, body.replace(url, LINK_PLACEHOLDER)
    invitation.save(update_fields=["email_subject", "email_body"])
    jobs.job_schedule(kind=EXPIRE_JOB, obj=invitation, due_at=invitation.expires_at, tenant=reseller.tenant)
    events.record(
        "customer_invitation.created",
        tenant=reseller.tenant,
        actor=user,
        obj=invitation,
        payload={
            "provider": provider.mpn_id,
            "includeDelegatedAdmin": include_delegated_admin,
            "expiresAt": invitation.expires_at.isoformat(),
        },
    )
    return invitation, token


def token_in_text(text: str) -> str | None:
    match = _TOKEN_IN_TEXT.search(text or "")
    return match.group(1) if match else None


def draft_text(invitation: CustomerInvitation, token: str) -> tuple[str, str]:
    """The stored draft with the clear link put back (the token comes from the reseller's page)."""
    return invitation.email_subject, invitation.email_body.replace(LINK_PLACEHOLDER, invitation_url(token))


@transaction.atomic
def customer_invitation_finish_draft(
    *, invitation: CustomerInvitation, user: User, token: str, subject: str, body: str, email_to: str = ""
) -> CustomerInvitation:
    """ "Done" on the draft email page: keep the final text (the personalized link must still be in it,
    unchanged) and, when an address is given, send it through the portal."""
    if not token or token_hash(token) != invitation.token_hash:
        raise NotFound()
    subject, body = (subject or "").strip(), (body or "").strip()
    if not subject:
        raise DomainError(_("The email needs a subject."), rule="R11")
    url = invitation_url(token)
    if url not in body:
        raise DomainError(
            _("The personalized invitation link must stay in the email text, unchanged."), rule="R11"
        )
    invitation = CustomerInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != CustomerInvitation.Status.PENDING:
        raise Conflict(_("This invitation is no longer pending."), rule="R11")
    invitation.email_subject, invitation.email_body = subject[:255], body.replace(url, LINK_PLACEHOLDER)
    fields = ["email_subject", "email_body"]
    if email_to:
        invitation.email_to = email_to
        fields.append("email_to")
        emails.email_send(
            kind="customer_invitation",
            to=email_to,
            subject=subject,
            body=body,
            tenant=invitation.reseller.tenant,
            dedupe_key=f"customer_invitation:{invitation.pk}:{email_to.lower()}",
        )
    invitation.save(update_fields=fields)
    events.record(
        "customer_invitation.drafted",
        tenant=invitation.reseller.tenant,
        actor=user,
        obj=invitation,
        payload={"emailedTo": email_to},
    )
    return invitation


@transaction.atomic
def customer_invitation_revoke(*, invitation: CustomerInvitation, user: User) -> CustomerInvitation:
    invitation = CustomerInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != CustomerInvitation.Status.PENDING:
        raise Conflict(_("Only a pending invitation can be revoked."))
    invitation.revoke()
    invitation.finished_at, invitation.finished_by = clock.now(), user
    invitation.save(update_fields=["status", "finished_at", "finished_by"])
    jobs.job_cancel(kind=EXPIRE_JOB, obj=invitation)
    events.record(
        "customer_invitation.revoked", tenant=invitation.reseller.tenant, actor=user, obj=invitation
    )
    return invitation


def lookup_invitation(token: str) -> tuple[CustomerInvitation | None, str]:
    """(invitation, state) for a link. A tampered token and an unknown one look the same. Reads only."""
    if not token or len(token) > 200:
        return None, "unknown"
    invitation = (
        CustomerInvitation.objects.filter(token_hash=token_hash(token))
        .select_related("reseller__tenant", "provider__tenant")
        .first()
    )
    if invitation is None:
        return None, "unknown"
    if invitation.status == CustomerInvitation.Status.PENDING and invitation.expires_at <= clock.now():
        return invitation, "expired"
    return invitation, invitation.status


_STATE_ERRORS = {
    "unknown": (
        404,
        404,
        gettext_lazy("This invitation link is not valid. Check that you copied the whole link."),
    ),
    "expired": (410, 410, gettext_lazy("This invitation has expired. Ask your partner for a new one.")),
    "accepted": (409, 409, gettext_lazy("This invitation has already been used.")),
    "revoked": (410, 410, gettext_lazy("This invitation was revoked by the partner.")),
    "declined": (409, 409, gettext_lazy("This invitation was declined.")),
}


def _raise_for_state(state: str) -> None:
    code, status, message = _STATE_ERRORS[state]
    raise DomainError(message, code=code, status=status, rule="R11")


def acceptance_refusal(*, invitation: CustomerInvitation, user: User) -> DomainError | None:
    """Why this signed-in user cannot authorize the invitation, or None. Reads only (also used by GET)."""
    tenant = user.tenant
    if tenant is None or tenant.kind != Tenant.Kind.CUSTOMER:
        return Forbidden(
            _(
                "This invitation is for a customer. Sign in with a global admin account of the customer's "
                "tenant, not a partner account."
            ),
            rule="R12",
        )
    if not user.is_global_admin:
        return Forbidden(
            _(
                "Only a global admin of %(tenant)s can authorize resellers of record. Ask your global admin "
                "to open this link."
            )
            % {"tenant": tenant.display_name},
            rule="R12",
        )
    account = CustomerAccount.objects.filter(tenant=tenant).first()
    if account is not None and account.store_for_business and is_direct_bill(invitation.reseller):
        return Conflict(
            _(
                "%(tenant)s is a Microsoft Store for Business customer. It cannot accept an indirect reseller "
                "invitation from %(reseller)s, an existing direct-bill partner; %(reseller)s keeps serving it "
                "through direct bill. Nothing was changed."
            )
            % {"tenant": tenant.display_name, "reseller": invitation.reseller.legal_name},
            rule="R16",
        )
    if not has_program(invitation.reseller, Program.INDIRECT_RESELLER):
        return Conflict(
            _("%(reseller)s is no longer an active indirect reseller.")
            % {"reseller": invitation.reseller.legal_name},
            rule="R12",
        )
    if not _active_partnership(provider=invitation.provider, reseller=invitation.reseller):
        return Conflict(
            _("%(reseller)s and %(provider)s are no longer partners.")
            % {"reseller": invitation.reseller.legal_name, "provider": invitation.provider.legal_name},
            rule="R12",
        )
    if account is not None:
        existing = ResellerRelationship.objects.filter(
            customer=account,
            partner=invitation.reseller,
            kind=RelationshipKind.INDIRECT,
            status=ResellerRelationship.Status.ACTIVE,
        ).first()
        if existing is not None:
            return Conflict(
                _("%(reseller)s is already your indirect reseller of record.")
                % {"reseller": invitation.reseller.legal_name},
                rule="R12",
            )
    return None


@transaction.atomic
def customer_invitation_accept(*, token: str, user: User) -> ResellerRelationship:
    """R12/R15: the customer's global admin authorizes both the reseller and the provider as resellers of
    record. Single use: one conditional UPDATE consumes the token; a second accept finds it used."""
    invitation, state = lookup_invitation(token)
    if invitation is None or state != "pending":
        _raise_for_state(state)
    refusal = acceptance_refusal(invitation=invitation, user=user)
    if refusal is not None:
        raise refusal
    now = clock.now()
    account = customer_account_ensure(tenant=user.tenant)
    consumed = CustomerInvitation.objects.filter(
        pk=invitation.pk, status=CustomerInvitation.Status.PENDING, expires_at__gt=now
    ).update(status=CustomerInvitation.Status.ACCEPTED, finished_at=now, finished_by=user, customer=account)
    if not consumed:
        _invitation, state = lookup_invitation(token)
        _raise_for_state(state if state != "pending" else "accepted")
    moved = ResellerRelationship.objects.filter(
        customer=account,
        partner=invitation.reseller,
        kind=RelationshipKind.DIRECT,
        status=ResellerRelationship.Status.ACTIVE,
    ).exists()
    try:
        with transaction.atomic():
            relationship = ResellerRelationship.objects.create(
                customer=account,
                partner=invitation.reseller,
                kind=RelationshipKind.INDIRECT,
                provider=invitation.provider,
                delegated_admin=invitation.include_delegated_admin,
                source=ResellerRelationship.Source.DIRECT_BILL
                if moved
                else ResellerRelationship.Source.INVITATION,
                invitation=invitation,
                established_at=now,
                established_by=user,
            )
    except IntegrityError:
        raise Conflict(_("This customer already has this reseller of record."), rule="R12")
    jobs.job_cancel(kind=EXPIRE_JOB, obj=invitation)
    events.record(
        "customer_invitation.accepted", tenant=invitation.reseller.tenant, actor=user, obj=invitation
    )
    payload = {
        "customer": str(account.tenant_id),
        "reseller": invitation.reseller.mpn_id,
        "provider": invitation.provider.mpn_id,
        "delegatedAdmin": invitation.include_delegated_admin,
        "movedFromDirectBill": moved,
    }
    events.record(
        "customer_relationship.established",
        tenant=account.tenant,
        actor=user,
        obj=relationship,
        payload=payload,
    )
    if moved:
        # R15: an existing direct-bill customer moved by the same invitation. Its direct-bill
        # subscriptions keep being managed and billed as before (R7); new purchases go through the provider.
        events.record(
            "customer_relationship.moved_to_indirect",
            tenant=invitation.reseller.tenant,
            actor=user,
            obj=relationship,
            payload=payload,
        )
    for partner in (invitation.reseller, invitation.provider):
        emails.email_send(
            kind="customer_relationship.established",
            to=partner.primary_contact_email,
            subject=_("%(customer)s authorized you as a reseller of record")
            % {"customer": account.company_name},
            body=_(
                "%(customer)s (%(domain)s) authorized %(reseller)s as its indirect reseller and %(provider)s as "
                "its indirect provider."
            )
            % {
                "customer": account.company_name,
                "domain": account.domain,
                "reseller": invitation.reseller.legal_name,
                "provider": invitation.provider.legal_name,
            },
            tenant=partner.tenant,
            dedupe_key=f"customer_relationship:{relationship.pk}:{partner.pk}",
        )
    return relationship


@transaction.atomic
def customer_invitation_decline(*, token: str, user: User) -> CustomerInvitation:
    invitation, state = lookup_invitation(token)
    if invitation is None or state != "pending":
        _raise_for_state(state)
    if user.tenant is None or user.tenant.kind != Tenant.Kind.CUSTOMER or not user.is_global_admin:
        raise Forbidden(_("Only a global admin of the customer's tenant can decline."), rule="R12")
    invitation = CustomerInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != CustomerInvitation.Status.PENDING:
        _raise_for_state(invitation.status)
    invitation.decline()
    invitation.finished_at, invitation.finished_by = clock.now(), user
    invitation.save(update_fields=["status", "finished_at", "finished_by"])
    jobs.job_cancel(kind=EXPIRE_JOB, obj=invitation)
    events.record(
        "customer_invitation.declined", tenant=invitation.reseller.tenant, actor=user, obj=invitation
    )
    return invitation


def customer_invitation_expire_due(*, invitation_id: int) -> str:
    """Job handler body: mark a pending invitation expired once its time is up (idempotent)."""
    invitation = CustomerInvitation.objects.select_for_update().filter(pk=invitation_id).first()
    if invitation is None:
        return "gone"
    if invitation.status != CustomerInvitation.Status.PENDING:
        return f"already {invitation.status}"
    if invitation.expires_at > clock.now():
        return "not due"
    invitation.expire()
    invitation.finished_at = clock.now()
    invitation.save(update_fields=["status", "finished_at"])
    events.record(
        "customer_invitation.expired",
        tenant=invitation.reseller.tenant,
        actor_label=f"job:{EXPIRE_JOB}",
        obj=invitation,
    )
    return "expired"


# --- direct reseller relationship requests ---------------------------------------------------------


@transaction.atomic
def direct_relationship_accept(
    *, partner: PartnerProfile, user: User, delegated_admin: bool = True
) -> ResellerRelationship:
    """The customer's global admin accepts a direct-bill partner's reseller relationship request."""
    if user.tenant is None or user.tenant.kind != Tenant.Kind.CUSTOMER or not user.is_global_admin:
        raise Forbidden(
            _("Only a global admin of the customer's tenant can accept a reseller relationship."), rule="R12"
        )
    if not is_direct_bill(partner):
        raise Conflict(_("%(p)s is not a direct-bill partner.") % {"p": partner.legal_name})
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
        "customer_relationship.established",
        tenant=account.tenant,
        actor=user,
        obj=relationship,
        payload={"customer": str(account.tenant_id), "reseller": partner.mpn_id, "kind": "direct"},
    )
    return relationship


# --- provider-created customer tenants (R13) -------------------------------------------------------


@transaction.atomic
def customer_create_for_reseller(
    *,
    provider: PartnerProfile,
    user: User,
    reseller: PartnerProfile,
    company_name: str,
    domain_prefix: str,
    contact_email: str = "",
    first_name: str = "",
    last_name: str = "",
    country: str = "",
    city: str = "",
) -> tuple[CustomerAccount, User, str]:
    """R13: the indirect provider creates the customer's Azure AD tenant and names the reseller; the
    customer then appears in the reseller's customer list. Returns (account, admin user, password)."""
    if not has_program(provider, Program.INDIRECT_PROVIDER):
        raise Forbidden(
            _(
                "Indirect resellers cannot create Azure AD tenants for new customers; your indirect provider "
                "creates the tenant and names you as the reseller."
            ),
            rule="R13",
        )
    if user.role not in (Role.GLOBAL_ADMIN, Role.ADMIN_AGENT):
        raise Forbidden(_("Only a global admin or an admin agent can create customers."), rule="R13")
    if not _active_partnership(provider=provider, reseller=reseller):
        raise DomainError(
            _(
                "%(reseller)s is not one of your indirect resellers. Create customers only for partnered resellers."
            )
            % {"reseller": reseller.legal_name},
            code=400,
            status=400,
            rule="R13",
        )
    company_name = (company_name or "").strip()
    if not company_name:
        raise DomainError(_("Enter the customer's company name."), rule="R13")
    domain = f"{(domain_prefix or '').strip().lower()}.onmicrosoft.com"
    try:
        domain_validator(domain)
    except Exception:
        raise DomainError(
            _(
                "A domain prefix uses lowercase letters, digits and hyphens (it becomes name.onmicrosoft.com)."
            ),
            rule="R13",
        )
    if Tenant.objects.filter(default_domain=domain).exists():
        raise Conflict(_("The domain %(d)s is already taken.") % {"d": domain}, rule="R13")
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
        created_by_partner=provider,
        created_at=now,
    )
    _mirror_portal_user(account, admin)
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
        "customer.created",
        tenant=provider.tenant,
        actor=user,
        obj=account,
        payload={"customer": str(tenant.id), "domain": domain, "reseller": reseller.mpn_id},
    )
    events.record(
        "customer_relationship.established",
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
    """End a reseller relationship. As in the real API, every subscription under it must be suspended
    (or ended) first. The caller has already checked that `user` may act on this relationship."""
    relationship = ResellerRelationship.objects.select_for_update().get(pk=relationship.pk)
    if relationship.status != ResellerRelationship.Status.ACTIVE:
        raise NotFound()
    active = Subscription.objects.filter(relationship=relationship, status=Subscription.Status.ACTIVE)
    count = active.count()
    if count:
        raise Conflict(
            _(
                "Suspend this relationship's %(n)d active subscription(s) before removing the reseller "
                "relationship."
            )
            % {"n": count},
            data=[str(pk) for pk in active.values_list("pk", flat=True)],
        )
    now = clock.now()
    relationship.status = ResellerRelationship.Status.REMOVED
    relationship.removed_at, relationship.removed_by = now, user
    relationship.removed_reason = (reason or "")[:255]
    relationship.delegated_admin = False
    relationship.save(
        update_fields=["status", "removed_at", "removed_by", "removed_reason", "delegated_admin"]
    )
    events.record(
        "customer_relationship.removed",
        tenant=relationship.customer.tenant,
        actor=user,
        obj=relationship,
        reason=reason,
        payload={"reseller": relationship.partner.mpn_id, "kind": relationship.kind},
    )
    return relationship


def find_invitation_by_token(token: str) -> CustomerInvitation:
    invitation, _state = lookup_invitation(token)
    if invitation is None:
        raise NotFound()
    return invitation
