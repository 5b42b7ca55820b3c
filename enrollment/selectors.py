"""Reads for enrollment and incentives, always scoped to the acting partner's profile."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partnercenter import clock, events, ids
from partnercenter.templatetags.timeline import Next, entries
from tenants.models import PartnerProfile, Program, ProgramMembership

from .models import (
    Enrollment,
    EnrollmentState,
    IncentiveInvitation,
    IncentiveProgram,
    IncentiveProgramEnrollment,
    IncentiveState,
)


@dataclass(frozen=True)
class Reason:
    """Why the partner cannot enroll yet: the rule, a stable code and plain words (page, API, events)."""

    rule: str
    code: str
    message: str

    def as_data(self) -> dict:
        return {"rule": self.rule, "code": self.code, "description": str(self.message)}


NOT_GLOBAL_ADMIN = "not_global_admin"
NOT_DIRECT_BILL = "not_direct_bill"
NOT_IDENTIFIED_FOR_OFFBOARDING = "not_identified_for_offboarding"
PROFILE_NOT_CONFIRMED = "profile_not_confirmed"
ENROLLMENT_OPEN = "enrollment_open"
ALREADY_INDIRECT_RESELLER = "already_indirect_reseller"

_MESSAGES = {
    NOT_GLOBAL_ADMIN: gettext_lazy(
        "Only a global admin of your tenant can enroll. Ask your global admin to enroll."
    ),
    NOT_DIRECT_BILL: gettext_lazy(
        "Your organization is not a CSP direct-bill partner. Enrolling with your existing tenant is only "
        "offered to direct-bill partners."
    ),
    NOT_IDENTIFIED_FOR_OFFBOARDING: gettext_lazy(
        "Your organization has not been identified for direct bill offboarding. Only identified "
        "direct-bill partners can enroll with their existing tenant."
    ),
    PROFILE_NOT_CONFIRMED: gettext_lazy(
        "Your partner profile and MPN ID have not been confirmed as current. Confirm them on the "
        "Partner profile page first."
    ),
    ENROLLMENT_OPEN: gettext_lazy("You already have an indirect reseller enrollment in progress."),
    ALREADY_INDIRECT_RESELLER: gettext_lazy(
        "Your organization is already an indirect reseller. Enrollment cannot be undone or repeated."
    ),
}

_RULES = {
    NOT_GLOBAL_ADMIN: "R1",
    NOT_DIRECT_BILL: "R3",
    NOT_IDENTIFIED_FOR_OFFBOARDING: "R3",
    PROFILE_NOT_CONFIRMED: "R2",
    ENROLLMENT_OPEN: "§4",
    ALREADY_INDIRECT_RESELLER: "R6",
}


def reason(code: str) -> Reason:
    return Reason(rule=_RULES[code], code=code, message=_MESSAGES[code])


def enrollment_current(profile: PartnerProfile | None) -> Enrollment | None:
    """The partner's latest enrollment: the open or active one if any (there is at most one), else the
    latest rejected one."""
    if profile is None:
        return None
    return Enrollment.objects.filter(partner=profile).order_by("-submitted_at", "-id").first()


# The reasons that depend on the partner alone (R3, R6), not on who looks or on the profile's confirmation:
# without any of them, enrolling with the existing tenant is offered to this partner.
NOT_OFFERED = frozenset({NOT_DIRECT_BILL, NOT_IDENTIFIED_FOR_OFFBOARDING, ALREADY_INDIRECT_RESELLER})


def eligibility_reasons(
    *, profile: PartnerProfile, user, programs: dict | None = None, current: Enrollment | None = None
) -> list[Reason]:
    """Every reason, in plain words, why `user` cannot enroll `profile` now (R1–R3, one open enrollment,
    R6). An empty list means "Enroll now" is offered. The one place these rules are decided: the service,
    the enrollment page, the API and the Overview card (through `enrollment_eligibility`) all ask it."""
    if programs is None:
        programs = {m.program: m for m in ProgramMembership.objects.filter(partner=profile)}
    if current is None:
        current = enrollment_current(profile)
    reasons: list[Reason] = []
    if not getattr(user, "is_global_admin", False) or getattr(user, "tenant_id", None) != profile.tenant_id:
        reasons.append(reason(NOT_GLOBAL_ADMIN))
    if Program.INDIRECT_RESELLER in programs or (current and current.state == EnrollmentState.ACTIVE):
        reasons.append(reason(ALREADY_INDIRECT_RESELLER))
        return reasons
    if Program.DIRECT_BILL not in programs:
        reasons.append(reason(NOT_DIRECT_BILL))
    if not profile.identified_for_offboarding:
        reasons.append(reason(NOT_IDENTIFIED_FOR_OFFBOARDING))
    if profile.details_confirmed_at is None:
        reasons.append(reason(PROFILE_NOT_CONFIRMED))
    if current is not None and current.is_open:
        reasons.append(reason(ENROLLMENT_OPEN))
    return reasons


@dataclass(frozen=True)
class Eligibility:
    """Where `profile` stands for `user`: its latest enrollment and every reason it cannot enroll now."""

    current: Enrollment | None
    reasons: list[Reason]

    @property
    def codes(self) -> set[str]:
        return {r.code for r in self.reasons}

    @property
    def can_enroll(self) -> bool:
        return not self.reasons

    @property
    def offered(self) -> bool:
        """R3: enrolling with the existing tenant is offered to this partner (a direct-bill partner
        identified for direct bill offboarding, not an indirect reseller yet), whichever of its users
        looks and whether or not the profile is confirmed yet."""
        return not (self.codes & NOT_OFFERED)


def enrollment_eligibility(*, profile: PartnerProfile, user, programs: dict | None = None) -> Eligibility:
    current = enrollment_current(profile)
    return Eligibility(
        current=current,
        reasons=eligibility_reasons(profile=profile, user=user, programs=programs, current=current),
    )


def enrollment_history(enrollment: Enrollment | None):
    """The enrollment's history, oldest first: its events from the one audit trail (each state change
    with who, when, why, and the from/to states in the payload)."""
    if enrollment is None:
        return []
    return list(events.for_object(enrollment))


def enrollment_status_row(profile: PartnerProfile | None, rows: list[dict]) -> list[dict]:
    """Program info (R4): the indirect reseller row shows the enrollment's status at any time."""
    current = enrollment_current(profile)
    if current is None:
        return rows
    for row in rows:
        if row["program"] != Program.INDIRECT_RESELLER:
            continue
        # The enrollment and its history stay reachable after the agreement is accepted.
        row["link_url"] = reverse("enrollment:enroll")
        row["link_label"] = _("Enrollment status and history")
        if row.get("membership") is not None:
            if current.state == EnrollmentState.ACTIVE and current.activated_at:
                row["note"] = _("Agreement accepted on %(date)s.") % {
                    "date": date_format(current.activated_at, "DATE_FORMAT")
                }
            continue
        state = current.state
        if state == EnrollmentState.PENDING_APPROVAL:
            row["status_label"] = _("Pending approval")
            row["status_class"] = "pending"
            row["since"] = current.submitted_at
            row["promised_at"] = current.approval_promised_at
            # One date everywhere (R4): the promise of 5 business days after enrolling, not the policy's
            # internal due time (which may be "now" under the immediate policy).
            row["note"] = approval_promise_text(current) or _(
                "Waiting for review by Partner Center staff (up to 5 business days)."
            )
        elif state == EnrollmentState.APPROVED:
            row["status_label"] = _("Approved")
            row["status_class"] = "approved"
            row["since"] = current.approved_at
            row["note"] = _("Accept the indirect reseller agreement on the Overview page to finish.")
        elif state == EnrollmentState.REJECTED:
            row["status_label"] = _("Rejected")
            row["status_class"] = "rejected"
            row["since"] = current.rejected_at
            row["note"] = _("Reason: %(reason)s You can enroll again.") % {"reason": current.rejection_reason}
        elif state == EnrollmentState.ACTIVE:
            row["status_label"] = _("Active")
            row["status_class"] = "active"
            row["since"] = current.activated_at
    return rows


def _transition_note(enrollment: Enrollment) -> dict:
    """Human notes of the enrollment's transitions. The events' `reason` of "Enroll now" and "Accept and
    continue" names the button that was clicked; the timeline says what it meant instead."""

    def submitted(event) -> str:
        email = (event.payload or {}).get("primaryContactEmail") or enrollment.primary_contact_email
        return _("The approval email goes to the primary contact, %(email)s.") % {"email": email}

    def approved(event) -> str:
        return _("An email was sent to %(email)s. Next, accept the indirect reseller agreement.") % {
            "email": enrollment.primary_contact_email
        }

    def rejected(event) -> str:
        return _("Reason: %(reason)s") % {"reason": event.reason} if event.reason else ""

    def activated(event) -> str:
        return _(
            "Your organization is now both a direct-bill partner and an indirect reseller. Indirect "
            "providers now appears in the navigation."
        )

    return {
        events.EventKind.ENROLLMENT_SUBMITTED.value: submitted,
        events.EventKind.ENROLLMENT_APPROVED.value: approved,
        events.EventKind.ENROLLMENT_REJECTED.value: rejected,
        events.EventKind.ENROLLMENT_ACTIVATED.value: activated,
    }


def enrollment_timeline(enrollment: Enrollment | None, *, viewer_tenant_id=None, history=None):
    """The enrollment drawn as a timeline: its events (from the one audit trail) with human notes, and what
    is expected next and when. Returns `(entries, next)`; `next` is None when nothing is expected."""
    if enrollment is None:
        return [], None
    if history is None:
        history = enrollment_history(enrollment)
    items = entries(history, viewer_tenant_id=viewer_tenant_id, notes=_transition_note(enrollment))
    following = None
    if enrollment.state == EnrollmentState.PENDING_APPROVAL:
        if enrollment.is_past_promise:
            following = Next(
                _("Approval was expected by this date; Partner Center staff are still reviewing it"),
                enrollment.approval_promised_at,
                overdue=True,
            )
        elif enrollment.approval_promised_at is not None:
            following = Next(_("Approval expected by"), enrollment.approval_promised_at)
        else:
            following = Next(_("Approval by Partner Center staff"))
    elif enrollment.state == EnrollmentState.APPROVED:
        following = Next(_("Accept the indirect reseller agreement on the Overview page"))
    elif enrollment.state == EnrollmentState.REJECTED:
        following = Next(_("You can enroll again"))
    elif enrollment.state == EnrollmentState.ACTIVE:
        invitation = (
            IncentiveInvitation.objects.filter(enrollment=enrollment, state=IncentiveState.SCHEDULED)
            .only("due_at")
            .first()
        )
        if invitation is not None:
            following = Next(
                _("Invitation to the indirect reseller incentives expected by"), invitation.due_at
            )
    return items, following


def approval_promise_text(enrollment: Enrollment) -> str:
    """R4: the promised approval date in plain words, and whether it has passed (pending only)."""
    if enrollment.state != EnrollmentState.PENDING_APPROVAL or enrollment.approval_promised_at is None:
        return ""
    date = date_format(enrollment.approval_promised_at, "DATE_FORMAT")
    if enrollment.is_past_promise:
        return _(
            "Approval was promised by %(date)s; it is taking longer than promised and Partner Center staff "
            "are still reviewing it."
        ) % {"date": date}
    return _("Approval promised by %(date)s.") % {"date": date}


def agreement_pending(profile: PartnerProfile | None) -> Enrollment | None:
    """The approved enrollment whose agreement waits for "Accept and continue" (R5), if any."""
    if profile is None:
        return None
    return Enrollment.objects.filter(partner=profile, state=EnrollmentState.APPROVED).first()


def agreement_signed(profile: PartnerProfile) -> bool:
    return Enrollment.objects.filter(partner=profile, state=EnrollmentState.ACTIVE).exists()


def incentive_invitations_for(profile: PartnerProfile):
    return (
        IncentiveInvitation.objects.filter(partner=profile)
        .select_related("enrollment")
        .order_by("-created_at")
    )


def incentive_invitation_for(profile: PartnerProfile, invitation_id) -> IncentiveInvitation | None:
    pk = ids.parse_pk(invitation_id)
    return IncentiveInvitation.objects.filter(partner=profile, pk=pk).first() if pk is not None else None


def direct_bill_incentives_for(
    profile: PartnerProfile, programs: dict | None = None
) -> list[IncentiveProgram]:
    """R19: the direct-bill incentive programs this tenant is still eligible for — those of a program it
    is an active member of, still offered and not closed."""
    if programs is None:
        programs = {m.program: m for m in ProgramMembership.objects.filter(partner=profile)}
    membership = programs.get(Program.DIRECT_BILL)
    if membership is None or membership.status != ProgramMembership.Status.ACTIVE:
        return []
    today = clock.now().date()
    return [
        p
        for p in IncentiveProgram.objects.filter(is_active=True, program=Program.DIRECT_BILL).order_by("name")
        if p.period_end is None or p.period_end >= today
    ]


def direct_bill_incentive_for(profile: PartnerProfile, program_id) -> IncentiveProgram | None:
    """R19: one direct-bill incentive program this partner may enroll in now, or None."""
    pk = ids.parse_pk(program_id)
    if pk is None:
        return None
    return next((p for p in direct_bill_incentives_for(profile) if p.pk == pk), None)


def incentive_program_enrollments_for(profile: PartnerProfile) -> dict[int, IncentiveProgramEnrollment]:
    """R19: the partner's direct-bill incentive program enrollments, by program id."""
    return {
        e.program_id: e
        for e in IncentiveProgramEnrollment.objects.filter(partner=profile).select_related("program")
    }
