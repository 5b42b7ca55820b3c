"""Customer invitations (R11, R12, R15, R16): what only this kind of invitation knows.

The link itself — its token and hash, lookup, single-use accept, decline, revoke, expiry and the answer
for each state — is `invitations.links`, shared with partnership invitations. Here: who may invite and
accept, the draft email with its link, and what accepting does (both resellers of record, the delegated
admin option, moving a direct-bill customer, the Store for Business refusal).

Nothing is pending until the reseller selects Done: "Next: draft email" only drafts
(`customer_invitation_draft`: a signed draft in the page's form, stored nowhere, its link not working
yet); Done stores the invitation with the final text and, given an address, emails it
(`customer_invitation_send_draft`). The API's create is itself the deliberate step: it returns the working
link and the draft text. A pending invitation can be emailed again (`customer_invitation_resend`) and its
link copied again (`customer_invitation_link_again`: one more link; earlier ones keep working).
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from invitations import links
from partnercenter import clock, emails, events, ids
from partnercenter.errors import Conflict, DomainError, Forbidden
from partnercenter.events import EventKind
from partnercenter.models import SentEmail
from tenants.models import PartnerProfile, Partnership, Program, Role, Tenant, User
from tenants.services import has_program, is_direct_bill, role_allows, roles_text

from ..models import CustomerAccount, CustomerInvitation, RelationshipKind, ResellerRelationship
from .accounts import customer_account_ensure

# The stored draft and email keep this in place of the link: the clear link never reaches the database.
LINK_PLACEHOLDER = links.LINK_PLACEHOLDER
# The outbox kind of the invitation email (its link is rebuilt at delivery: `links.email_renderer`).
EMAIL_KIND = "customer_invitation"

INVITER_ROLES = (Role.GLOBAL_ADMIN, Role.ADMIN_AGENT)

# Refusal reasons (callers branch on these, never on the message text).
REASON_NOT_RESELLER = "customer_invitation.not_reseller"
REASON_ROLE = "customer_invitation.role_cannot_invite"
REASON_PROVIDER_NOT_PARTNERED = "customer_invitation.provider_not_partnered"
REASON_SUBJECT_MISSING = "customer_invitation.subject_missing"
REASON_NOT_CUSTOMER = "customer_invitation.not_customer"
REASON_NOT_CUSTOMER_GLOBAL_ADMIN = "customer_invitation.not_customer_global_admin"
REASON_STORE_FOR_BUSINESS = "customer_invitation.store_for_business"
REASON_RESELLER_INACTIVE = "customer_invitation.reseller_inactive"
REASON_PARTNERSHIP_ENDED = "customer_invitation.partnership_ended"
REASON_ALREADY_RESELLER = "customer_invitation.already_reseller_of_record"
REASON_NOT_EMAILED = "customer_invitation.not_emailed"
REASON_RESENT_RECENTLY = "customer_invitation.resent_recently"
# A pending invitation is emailed again at most once in this time (a double click sends once).
RESEND_INTERVAL_SECONDS = 60


def invitation_url(token: str) -> str:
    """A customer invitation's link (from PORTAL_BASE_URL, never from the request's Host header)."""
    return CustomerInvitation.link_url(token)


def lookup_invitation(token: str) -> tuple[CustomerInvitation | None, str]:
    """(invitation, state) for a link; see `invitations.links.lookup`. Reads only."""
    return links.lookup(CustomerInvitation, token)


def _require_reseller(profile: PartnerProfile | None) -> None:
    if profile is None or not has_program(profile, Program.INDIRECT_RESELLER):
        raise Forbidden(
            _("Only an active indirect reseller can invite customers with a provider. Enroll first."),
            rule="R11",
            reason=REASON_NOT_RESELLER,
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
def require_customer_inviter(*, reseller: PartnerProfile | None, user: User) -> None:
    """R11, SPEC §10: an active indirect reseller's global admin or admin agent invites customers (the
    Invite new customers pages ask this before showing anything)."""
    _require_reseller(reseller)
    if not role_allows(user, INVITER_ROLES, tenant_id=reseller.tenant_id):
        raise Forbidden(
            _("Only a %(roles)s of the reseller can invite customers or revoke their invitations.")
            % {"roles": roles_text(INVITER_ROLES)},
            rule="R11",
            reason=REASON_ROLE,
        )


def _provider_not_partnered() -> DomainError:
    # Names no one: a refusal must not tell a reseller who a partner it is not partnered with is.
    return DomainError(
        _("That provider is not one of your indirect providers. Choose a provider you are partnered with."),
        code=400,
        status=400,
        rule="R11",
        reason=REASON_PROVIDER_NOT_PARTNERED,
    )


def partnered_provider(*, reseller: PartnerProfile | None, user: User, provider_id) -> PartnerProfile:
    """R11: the provider to invite customers with, by its tenant id (a UUID, as in Partner Center), among
    this reseller's active partnerships. Anything else — malformed, a sequential number, an unknown id or
    another partner's — gets one and the same refusal, so it never tells whether such a partner exists."""
    require_customer_inviter(reseller=reseller, user=user)
    tenant_id = ids.parse_uuid(provider_id)
    partnership = (
        Partnership.objects.select_related("provider__tenant")
        .filter(reseller=reseller, status=Partnership.Status.ACTIVE, provider__tenant_id=tenant_id)
        .first()
        if tenant_id is not None
        else None
    )
    if partnership is None:
        raise _provider_not_partnered()
    return partnership.provider


def customer_invitation_create(
    *, reseller: PartnerProfile, user: User, provider: PartnerProfile, include_delegated_admin: bool = True
) -> tuple[CustomerInvitation, str]:
    """R11: a personalized link tying the customer to both the reseller and the chosen provider.
    Returns the invitation and its clear token (shown once; only the hash is stored)."""
    require_customer_inviter(reseller=reseller, user=user)
    if not _active_partnership(provider=provider, reseller=reseller):
        raise _provider_not_partnered()
    invitation, token = links.issue(
        CustomerInvitation,
        user=user,
        reseller=reseller,
        provider=provider,
        include_delegated_admin=include_delegated_admin,
        payload={"provider": provider.mpn_id, "includeDelegatedAdmin": include_delegated_admin},
    )
    url = invitation_url(token)
    subject, body = email_draft(invitation=invitation, url=url, sender=user)
    invitation.email_subject = links.scrub(subject, invitation=invitation, token=token)
    invitation.email_body = links.scrub(body, invitation=invitation, token=token)
    invitation.save(update_fields=["email_subject", "email_body"])
    return invitation, token


def customer_invitation_draft(
    *, reseller: PartnerProfile, user: User, provider: PartnerProfile, include_delegated_admin: bool = True
) -> tuple[CustomerInvitation, links.Draft]:
    """R11 "Next: draft email": an unsaved invitation and its signed draft. Nothing is stored and the
    draft's link does not work until Done (`customer_invitation_send_draft`)."""
    require_customer_inviter(reseller=reseller, user=user)
    if not _active_partnership(provider=provider, reseller=reseller):
        raise _provider_not_partnered()
    draft = links.draft_new(
        CustomerInvitation,
        user=user,
        fields={"provider": provider.pk, "dap": bool(include_delegated_admin)},
    )
    return _unsaved(reseller=reseller, user=user, provider=provider, draft=draft), draft


def _unsaved(*, reseller, user, provider, draft: links.Draft) -> CustomerInvitation:
    invitation = CustomerInvitation(
        reseller=reseller,
        provider=provider,
        include_delegated_admin=bool(draft.fields.get("dap", True)),
        created_by=user,
        expires_at=draft.expires_at,
    )
    invitation.email_subject, invitation.email_body = email_draft(
        invitation=invitation, url=LINK_PLACEHOLDER, sender=user
    )
    return invitation


def customer_invitation_draft_open(
    *, reseller: PartnerProfile, user: User, signed: str
) -> tuple[CustomerInvitation, links.Draft]:
    """The draft a posted form brought back (this reseller's user's, recent, its provider still a partner)."""
    require_customer_inviter(reseller=reseller, user=user)
    draft = links.draft_open(CustomerInvitation, signed, user=user)
    provider = (
        PartnerProfile.objects.select_related("tenant").filter(pk=draft.fields.get("provider")).first()
        if isinstance(draft.fields.get("provider"), int)
        else None
    )
    if provider is None or not _active_partnership(provider=provider, reseller=reseller):
        raise _provider_not_partnered()
    return _unsaved(reseller=reseller, user=user, provider=provider, draft=draft), draft


@transaction.atomic
def customer_invitation_send_draft(
    *, reseller: PartnerProfile, user: User, draft: str, subject: str, body: str, email_to: str = ""
) -> tuple[CustomerInvitation, bool]:
    """ "Done" on the draft email page: only now is the invitation stored (pending) and its link works;
    the final text is kept (the personalized link must still be in it, unchanged) and, when an address is
    given, emailed through the portal. Returns (invitation, created): the same draft posted again (a
    double click) creates and sends nothing more."""
    unsaved, opened = customer_invitation_draft_open(reseller=reseller, user=user, signed=draft)
    subject, body = (subject or "").strip(), (body or "").strip()
    links.check_draft_text(CustomerInvitation, token=opened.token, body=body)
    if not subject:
        raise DomainError(_("The email needs a subject."), rule="R11", reason=REASON_SUBJECT_MISSING)
    invitation, created = links.issue_from_draft(
        CustomerInvitation,
        opened,
        user=user,
        reseller=reseller,
        provider=unsaved.provider,
        include_delegated_admin=unsaved.include_delegated_admin,
        payload={
            "provider": unsaved.provider.mpn_id,
            "includeDelegatedAdmin": unsaved.include_delegated_admin,
        },
    )
    if not created:
        return invitation, False
    invitation = customer_invitation_finish_draft(
        invitation=invitation, user=user, token=opened.token, subject=subject, body=body, email_to=email_to
    )
    return invitation, True


def _pending_of_reseller(*, invitation: CustomerInvitation, user: User) -> CustomerInvitation:
    require_customer_inviter(reseller=invitation.reseller, user=user)
    invitation = (
        CustomerInvitation.objects.select_for_update()
        .select_related("reseller__tenant", "provider__tenant")
        .get(pk=invitation.pk)
    )
    links.require_pending(invitation)
    return invitation


@transaction.atomic
def customer_invitation_link_again(*, invitation: CustomerInvitation, user: User) -> str:
    """ "Copy link again" (the caller fetched the invitation scoped to the reseller): only the hashes of
    links are stored, so this issues one more link for the same invitation, returned once; the earlier
    links keep working until the invitation is accepted, declined, revoked or expires."""
    invitation = _pending_of_reseller(invitation=invitation, user=user)
    token = links.link_add(invitation)
    events.record(
        EventKind.CUSTOMER_INVITATION_LINK_ISSUED,
        tenant=invitation.reseller.tenant,
        actor=user,
        obj=invitation,
    )
    return token


@transaction.atomic
def customer_invitation_resend(*, invitation: CustomerInvitation, user: User):
    """ "Resend": the invitation's email again, through the outbox, to the address it was sent to; its
    delivery carries a fresh link (`links.email_renderer`)."""
    invitation = _pending_of_reseller(invitation=invitation, user=user)
    if not invitation.email_to:
        raise Conflict(
            _("This invitation was not emailed through the portal. Copy its link again instead."),
            rule="R11",
            reason=REASON_NOT_EMAILED,
        )
    sent = SentEmail.objects.filter(
        object_type=CustomerInvitation._meta.label_lower, object_id=str(invitation.pk)
    )
    since = clock.now() - dt.timedelta(seconds=RESEND_INTERVAL_SECONDS)
    recently = _("This invitation was emailed less than a minute ago. Wait a moment before sending it again.")
    if sent.filter(created_at__gt=since).exists():
        raise Conflict(recently, rule="R11", reason=REASON_RESENT_RECENTLY)
    email = emails.email_send(
        kind=EMAIL_KIND,
        to=invitation.email_to,
        subject=invitation.email_subject,
        body=invitation.email_body,
        tenant=invitation.reseller.tenant,
        dedupe_key=f"customer_invitation:{invitation.pk}:{invitation.email_to.lower()}:{sent.count() + 1}",
        obj=invitation,
    )
    if email is None:
        raise Conflict(recently, rule="R11", reason=REASON_RESENT_RECENTLY)
    events.record(
        EventKind.CUSTOMER_INVITATION_RESENT,
        tenant=invitation.reseller.tenant,
        actor=user,
        obj=invitation,
        payload={"to": invitation.email_to},
    )
    return email


def draft_text(invitation: CustomerInvitation, token: str) -> tuple[str, str]:
    """The stored draft with the clear link put back (the token comes from the reseller's page)."""
    url = invitation_url(token)
    return links.personalize(invitation.email_subject, url=url), links.personalize(
        invitation.email_body, url=url
    )


@transaction.atomic
def customer_invitation_finish_draft(
    *, invitation: CustomerInvitation, user: User, token: str, subject: str, body: str, email_to: str = ""
) -> CustomerInvitation:
    """ "Done" on the draft email page: keep the final text (the personalized link must still be in it,
    unchanged) and, when an address is given, send it through the portal."""
    require_customer_inviter(reseller=invitation.reseller, user=user)
    subject, body = (subject or "").strip(), (body or "").strip()
    links.check_draft(invitation, token=token, body=body)
    if not subject:
        raise DomainError(_("The email needs a subject."), rule="R11", reason=REASON_SUBJECT_MISSING)
    invitation = (
        CustomerInvitation.objects.select_for_update()
        .select_related("reseller__tenant")
        .get(pk=invitation.pk)
    )
    links.require_pending(invitation)
    # Stored with a placeholder for the link; each delivery of the email carries a fresh link.
    subject = links.scrub(subject, invitation=invitation, token=token)[:255]
    body = links.scrub(body, invitation=invitation, token=token)
    invitation.email_subject, invitation.email_body = subject, body
    fields = ["email_subject", "email_body"]
    if email_to:
        invitation.email_to = email_to
        fields.append("email_to")
        emails.email_send(
            kind=EMAIL_KIND,
            to=email_to,
            subject=subject,
            body=body,
            tenant=invitation.reseller.tenant,
            dedupe_key=f"customer_invitation:{invitation.pk}:{email_to.lower()}",
            obj=invitation,
        )
    invitation.save(update_fields=fields)
    events.record(
        EventKind.CUSTOMER_INVITATION_DRAFTED,
        tenant=invitation.reseller.tenant,
        actor=user,
        obj=invitation,
        payload={"emailedTo": email_to},
    )
    return invitation


@transaction.atomic
def customer_invitation_revoke(*, invitation: CustomerInvitation, user: User) -> CustomerInvitation:
    """The reseller's global admin or admin agent (the caller fetched the invitation scoped to it), or ops
    staff (Django admin users without a tenant), revoke a pending link (SPEC §10: who may create it)."""
    if not (user.is_staff and user.tenant_id is None):
        require_customer_inviter(reseller=invitation.reseller, user=user)
    return links.revoke(invitation, user=user)


def _require_customer_global_admin(user: User, message) -> None:
    tenant = user.tenant
    if tenant is None or tenant.kind != Tenant.Kind.CUSTOMER:
        raise Forbidden(message, rule="R12", reason=REASON_NOT_CUSTOMER)
    if not user.is_global_admin:
        raise Forbidden(message, rule="R12", reason=REASON_NOT_CUSTOMER_GLOBAL_ADMIN)


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
            reason=REASON_NOT_CUSTOMER,
        )
    if not user.is_global_admin:
        return Forbidden(
            _(
                "Only a global admin of %(tenant)s can authorize resellers of record. Ask your global admin "
                "to open this link."
            )
            % {"tenant": tenant.display_name},
            rule="R12",
            reason=REASON_NOT_CUSTOMER_GLOBAL_ADMIN,
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
            reason=REASON_STORE_FOR_BUSINESS,
        )
    if not has_program(invitation.reseller, Program.INDIRECT_RESELLER):
        return Conflict(
            _("%(reseller)s is no longer an active indirect reseller.")
            % {"reseller": invitation.reseller.legal_name},
            rule="R12",
            reason=REASON_RESELLER_INACTIVE,
        )
    if not _active_partnership(provider=invitation.provider, reseller=invitation.reseller):
        return Conflict(
            _("%(reseller)s and %(provider)s are no longer partners.")
            % {"reseller": invitation.reseller.legal_name, "provider": invitation.provider.legal_name},
            rule="R12",
            reason=REASON_PARTNERSHIP_ENDED,
        )
    if account is not None:
        existing = ResellerRelationship.objects.filter(
            customer=account,
            partner=invitation.reseller,
            kind=RelationshipKind.INDIRECT,
            status=ResellerRelationship.Status.ACTIVE,
        ).exists()
        if existing:
            return Conflict(
                _("%(reseller)s is already your indirect reseller of record.")
                % {"reseller": invitation.reseller.legal_name},
                rule="R12",
                reason=REASON_ALREADY_RESELLER,
            )
    return None


@transaction.atomic
def customer_invitation_accept(*, token: str, user: User) -> ResellerRelationship:
    """R12/R15: the customer's global admin authorizes both the reseller and the provider as resellers of
    record. Single use: `links.consume` is one conditional UPDATE; a second accept finds it used."""
    invitation = links.open_invitation(CustomerInvitation, token)
    refusal = acceptance_refusal(invitation=invitation, user=user)
    if refusal is not None:
        raise refusal
    now = clock.now()
    account = customer_account_ensure(tenant=user.tenant)
    links.consume(invitation, user=user, customer=account)
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
        raise Conflict(
            _("This customer already has this reseller of record."),
            rule="R12",
            reason=REASON_ALREADY_RESELLER,
        )
    payload = {
        "customer": str(account.tenant_id),
        "reseller": invitation.reseller.mpn_id,
        "provider": invitation.provider.mpn_id,
        "delegatedAdmin": invitation.include_delegated_admin,
        "movedFromDirectBill": moved,
    }
    events.record(
        EventKind.CUSTOMER_RELATIONSHIP_ESTABLISHED,
        tenant=account.tenant,
        actor=user,
        obj=relationship,
        payload=payload,
    )
    if moved:
        # R15: an existing direct-bill customer moved by the same invitation. Its direct-bill
        # subscriptions keep being managed and billed as before (R7); new purchases go through the provider.
        events.record(
            EventKind.CUSTOMER_RELATIONSHIP_MOVED_TO_INDIRECT,
            tenant=invitation.reseller.tenant,
            actor=user,
            obj=relationship,
            payload=payload,
        )
    for partner in (invitation.reseller, invitation.provider):
        emails.email_send(
            kind="customer_relationship.established",
            to=partner.primary_contact_email,
            subject=lambda: (
                _("%(customer)s authorized you as a reseller of record") % {"customer": account.company_name}
            ),
            body=lambda: (
                _(
                    "%(customer)s (%(domain)s) authorized %(reseller)s as its indirect reseller and %(provider)s as "
                    "its indirect provider."
                )
                % {
                    "customer": account.company_name,
                    "domain": account.domain,
                    "reseller": invitation.reseller.legal_name,
                    "provider": invitation.provider.legal_name,
                }
            ),
            tenant=partner.tenant,
            dedupe_key=f"customer_relationship:{relationship.pk}:{partner.pk}",
        )
    return relationship


@transaction.atomic
def customer_invitation_decline(*, token: str, user: User) -> CustomerInvitation:
    invitation = links.open_invitation(CustomerInvitation, token)
    _require_customer_global_admin(user, _("Only a global admin of the customer's tenant can decline."))
    return links.decline(invitation, user=user)
