""" "Why can't I?" for enrollment: Enroll now and Accept and continue, from the same checks the services
run (`selectors.eligibility_reasons`, `services.agreement_refusal`)."""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from partnercenter import explain
from partnercenter.errors import Forbidden
from partnercenter.explain import Fact
from tenants.explain import user_facts, yes_no
from tenants.selectors import partner_profile_for, programs_for

from . import selectors, services

ENROLL_RULES = [
    _("Only the partner tenant's global admin enrolls."),
    _("Only direct-bill partners identified for direct bill offboarding enroll with their existing tenant."),
    _("The partner profile and MPN ID must be confirmed as current before enrolling."),
    _("A partner has one enrollment at a time, and becoming an indirect reseller cannot be undone."),
]

ENROLL_REMEDIES = {
    selectors.NOT_GLOBAL_ADMIN: _("Ask your tenant's global admin to enroll."),
    selectors.NOT_DIRECT_BILL: _(
        "Enrolling with an existing tenant is for direct-bill partners; other partners sign up as a new "
        "indirect reseller instead."
    ),
    selectors.NOT_IDENTIFIED_FOR_OFFBOARDING: _(
        "Wait until Microsoft identifies your organization for direct bill offboarding."
    ),
    selectors.PROFILE_NOT_CONFIRMED: _(
        "Confirm your partner profile and MPN ID on the Partner profile page."
    ),
    selectors.ENROLLMENT_OPEN: _("Wait for your enrollment in progress to be reviewed."),
    selectors.ALREADY_INDIRECT_RESELLER: _(
        "Nothing to do: your organization is already an indirect reseller."
    ),
}

AGREEMENT_RULES = [
    _("Only the partner tenant's global admin accepts the indirect reseller agreement."),
    _("The agreement is offered once the enrollment is approved, and it is accepted only once."),
]

AGREEMENT_REMEDIES = {
    "role.not_global_admin": _("Ask your tenant's global admin to accept the agreement."),
    services.AGREEMENT_NOT_APPROVED_REASON: _(
        "Enroll first, then wait for the enrollment to be approved (up to 5 business days)."
    ),
    services.AGREEMENT_ALREADY_ACCEPTED_REASON: _("Nothing to do: the agreement is already accepted."),
}


def _not_partner(action: str, label) -> explain.Explanation:
    refusal = Forbidden(_("Only partner tenants enroll."), reason="enrollment.not_partner")
    return explain.Explanation(
        action=action,
        label=label,
        refusals=[refusal],
        rules=[_("Enrollment is for partner tenants.")],
        facts=[],
        changes=[_("Sign in with a user of the partner tenant.")],
    )


def _enrollment_facts(profile, current) -> list[Fact]:
    confirmed = profile.details_confirmed_at
    return [
        Fact(
            "identifiedForOffboarding",
            _("Identified for direct bill offboarding"),
            yes_no(profile.identified_for_offboarding),
        ),
        Fact(
            "profileConfirmed",
            _("Partner profile confirmed as current"),
            date_format(confirmed, "DATE_FORMAT") if confirmed else _("no"),
        ),
        Fact(
            "enrollment",
            _("Your enrollment"),
            current.get_state_display() if current is not None else _("none yet"),
        ),
    ]


def explain_enroll(user, params) -> explain.Explanation:
    label = ACTIONS["enroll"]
    profile = partner_profile_for(user)
    if profile is None:
        return _not_partner("enroll", label)
    programs = programs_for(profile)
    current = selectors.enrollment_current(profile)
    reasons = selectors.eligibility_reasons(profile=profile, user=user, programs=programs, current=current)
    result = explain.build(
        "enroll",
        label,
        refusals=[services.NotEligible(reasons) if reasons else None],
        rules=ENROLL_RULES,
        facts=user_facts(user, profile, programs) + _enrollment_facts(profile, current),
        remedies={},
    )
    result.changes = [ENROLL_REMEDIES[r.code] for r in reasons]
    return result


def explain_accept_agreement(user, params) -> explain.Explanation:
    label = ACTIONS["accept_agreement"]
    profile = partner_profile_for(user)
    if profile is None:
        return _not_partner("accept_agreement", label)
    current = selectors.enrollment_current(profile)
    return explain.build(
        "accept_agreement",
        label,
        refusals=[services.agreement_refusal(profile=profile, user=user)],
        rules=AGREEMENT_RULES,
        facts=user_facts(user, profile) + _enrollment_facts(profile, current),
        remedies=AGREEMENT_REMEDIES,
    )


ACTIONS = {
    "enroll": _("Enroll in the indirect reseller program"),
    "accept_agreement": _("Accept the indirect reseller agreement"),
}


def register() -> None:
    explain.register(explain.Action("enroll", ACTIONS["enroll"], explain_enroll, order=10))
    explain.register(
        explain.Action("accept_agreement", ACTIONS["accept_agreement"], explain_accept_agreement, order=20)
    )
