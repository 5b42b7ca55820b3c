""" "Why can't I?" for partnerships: accepting a provider's invitation (`services.acceptance_refusals`, the
list the acceptance itself raises from) and inviting resellers (`services.require_provider`)."""

from __future__ import annotations

from types import SimpleNamespace

from django.utils.translation import gettext_lazy as _

from partnercenter import explain, ids
from partnercenter.explain import Fact, refusal_of
from tenants.explain import user_facts
from tenants.models import PartnerProfile, Partnership
from tenants.selectors import partner_profile_for, programs_for

from . import services
from .models import PartnerInvitation

ACTIONS = {
    "accept_partnership": _("Accept a provider's partnership invitation"),
    "invite_resellers": _("Invite resellers to a partnership"),
}

RULES = {
    "accept_partnership": [
        _("Only an indirect reseller's global admin accepts a provider's invitation."),
        _("A provider cannot accept its own invitation, and a reseller partners with a provider once."),
        _("A link works once, until it expires, unless the provider revoked it."),
    ],
    "invite_resellers": [
        _("Only an indirect provider invites resellers, through a global admin or admin agent."),
    ],
}

REMEDIES = {
    services.REASON_NOT_PARTNER: _("Sign in with a user of a partner tenant."),
    services.REASON_OWN_INVITATION: _("Send the link to the reseller you mean to invite."),
    services.REASON_NOT_GLOBAL_ADMIN: _("Ask your tenant's global admin."),
    services.REASON_NOT_RESELLER: _("Enroll as an indirect reseller and accept the agreement first."),
    services.REASON_ALREADY_PARTNERS: _("Nothing to do: you are already partners."),
    services.REASON_NOT_PROVIDER: _("Only indirect providers invite resellers."),
}


def _provider(params) -> PartnerProfile | None:
    """The provider asked about: the invitation's (page) or `providerId` (API; any provider: the facts
    below are the asking user's own)."""
    invitation = params.get("invitation")
    if isinstance(invitation, PartnerInvitation):
        return invitation.provider
    pk = ids.parse_pk(params.get("providerId"))
    return PartnerProfile.objects.filter(pk=pk).first() if pk is not None else None


def explain_accept_partnership(user, params):
    profile = partner_profile_for(user)
    provider = _provider(params)
    invitation = params.get("invitation") or SimpleNamespace(provider_id=provider.pk if provider else None)
    refusals = services.acceptance_refusals(invitation=invitation, user=user)
    facts = user_facts(user, profile, programs_for(profile) if profile else None)
    if profile is not None and provider is not None:
        partnered = Partnership.objects.filter(
            provider=provider, reseller=profile, status=Partnership.Status.ACTIVE
        ).exists()
        facts.append(
            Fact(
                "partnership",
                _("Partnership with %(provider)s") % {"provider": provider.legal_name},
                _("active") if partnered else _("none"),
            )
        )
    result = explain.build(
        "accept_partnership",
        ACTIONS["accept_partnership"],
        refusals=list(refusals),
        rules=RULES["accept_partnership"],
        facts=facts,
        remedies=REMEDIES,
    )
    return result


def explain_invite_resellers(user, params):
    profile = partner_profile_for(user)
    refusal = refusal_of(lambda: services.require_provider(profile=profile, user=user))
    return explain.build(
        "invite_resellers",
        ACTIONS["invite_resellers"],
        refusals=[refusal],
        rules=RULES["invite_resellers"],
        facts=user_facts(user, profile),
        remedies=REMEDIES,
    )


def register() -> None:
    explain.register(
        explain.Action(
            "accept_partnership", ACTIONS["accept_partnership"], explain_accept_partnership, order=30
        )
    )
    explain.register(
        explain.Action("invite_resellers", ACTIONS["invite_resellers"], explain_invite_resellers, order=35)
    )
