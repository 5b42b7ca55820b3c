"""Writes for partnership invitations and partnerships (R1, R9, R10).

Rule chosen for who may accept a link (documented in docs/walkthrough-providers.md): as in Partner
Center, whoever opens the link and is the **global admin of an active indirect reseller** may accept it,
once. The provider itself, customer tenants, partners not (yet) enrolled as indirect resellers and
users who are not global admins are refused with the reason. An invitation listed on a reseller's
Indirect providers page (because it was sent to one of that tenant's addresses) can also be accepted
from there, by the same rules.

Nothing is pending until the provider sends it: "Request a reseller relationship" only drafts
(`invitation_draft`, stored nowhere); Send or Done on the draft stores the invitation and makes its link
work (`invitation_finish`). A pending invitation can be emailed again (`invitation_resend`) and its link
copied again (`invitation_link_again`: a new link, the earlier ones keep working until the invitation
ends).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from partnercenter import clock, events
from partnercenter.emails import email_send
from partnercenter.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from partnercenter.events import EventKind
from partnercenter.models import SentEmail
from tenants.models import PartnerProfile, Partnership, Program, Role, User
from tenants.selectors import partner_profile_for
from tenants.services import has_program

from . import links
from .links import CODE_BAD_DRAFT, CODE_NOT_PENDING, expiry_days  # noqa: F401 - re-exported
from .models import PartnerInvitation, invitation_url

INVITER_ROLES = {Role.GLOBAL_ADMIN, Role.ADMIN_AGENT}
# The outbox kind of the invitation email (its link is rebuilt at delivery: `links.email_renderer`).
EMAIL_KIND = "partner_invitation"

# API error codes (SPEC §6 body); HTTP status says the class, the code says which refusal. A link's own
# states (unknown 4040, expired 4100, used 4101, revoked 4102, declined 4103) are `links.ANSWERS`, the
# same for customer invitation links.
CODE_UNKNOWN_LINK = links.ANSWERS[links.UNKNOWN].code
CODE_EXPIRED = links.ANSWERS[links.EXPIRED].code
CODE_USED = links.ANSWERS[links.USED].code
CODE_REVOKED = links.ANSWERS[links.REVOKED].code
CODE_DECLINED = links.ANSWERS[links.DECLINED].code
CODE_NOT_GLOBAL_ADMIN = 4030
CODE_NOT_RESELLER = 4031
CODE_NOT_PARTNER = 4032
CODE_OWN_INVITATION = 4033
CODE_NOT_PROVIDER = 4034
CODE_ALREADY_PARTNERS = 4090

# Refusal reasons (callers branch on these, never on the message text).
REASON_NOT_PROVIDER = "invitation.not_provider"
REASON_NOT_GLOBAL_ADMIN = "invitation.not_global_admin"
REASON_NOT_PARTNER = "invitation.not_partner"
REASON_OWN_INVITATION = "invitation.own_invitation"
REASON_NOT_RESELLER = "invitation.not_reseller"
REASON_ALREADY_PARTNERS = "partnership.exists"
REASON_NOT_FOUND = "invitation.not_found"
REASON_PARTNERSHIP_NOT_FOUND = "partnership.not_found"
REASON_PARTNERSHIP_REMOVED = "partnership.removed"
REASON_SUBJECT_MISSING = "invitation.subject_missing"
REASON_NOT_EMAILED = "invitation.not_emailed"
REASON_RESENT_RECENTLY = "invitation.resent_recently"
# A pending invitation is emailed again at most once in this time (a double click sends once).
RESEND_INTERVAL_SECONDS = 60


def enrollment_url() -> str:
    try:
        return reverse("enrollment:enroll")
    except NoReverseMatch:
        return "/enrollment/"


# --- who may act -----------------------------------------------------------------------------------


def require_provider(*, profile: PartnerProfile | None, user: User) -> PartnerProfile:
    """An active indirect provider's global admin or admin agent manages its invitations."""
    if profile is None or not has_program(profile, Program.INDIRECT_PROVIDER):
        raise Forbidden(
            _("Only an indirect provider can invite resellers."),
            code=CODE_NOT_PROVIDER,
            rule="R10",
            reason=REASON_NOT_PROVIDER,
        )
    if user.tenant_id != profile.tenant_id or user.role not in INVITER_ROLES:
        raise Forbidden(
            _("Only a global admin or admin agent of the provider can manage partnership invitations."),
            code=CODE_NOT_GLOBAL_ADMIN,
            rule="R1",
            reason=REASON_NOT_GLOBAL_ADMIN,
        )
    return profile


class Refusal(DomainError):
    """A reason why this user cannot accept; `link` points at what to do about it (e.g. enroll)."""

    def __init__(
        self, message, *, code: int, status: int, reason: str, rule: str = "", link: str = "", link_label=""
    ):
        super().__init__(message, code=code, status=status, rule=rule, reason=reason)
        self.link = link
        self.link_label = link_label


def acceptance_refusals(*, invitation: PartnerInvitation, user: User) -> list[Refusal]:
    """Every reason this user cannot accept this invitation, in plain words (empty = may accept)."""
    profile = partner_profile_for(user)
    if profile is None:
        return [
            Refusal(
                _("This invitation is for partners: your tenant is not a partner tenant."),
                code=CODE_NOT_PARTNER,
                status=403,
                rule="R10",
                reason=REASON_NOT_PARTNER,
            )
        ]
    if profile.pk == invitation.provider_id:
        return [
            Refusal(
                _("This invitation was sent by your own organization; a provider cannot accept it."),
                code=CODE_OWN_INVITATION,
                status=403,
                rule="R10",
                reason=REASON_OWN_INVITATION,
            )
        ]
    reasons: list[Refusal] = []
    if not user.is_global_admin:
        reasons.append(
            Refusal(
                _("Only the global admin of your tenant can accept a provider's invitation."),
                code=CODE_NOT_GLOBAL_ADMIN,
                status=403,
                rule="R1",
                reason=REASON_NOT_GLOBAL_ADMIN,
            )
        )
    if not has_program(profile, Program.INDIRECT_RESELLER):
        reasons.append(
            Refusal(
                _("Your organization must enroll as an indirect reseller first."),
                code=CODE_NOT_RESELLER,
                status=403,
                rule="R10",
                reason=REASON_NOT_RESELLER,
                link=enrollment_url(),
                link_label=_("Enroll as an indirect reseller"),
            )
        )
    if Partnership.objects.filter(
        provider_id=invitation.provider_id, reseller=profile, status=Partnership.Status.ACTIVE
    ).exists():
        reasons.append(
            Refusal(
                _("Your organization is already partnered with this provider."),
                code=CODE_ALREADY_PARTNERS,
                status=409,
                rule="R10",
                reason=REASON_ALREADY_PARTNERS,
            )
        )
    return reasons


def invitation_by_token(token: str) -> PartnerInvitation | None:
    """Unknown and tampered tokens look the same: no row has their hash."""
    return links.lookup(PartnerInvitation, token)[0]


def tenant_addresses(profile: PartnerProfile) -> set[str]:
    """The addresses that belong to a partner: its users' sign-ins and its profile contacts."""
    emails = set(User.objects.filter(tenant_id=profile.tenant_id).values_list("email", flat=True))
    emails |= {profile.primary_contact_email.lower(), profile.mpn_account_email.lower()}
    return {e.lower() for e in emails if e}


# --- provider side ---------------------------------------------------------------------------------


@transaction.atomic
def invitation_create(*, provider: PartnerProfile, user: User) -> tuple[PartnerInvitation, str]:
    """A new pending invitation and its link token (shown to the provider, never stored)."""
    require_provider(profile=provider, user=user)
    return links.issue(PartnerInvitation, user=user, provider=provider)


def email_draft(*, invitation: PartnerInvitation, token: str) -> tuple[str, str]:
    """The default subject and body of the invitation email, with the personalized link."""
    provider = invitation.provider
    subject = gettext("%(provider)s invites you to become an indirect reseller") % {
        "provider": provider.legal_name
    }
    body = gettext(
        "Hello,\n\n"
        "%(provider)s (MPN ID %(mpn)s) invites your organization to an indirect reseller relationship "
        "in Partner Center. As your indirect provider we can order for your customers and support your "
        "cloud business.\n\n"
        "To accept, the global admin of your Partner Center tenant opens this link and signs in:\n"
        "%(url)s\n\n"
        "The link expires on %(expires)s. Your organization must be enrolled as an indirect reseller "
        "to accept.\n\n"
        "Regards,\n%(provider)s"
    ) % {
        "provider": provider.legal_name,
        "mpn": provider.mpn_id,
        "url": invitation_url(token),
        "expires": invitation.expires_at.strftime("%Y-%m-%d"),
    }
    return subject, body


def _locked_provider_invitation(*, invitation_id: int, provider: PartnerProfile) -> PartnerInvitation:
    invitation = (
        PartnerInvitation.objects.select_for_update()
        .filter(pk=invitation_id, provider=provider)
        .select_related("provider__tenant")
        .first()
    )
    if invitation is None:
        raise NotFound(_("No such invitation."), reason=REASON_NOT_FOUND)
    return invitation


def _clean_recipient(*, provider: PartnerProfile, to: str) -> str:
    to = (to or "").strip().lower()
    try:
        validate_email(to)
    except ValidationError:
        raise InvalidInput(_("Enter the reseller's email address."))
    if to in tenant_addresses(provider):
        raise DomainError(
            _("That address belongs to your own organization: a provider cannot invite itself."),
            code=CODE_OWN_INVITATION,
            rule="R10",
            reason=REASON_OWN_INVITATION,
        )
    return to


def _not_pending(message) -> Conflict:
    return Conflict(message, code=CODE_NOT_PENDING, reason=links.REASON_NOT_PENDING)


@transaction.atomic
def invitation_send(
    *, provider: PartnerProfile, invitation_id: int, user: User, token: str, to: str, subject: str, body: str
) -> SentEmail:
    """Send the (edited) invitation email through the portal, once. Delivery happens after commit."""
    require_provider(profile=provider, user=user)
    invitation = _locked_provider_invitation(invitation_id=invitation_id, provider=provider)
    links.require_pending(invitation)
    if invitation.sent_at is not None:
        raise _not_pending(_("This invitation was already sent to %(email)s.") % {"email": invitation.email})
    subject = _clean_subject(subject)
    links.check_draft(invitation, token=token, body=body)
    to = _clean_recipient(provider=provider, to=to)
    return _email(invitation=invitation, user=user, token=token, to=to, subject=subject, body=body)


def _clean_subject(subject: str) -> str:
    subject = (subject or "").strip()
    if not subject:
        raise InvalidInput(_("Enter a subject."), reason=REASON_SUBJECT_MISSING)
    if len(subject) > 255:
        raise InvalidInput(_("A subject has at most 255 characters."), reason=REASON_SUBJECT_MISSING)
    return subject


def _email(*, invitation: PartnerInvitation, user: User, token: str, to: str, subject: str, body: str):
    """Email the invitation through the portal, once, and mark it sent."""
    provider = invitation.provider
    # Stored with a placeholder for the link: each delivery puts a fresh link of this invitation in
    # the message it sends (`links.email_renderer`), so no row holds a usable one.
    subject = links.scrub(subject, invitation=invitation, token=token)
    email = email_send(
        kind=EMAIL_KIND,
        to=to,
        subject=subject,
        body=links.scrub(body, invitation=invitation, token=token),
        tenant=provider.tenant,
        dedupe_key=f"partner-invitation:{invitation.pk}",
        obj=invitation,
    )
    if email is None:
        raise _not_pending(_("This invitation was already sent."))
    invitation.email = to
    invitation.subject = subject
    invitation.sent_at = clock.now()
    invitation.save(update_fields=["email", "subject", "sent_at"])
    events.record(
        EventKind.PARTNER_INVITATION_SENT,
        tenant=provider.tenant,
        actor=user,
        obj=invitation,
        payload={"to": to},
    )
    return email


@transaction.atomic
def invitation_create_and_send(
    *, provider: PartnerProfile, user: User, to: str
) -> tuple[PartnerInvitation, str]:
    """The API's one step: create an invitation and email the default draft to `to`."""
    require_provider(profile=provider, user=user)
    _clean_recipient(provider=provider, to=to)
    invitation, token = invitation_create(provider=provider, user=user)
    subject, body = email_draft(invitation=invitation, token=token)
    invitation_send(
        provider=provider,
        invitation_id=invitation.pk,
        user=user,
        token=token,
        to=to,
        subject=subject,
        body=body,
    )
    return PartnerInvitation.objects.get(pk=invitation.pk), token


def invitation_draft(*, provider: PartnerProfile, user: User) -> tuple[PartnerInvitation, links.Draft]:
    """ "Request a reseller relationship": a draft (an unsaved invitation and its signed draft) that
    nothing stores; its link works only once the provider sends it (`invitation_finish`)."""
    require_provider(profile=provider, user=user)
    draft = links.draft_new(PartnerInvitation, user=user)
    return _unsaved(provider=provider, user=user, draft=draft), draft


def invitation_draft_open(*, provider: PartnerProfile, user: User, signed: str):
    """The draft a posted form brought back: (unsaved invitation, draft), or the draft's refusal."""
    require_provider(profile=provider, user=user)
    draft = links.draft_open(PartnerInvitation, signed, user=user)
    return _unsaved(provider=provider, user=user, draft=draft), draft


def _unsaved(*, provider: PartnerProfile, user: User, draft: links.Draft) -> PartnerInvitation:
    return PartnerInvitation(provider=provider, created_by=user, expires_at=draft.expires_at)


@transaction.atomic
def invitation_finish(
    *, provider: PartnerProfile, user: User, draft: str, to: str, subject: str, body: str
) -> tuple[PartnerInvitation, bool]:
    """Send (with the reseller's address: emailed through the portal) or Done (without: the provider
    shares the link itself) on the draft page. Only now is the invitation stored, pending, and the draft's
    link works. Returns (invitation, created): the same draft posted again creates nothing."""
    require_provider(profile=provider, user=user)
    opened = links.draft_open(PartnerInvitation, draft, user=user)
    subject = _clean_subject(subject)
    links.check_draft_text(PartnerInvitation, token=opened.token, body=body)
    to = _clean_recipient(provider=provider, to=to) if (to or "").strip() else ""
    invitation, created = links.issue_from_draft(
        PartnerInvitation,
        opened,
        user=user,
        provider=provider,
        payload={"delivery": "email" if to else "link"},
    )
    if not created:
        return invitation, False
    if to:
        _email(invitation=invitation, user=user, token=opened.token, to=to, subject=subject, body=body)
    else:
        invitation.subject = links.scrub(subject, invitation=invitation, token=opened.token)
        invitation.sent_at = clock.now()
        invitation.save(update_fields=["subject", "sent_at"])
    return invitation, True


def _pending_of_provider(*, provider: PartnerProfile, invitation_id: int, user: User) -> PartnerInvitation:
    require_provider(profile=provider, user=user)
    invitation = _locked_provider_invitation(invitation_id=invitation_id, provider=provider)
    links.require_pending(invitation)
    return invitation


@transaction.atomic
def invitation_link_again(*, provider: PartnerProfile, invitation_id: int, user: User) -> str:
    """ "Copy link again" on a pending invitation: only the hashes of its links are stored, so this issues
    one more link for the same invitation (returned once, clear) and the earlier links keep working until
    the invitation is accepted, declined, revoked or expires."""
    invitation = _pending_of_provider(provider=provider, invitation_id=invitation_id, user=user)
    token = links.link_add(invitation)
    events.record(
        EventKind.PARTNER_INVITATION_LINK_ISSUED, tenant=provider.tenant, actor=user, obj=invitation
    )
    return token


def _recently_emailed(invitation) -> bool:
    since = clock.now() - dt.timedelta(seconds=RESEND_INTERVAL_SECONDS)
    return SentEmail.objects.filter(
        object_type=invitation._meta.label_lower, object_id=str(invitation.pk), created_at__gt=since
    ).exists()


@transaction.atomic
def invitation_resend(*, provider: PartnerProfile, invitation_id: int, user: User) -> SentEmail:
    """ "Resend" on a pending invitation emailed through the portal: the same email again, through the
    outbox, to the same address; its delivery carries a fresh link (`links.email_renderer`)."""
    invitation = _pending_of_provider(provider=provider, invitation_id=invitation_id, user=user)
    if not invitation.email:
        raise Conflict(
            _("This invitation was not emailed through the portal. Copy its link again instead."),
            code=CODE_NOT_PENDING,
            reason=REASON_NOT_EMAILED,
        )
    if _recently_emailed(invitation):
        raise Conflict(
            _("This invitation was emailed less than a minute ago. Wait a moment before sending it again."),
            code=CODE_NOT_PENDING,
            reason=REASON_RESENT_RECENTLY,
        )
    emails_so_far = SentEmail.objects.filter(
        object_type=invitation._meta.label_lower, object_id=str(invitation.pk)
    )
    last = emails_so_far.order_by("-created_at", "-pk").first()
    if last is not None:
        subject, body = last.subject, last.body  # as stored: the link is a placeholder
    else:  # emailed before emails were kept: the default text, with the placeholder for the link
        placeholder_token = "link"
        subject, body = email_draft(invitation=invitation, token=placeholder_token)
        body = body.replace(invitation_url(placeholder_token), links.LINK_PLACEHOLDER)
    email = email_send(
        kind=EMAIL_KIND,
        to=invitation.email,
        subject=subject,
        body=body,
        tenant=provider.tenant,
        dedupe_key=f"partner-invitation:{invitation.pk}:{emails_so_far.count() + 1}",
        obj=invitation,
    )
    if email is None:
        raise Conflict(
            _("This invitation was emailed less than a minute ago. Wait a moment before sending it again."),
            code=CODE_NOT_PENDING,
            reason=REASON_RESENT_RECENTLY,
        )
    events.record(
        EventKind.PARTNER_INVITATION_RESENT,
        tenant=provider.tenant,
        actor=user,
        obj=invitation,
        payload={"to": invitation.email},
    )
    return email


@transaction.atomic
def invitation_new_link(*, provider: PartnerProfile, invitation_id: int, user: User) -> str:
    """Replace the link of an unsent pending invitation (the clear link is shown only once)."""
    require_provider(profile=provider, user=user)
    invitation = _locked_provider_invitation(invitation_id=invitation_id, provider=provider)
    if links.error_for(invitation) is not None or invitation.sent_at is not None:
        raise _not_pending(_("Only an unsent pending invitation can get a new link."))
    token = links.replace_token(invitation)
    events.record(
        EventKind.PARTNER_INVITATION_LINK_REPLACED, tenant=provider.tenant, actor=user, obj=invitation
    )
    return token


@transaction.atomic
def invitation_revoke(*, provider: PartnerProfile, invitation_id: int, user: User) -> PartnerInvitation:
    """Revoke a pending invitation: its link stops working at once. The provider's admins, or ops staff
    (Django admin users without a tenant)."""
    if not (user.is_staff and user.tenant_id is None):
        require_provider(profile=provider, user=user)
    invitation = _locked_provider_invitation(invitation_id=invitation_id, provider=provider)
    return links.revoke(invitation, user=user)


# --- reseller side ---------------------------------------------------------------------------------


def _accept(*, invitation: PartnerInvitation, user: User) -> Partnership:
    error = links.error_for(invitation)
    if error is not None:
        raise error
    refusals = acceptance_refusals(invitation=invitation, user=user)
    if refusals:
        raise refusals[0]
    reseller = partner_profile_for(user)
    links.consume(
        invitation,
        user=user,
        reseller=reseller,
        payload={"reseller": reseller.legal_name, "resellerTenantId": str(reseller.tenant_id)},
    )
    try:
        with transaction.atomic():
            partnership = Partnership.objects.create(
                provider_id=invitation.provider_id, reseller=reseller, created_at=clock.now()
            )
    except IntegrityError:
        raise Conflict(
            _("Your organization is already partnered with this provider."),
            code=CODE_ALREADY_PARTNERS,
            reason=REASON_ALREADY_PARTNERS,
        )
    PartnerInvitation.objects.filter(pk=invitation.pk).update(partnership=partnership)
    provider = invitation.provider
    events.record(
        EventKind.PARTNERSHIP_ACCEPTED,
        tenant=reseller.tenant,
        actor=user,
        obj=partnership,
        payload={"provider": provider.legal_name, "providerTenantId": str(provider.tenant_id)},
    )
    email_send(
        kind="partnership_accepted",
        to=provider.primary_contact_email,
        subject=lambda: (
            gettext("%(reseller)s accepted your reseller relationship request")
            % {"reseller": reseller.legal_name}
        ),
        body=lambda: (
            gettext(
                "%(reseller)s (MPN ID %(mpn)s) accepted your invitation. It now appears in your Indirect "
                "resellers list:\n%(url)s\n"
            )
            % {
                "reseller": reseller.legal_name,
                "mpn": reseller.mpn_id,
                "url": settings.PORTAL_BASE_URL + reverse("invitations:indirect_resellers"),
            }
        ),
        tenant=provider.tenant,
        dedupe_key=f"partnership-accepted:{partnership.pk}",
    )
    return partnership


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> Partnership:
    """R1, R10: accept a provider's invitation by its link."""
    return _accept(invitation=links.open_invitation(PartnerInvitation, token), user=user)


@transaction.atomic
def invitation_accept_listed(*, invitation_id: int, user: User) -> Partnership:
    """Accept an invitation sent to one of this tenant's addresses, from the Indirect providers page."""
    invitation = _addressed_invitation(invitation_id=invitation_id, user=user)
    return _accept(invitation=invitation, user=user)


def _addressed_invitation(*, invitation_id: int, user: User) -> PartnerInvitation:
    profile = partner_profile_for(user)
    invitation = (
        PartnerInvitation.objects.select_related("provider__tenant").filter(pk=invitation_id).first()
        if profile is not None
        else None
    )
    if invitation is None or invitation.email not in tenant_addresses(profile):
        raise NotFound(_("No such invitation."), reason=REASON_NOT_FOUND)
    return invitation


def _decline(*, invitation: PartnerInvitation, user: User) -> PartnerInvitation:
    error = links.error_for(invitation)
    if error is not None:
        raise error
    profile = partner_profile_for(user)
    if profile is None or profile.pk == invitation.provider_id:
        raise Forbidden(
            _("Only the invited reseller can decline this invitation."), rule="R10", reason=REASON_NOT_PARTNER
        )
    if not user.is_global_admin:
        raise Forbidden(
            _("Only the global admin of your tenant can answer a provider's invitation."),
            code=CODE_NOT_GLOBAL_ADMIN,
            rule="R1",
            reason=REASON_NOT_GLOBAL_ADMIN,
        )
    return links.decline(invitation, user=user, reseller=profile, payload={"reseller": profile.legal_name})


@transaction.atomic
def invitation_decline(*, token: str, user: User) -> PartnerInvitation:
    return _decline(invitation=links.open_invitation(PartnerInvitation, token), user=user)


@transaction.atomic
def invitation_decline_listed(*, invitation_id: int, user: User) -> PartnerInvitation:
    return _decline(invitation=_addressed_invitation(invitation_id=invitation_id, user=user), user=user)


def invitation_expire(*, invitation_id: int, actor_label: str) -> bool:
    """Ops: mark one overdue pending invitation expired now (the job and the sweep do it otherwise)."""
    return links.expire(PartnerInvitation, invitation_id, as_of=clock.now(), actor_label=actor_label)


# --- partnerships -----------------------------------------------------------------------------------


@transaction.atomic
def partnership_remove(*, provider: PartnerProfile, partnership_id: int, user: User) -> Partnership:
    """R10: the provider removes a partnership. The reseller's customers stay associated (untouched)."""
    if not has_program(provider, Program.INDIRECT_PROVIDER):
        raise Forbidden(
            _("Only an indirect provider can remove a partnership."),
            code=CODE_NOT_PROVIDER,
            reason=REASON_NOT_PROVIDER,
        )
    if user.tenant_id != provider.tenant_id or not user.is_global_admin:
        raise Forbidden(
            _("Only the provider's global admin can remove a partnership."),
            code=CODE_NOT_GLOBAL_ADMIN,
            rule="R1",
            reason=REASON_NOT_GLOBAL_ADMIN,
        )
    partnership = (
        Partnership.objects.select_for_update()
        .select_related("reseller__tenant")
        .filter(pk=partnership_id, provider=provider)
        .first()
    )
    if partnership is None:
        raise NotFound(_("No such partnership."), reason=REASON_PARTNERSHIP_NOT_FOUND)
    if partnership.status != Partnership.Status.ACTIVE:
        raise Conflict(
            _("This partnership was already removed."),
            code=CODE_NOT_PENDING,
            reason=REASON_PARTNERSHIP_REMOVED,
        )
    partnership.status = Partnership.Status.REMOVED
    partnership.removed_at = clock.now()
    partnership.removed_by = user
    partnership.save(update_fields=["status", "removed_at", "removed_by"])
    events.record(
        EventKind.PARTNERSHIP_REMOVED,
        tenant=provider.tenant,
        actor=user,
        obj=partnership,
        payload={
            "reseller": partnership.reseller.legal_name,
            "resellerTenantId": str(partnership.reseller.tenant_id),
        },
    )
    return partnership
