"""Writes for the indirect reseller enrollment (SPEC §4, R1–R6) and its incentives (R19).

Each service locks the row it changes, checks the current state, applies one django-fsm transition,
records one typed event in the same transaction (the event is the enrollment's history: who, when, why,
and the from/to states in its payload), and leaves emails and job publishing to after commit
(`email_send` and `job_schedule` both defer their side effects).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from partnercenter import clock, events, jobs
from partnercenter.emails import email_send
from partnercenter.errors import Conflict, DomainError, Forbidden, NotFound
from partnercenter.events import EventKind
from tenants.models import PartnerProfile, Program, ProgramMembership, User
from tenants.services import program_join, require_global_admin

from . import policy, selectors
from .models import (
    Enrollment,
    EnrollmentState,
    IncentiveInvitation,
    IncentiveProgram,
    IncentiveProgramEnrollment,
    IncentiveState,
    approval_promised_by,
)

APPROVE_JOB = "enrollment.approve"
INCENTIVE_SEND_JOB = "incentive.send"
INCENTIVE_EXPIRE_JOB = "incentive.expire"


class NotEligible(DomainError):
    """Enroll now refused: every reason in `data` (403 when the user is not the global admin, else 409).
    `reason` names the first one ("enrollment.not_global_admin", "enrollment.enrollment_open", ...); a caller
    that needs them all reads `reasons` (their codes), never the message."""

    def __init__(self, reasons: list[selectors.Reason]) -> None:
        forbidden = any(r.code == selectors.NOT_GLOBAL_ADMIN for r in reasons)
        rules = ", ".join(dict.fromkeys(r.rule for r in reasons))
        message = _("You cannot enroll yet: %(reasons)s") % {
            "reasons": " ".join(str(r.message) for r in reasons)
        }
        super().__init__(
            message,
            code=403 if forbidden else 409,
            status=403 if forbidden else 409,
            rule=rules,
            data=[r.as_data() for r in reasons],
            reason=f"enrollment.{reasons[0].code}",
        )
        self.reasons = reasons

    @property
    def codes(self) -> set[str]:
        return {r.code for r in self.reasons}


def _link(url_name: str) -> str:
    return settings.PORTAL_BASE_URL + reverse(url_name)


# The event kind each state change records; the enrollment's history is these events.
TRANSITION_EVENTS = {
    EnrollmentState.PENDING_APPROVAL: EventKind.ENROLLMENT_SUBMITTED,
    EnrollmentState.APPROVED: EventKind.ENROLLMENT_APPROVED,
    EnrollmentState.REJECTED: EventKind.ENROLLMENT_REJECTED,
    EnrollmentState.ACTIVE: EventKind.ENROLLMENT_ACTIVATED,
}


def _record_transition(
    enrollment: Enrollment,
    *,
    tenant,
    from_state: str,
    actor=None,
    actor_label: str = "",
    reason: str = "",
    payload: dict | None = None,
):
    """The one history entry of a state change: its event, with the from/to states in the payload."""
    return events.record(
        TRANSITION_EVENTS[enrollment.state],
        tenant=tenant,
        actor=actor,
        actor_label=actor_label,
        obj=enrollment,
        reason=reason,
        payload={"from": from_state, "to": enrollment.state, "mpnId": enrollment.mpn_id, **(payload or {})},
    )


# --- Enroll now (R1–R3, R6) ---------------------------------------------------------------------------


INVALID_PRIMARY_CONTACT_REASON = "enrollment.invalid_primary_contact_email"


def clean_primary_contact_email(value: str | None, *, profile: PartnerProfile) -> str:
    """R2: the primary contact specified on the enrollment form; none given means the profile's."""
    if value is None:
        return profile.primary_contact_email
    value = value.strip() if isinstance(value, str) else value
    try:
        if not isinstance(value, str) or not value or len(value) > 254:
            raise ValidationError("invalid")
        validate_email(value)
    except ValidationError:
        raise DomainError(
            _("Enter a valid email address for the primary contact."),
            code=400,
            status=400,
            rule="R2",
            reason=INVALID_PRIMARY_CONTACT_REASON,
        ) from None
    return value


def enrollment_submit(
    *, profile: PartnerProfile, user: User, primary_contact_email: str | None = None
) -> Enrollment:
    """ "Enroll now". One enrollment per click, two tabs or a double click: the profile row is locked and
    the database refuses a second open enrollment. A refusal is recorded as an event with its reasons.
    `primary_contact_email` is the one specified on the form (R2; the profile's when not given): the approval
    email goes to it (R4)."""
    try:
        return _enrollment_submit(profile=profile, user=user, primary_contact_email=primary_contact_email)
    except NotEligible as exc:
        events.record(
            EventKind.ENROLLMENT_REFUSED,
            tenant=profile.tenant,
            actor=user,
            obj=profile,
            reason=exc.text,
            payload={"reasons": exc.data},
        )
        raise


@transaction.atomic
def _enrollment_submit(
    *, profile: PartnerProfile, user: User, primary_contact_email: str | None
) -> Enrollment:
    profile = PartnerProfile.objects.select_for_update().select_related("tenant").get(pk=profile.pk)
    reasons = selectors.eligibility_reasons(profile=profile, user=user)
    if reasons:
        raise NotEligible(reasons)
    contact = clean_primary_contact_email(primary_contact_email, profile=profile)
    now = clock.now()
    approval = policy.approval_policy()
    due = approval.due_at(now)
    try:
        with transaction.atomic():
            enrollment = Enrollment.objects.create(
                partner=profile,
                legal_name=profile.legal_name,
                mpn_id=profile.mpn_id,
                primary_contact_email=contact,
                tenant_domain=profile.tenant.default_domain,
                submitted_by=user,
                submitted_at=now,
                approval_policy=str(approval),
                approval_due_at=due,
                approval_promised_at=approval_promised_by(now),
            )
    except IntegrityError:
        # Only reachable where the profile lock is not enforced (SQLite serializes writers instead).
        raise NotEligible([selectors.reason(selectors.ENROLLMENT_OPEN)])
    _record_transition(
        enrollment,
        tenant=profile.tenant,
        from_state="",
        actor=user,
        reason=_("Enroll now"),
        payload={"approvalPolicy": str(approval), "primaryContactEmail": contact},
    )
    if due is not None:
        jobs.job_schedule(kind=APPROVE_JOB, obj=enrollment, due_at=due, tenant=profile.tenant)
    return enrollment


# --- Approval (R4) ------------------------------------------------------------------------------------


def _locked_enrollment(enrollment_id) -> Enrollment:
    enrollment = (
        Enrollment.objects.select_for_update()
        .select_related("partner__tenant")
        .filter(pk=enrollment_id)
        .first()
    )
    if enrollment is None:
        raise NotFound(_("That enrollment does not exist."), reason="enrollment.not_found")
    return enrollment


@transaction.atomic
def enrollment_approve(*, enrollment_id, actor: User | None = None, actor_label: str = "") -> Enrollment:
    """Approve a pending enrollment (ops, or the approval job) and email the primary contact once."""
    enrollment = _locked_enrollment(enrollment_id)
    if enrollment.state != EnrollmentState.PENDING_APPROVAL:
        raise Conflict(
            _("Only an enrollment pending approval can be approved; this one is %(state)s.")
            % {"state": enrollment.get_state_display()},
            rule="§4",
            reason="enrollment.not_pending_approval",
        )
    from_state = enrollment.state
    enrollment.approve(when=clock.now())
    enrollment.save()
    if actor is not None:
        # Ops approved before the policy's job ran: that job has nothing left to do.
        jobs.job_cancel(kind=APPROVE_JOB, obj=enrollment)
    _record_transition(
        enrollment,
        tenant=enrollment.partner.tenant,
        from_state=from_state,
        actor=actor,
        actor_label=actor_label,
    )
    context = {"enrollment": enrollment, "overview_url": _link("overview")}
    email_send(
        kind="enrollment.approved",
        to=enrollment.primary_contact_email,
        subject=gettext_lazy("Your indirect reseller enrollment is approved"),
        template="enrollment/email/approved.txt",
        context=context,
        tenant=enrollment.partner.tenant,
        dedupe_key=f"enrollment.approved:{enrollment.pk}",
    )
    return enrollment


@transaction.atomic
def enrollment_reject(*, enrollment_id, actor: User | None, reason: str, actor_label: str = "") -> Enrollment:
    """Reject a pending enrollment with a reason (ops). The partner may enroll again."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            _("A reason is required to reject an enrollment."),
            code=400,
            status=400,
            reason="enrollment.rejection_reason_required",
        )
    enrollment = _locked_enrollment(enrollment_id)
    if enrollment.state != EnrollmentState.PENDING_APPROVAL:
        raise Conflict(
            _("Only an enrollment pending approval can be rejected; this one is %(state)s.")
            % {"state": enrollment.get_state_display()},
            rule="§4",
            reason="enrollment.not_pending_approval",
        )
    from_state = enrollment.state
    enrollment.reject(when=clock.now(), reason=reason)
    enrollment.save()
    jobs.job_cancel(kind=APPROVE_JOB, obj=enrollment)
    _record_transition(
        enrollment,
        tenant=enrollment.partner.tenant,
        from_state=from_state,
        actor=actor,
        actor_label=actor_label,
        reason=reason,
    )
    email_send(
        kind="enrollment.rejected",
        to=enrollment.primary_contact_email,
        subject=gettext_lazy("Your indirect reseller enrollment was not approved"),
        template="enrollment/email/rejected.txt",
        context={"enrollment": enrollment, "enroll_url": _link("enrollment:enroll")},
        tenant=enrollment.partner.tenant,
        dedupe_key=f"enrollment.rejected:{enrollment.pk}",
    )
    return enrollment


@jobs.handler(APPROVE_JOB)
def run_approval_job(job) -> str:
    """Idempotent: a second delivery, or an enrollment ops already decided, changes nothing."""
    enrollment = Enrollment.objects.filter(pk=job.object_id).only("pk", "state").first()
    if enrollment is None:
        return "skipped: enrollment no longer exists"
    if enrollment.state != EnrollmentState.PENDING_APPROVAL:
        return f"skipped: already {enrollment.state}"
    try:
        enrollment_approve(enrollment_id=enrollment.pk, actor_label=f"job:{APPROVE_JOB}#{job.pk}")
    except Conflict:
        return "skipped: decided meanwhile"
    return "approved"


# --- Agreement (R5, R6, R8) ---------------------------------------------------------------------------

AGREEMENT_NOT_APPROVED = gettext_lazy(
    "There is no approved enrollment to accept: enroll first and wait for approval."
)
AGREEMENT_ALREADY_ACCEPTED = gettext_lazy("The indirect reseller agreement is already accepted.")
AGREEMENT_NOT_APPROVED_REASON = "enrollment.agreement_not_approved"
AGREEMENT_ALREADY_ACCEPTED_REASON = "enrollment.agreement_already_accepted"


def agreement_refusal(*, profile: PartnerProfile, user: User, enrollment=False) -> DomainError | None:
    """Why `user` cannot accept the indirect reseller agreement for `profile` now, or None (R1, R5, R6).
    `enrollment` is the approved or active one when the caller already holds it (locked); the service and
    "Why can't I?" both ask this."""
    try:
        require_global_admin(user, tenant_id=profile.tenant_id)
    except Forbidden as exc:
        return exc
    if enrollment is False:
        enrollment = Enrollment.objects.filter(
            partner=profile, state__in=[EnrollmentState.APPROVED, EnrollmentState.ACTIVE]
        ).first()
    if enrollment is None:
        return Conflict(AGREEMENT_NOT_APPROVED, rule="R5", reason=AGREEMENT_NOT_APPROVED_REASON)
    if enrollment.state == EnrollmentState.ACTIVE:
        return Conflict(AGREEMENT_ALREADY_ACCEPTED, rule="R6", reason=AGREEMENT_ALREADY_ACCEPTED_REASON)
    return None


@transaction.atomic
def enrollment_accept_agreement(*, profile: PartnerProfile, user: User) -> Enrollment:
    """ "Accept and continue" (R5): the enrollment becomes active, the partner joins the indirect reseller
    program (and so gains "Indirect providers", R8), and the incentive invitation is scheduled (R19)."""
    require_global_admin(user, tenant_id=profile.tenant_id)
    profile = PartnerProfile.objects.select_for_update().select_related("tenant").get(pk=profile.pk)
    enrollment = (
        Enrollment.objects.select_for_update()
        .filter(partner=profile, state__in=[EnrollmentState.APPROVED, EnrollmentState.ACTIVE])
        .first()
    )
    refusal = agreement_refusal(profile=profile, user=user, enrollment=enrollment)
    if refusal is not None:
        raise refusal
    from_state = enrollment.state
    now = clock.now()
    enrollment.activate(when=now, user=user)
    enrollment.save()
    program_join(
        profile=profile,
        program=Program.INDIRECT_RESELLER,
        actor=user,
        reason=_("Indirect reseller agreement accepted"),
    )
    _record_transition(
        enrollment, tenant=profile.tenant, from_state=from_state, actor=user, reason=_("Accept and continue")
    )
    invitation = IncentiveInvitation.objects.create(
        enrollment=enrollment, partner=profile, due_at=now + policy.incentive_delay(), created_at=now
    )
    events.record(
        EventKind.INCENTIVE_INVITATION_SCHEDULED,
        tenant=profile.tenant,
        actor=user,
        obj=invitation,
        payload={"dueAt": invitation.due_at.isoformat()},
    )
    jobs.job_schedule(
        kind=INCENTIVE_SEND_JOB, obj=invitation, due_at=invitation.due_at, tenant=profile.tenant
    )
    return enrollment


# --- Incentives (R19) ---------------------------------------------------------------------------------


def _locked_invitation(invitation_id) -> IncentiveInvitation | None:
    return (
        IncentiveInvitation.objects.select_for_update()
        .select_related("partner__tenant")
        .filter(pk=invitation_id)
        .first()
    )


@transaction.atomic
def incentive_invitation_send(*, invitation_id, actor_label: str = "") -> bool:
    """Send the incentive invitation to the MPN account email, once. False when there was nothing to do."""
    invitation = _locked_invitation(invitation_id)
    if invitation is None or invitation.state != IncentiveState.SCHEDULED:
        return False
    now = clock.now()
    profile = invitation.partner
    invitation.send(when=now, email=profile.mpn_account_email, expires_at=now + policy.incentive_validity())
    invitation.save()
    events.record(
        EventKind.INCENTIVE_INVITATION_SENT,
        tenant=profile.tenant,
        actor_label=actor_label,
        obj=invitation,
        payload={"to": invitation.email, "expiresAt": invitation.expires_at.isoformat()},
    )
    email_send(
        kind="incentive.invitation",
        to=invitation.email,
        subject=gettext_lazy("Enroll in the indirect reseller incentives"),
        template="enrollment/email/incentive_invitation.txt",
        context={
            "invitation": invitation,
            "profile": profile,
            "incentives_url": _link("enrollment:incentives"),
        },
        tenant=profile.tenant,
        dedupe_key=f"incentive.invitation:{invitation.pk}",
    )
    jobs.job_schedule(
        kind=INCENTIVE_EXPIRE_JOB, obj=invitation, due_at=invitation.expires_at, tenant=profile.tenant
    )
    return True


@transaction.atomic
def incentive_invitation_expire(*, invitation_id, actor_label: str = "") -> bool:
    """Expire a sent invitation nobody accepted (its expiry job is due, or ops ran it early)."""
    invitation = _locked_invitation(invitation_id)
    if invitation is None or invitation.state != IncentiveState.SENT:
        return False
    invitation.expire(when=clock.now())
    invitation.save()
    events.record(
        EventKind.INCENTIVE_INVITATION_EXPIRED,
        tenant=invitation.partner.tenant,
        actor_label=actor_label,
        obj=invitation,
    )
    return True


@transaction.atomic
def incentive_invitation_accept(*, profile: PartnerProfile, user: User, invitation_id) -> IncentiveInvitation:
    """The partner's global admin enrolls in the indirect reseller incentives (R1, R19)."""
    require_global_admin(user, tenant_id=profile.tenant_id)
    invitation = selectors.incentive_invitation_for(profile, invitation_id)
    if invitation is None:
        raise NotFound(
            _("That incentive invitation does not exist."), reason="enrollment.incentive_invitation_not_found"
        )
    invitation = _locked_invitation(invitation.pk)
    if invitation.state == IncentiveState.ENROLLED:
        raise Conflict(
            _("You already enrolled in these incentives."),
            rule="R19",
            reason="enrollment.incentive_already_enrolled",
        )
    if invitation.state == IncentiveState.SCHEDULED:
        raise Conflict(
            _("This invitation has not been sent yet."), rule="R19", reason="enrollment.incentive_not_sent"
        )
    if invitation.state == IncentiveState.EXPIRED or (
        invitation.expires_at and invitation.expires_at <= clock.now()
    ):
        raise Conflict(_("This invitation has expired."), rule="R19", reason="enrollment.incentive_expired")
    invitation.enroll(when=clock.now(), user=user)
    invitation.save()
    events.record(EventKind.INCENTIVE_INVITATION_ENROLLED, tenant=profile.tenant, actor=user, obj=invitation)
    return invitation


@jobs.handler(INCENTIVE_SEND_JOB)
def run_incentive_send_job(job) -> str:
    sent = incentive_invitation_send(
        invitation_id=job.object_id, actor_label=f"job:{INCENTIVE_SEND_JOB}#{job.pk}"
    )
    return "sent" if sent else "skipped: not scheduled"


@jobs.handler(INCENTIVE_EXPIRE_JOB)
def run_incentive_expire_job(job) -> str:
    expired = incentive_invitation_expire(
        invitation_id=job.object_id, actor_label=f"job:{INCENTIVE_EXPIRE_JOB}#{job.pk}"
    )
    return "expired" if expired else "skipped: not pending"


@transaction.atomic
def incentive_program_enroll(
    *, profile: PartnerProfile, user: User, program_id
) -> IncentiveProgramEnrollment:
    """R19: the partner's global admin (R1) enrolls in a direct-bill incentive program it is eligible for,
    separately from the indirect reseller incentives. Once per program."""
    require_global_admin(user, tenant_id=profile.tenant_id)
    profile = PartnerProfile.objects.select_for_update().get(pk=profile.pk)
    program = selectors.direct_bill_incentive_for(profile, program_id)
    if program is None:
        raise NotFound(
            _("That direct-bill incentive program is not open to your organization."),
            reason="enrollment.incentive_program_not_found",
        )
    if IncentiveProgramEnrollment.objects.filter(partner=profile, program=program).exists():
        raise Conflict(
            _("You already enrolled in this incentive program."),
            rule="R19",
            reason="enrollment.incentive_program_already_enrolled",
        )
    enrollment = IncentiveProgramEnrollment.objects.create(
        partner=profile, program=program, enrolled_at=clock.now(), enrolled_by=user
    )
    events.record(
        EventKind.INCENTIVE_PROGRAM_ENROLLED,
        tenant=profile.tenant,
        actor=user,
        obj=enrollment,
        payload={"program": program.code},
    )
    return enrollment


# --- Direct-bill incentive catalog --------------------------------------------------------------------

# The catalog's texts are stored in English and shown in the reader's language (IncentiveProgram.label).
DIRECT_BILL_INCENTIVES = [
    {
        "code": "csp-direct-bill-core",
        "name": gettext_noop("CSP direct bill partner incentive (core)"),
        "description": gettext_noop(
            "Earnings on eligible Microsoft 365, Dynamics 365 and Azure billed revenue you bill "
            "to your direct customers."
        ),
    },
    {
        "code": "csp-direct-bill-azure-growth",
        "name": gettext_noop("Azure growth accelerator (direct bill)"),
        "description": gettext_noop(
            "Additional earnings on Azure consumption growth of your direct-bill customers."
        ),
    },
    {
        "code": "csp-direct-bill-modern-work",
        "name": gettext_noop("Modern Work new customer add-on (direct bill)"),
        "description": gettext_noop(
            "Earnings for new Microsoft 365 seats sold to your direct-bill customers."
        ),
    },
]


@transaction.atomic
def incentive_catalog_ensure() -> int:
    """Create the direct-bill incentive programs that do not exist yet (idempotent). Returns how many."""
    created = 0
    for spec in DIRECT_BILL_INCENTIVES:
        _obj, was_created = IncentiveProgram.objects.get_or_create(
            code=spec["code"],
            defaults={
                "name": spec["name"],
                "description": spec["description"],
                "program": Program.DIRECT_BILL,
            },
        )
        created += int(was_created)
    return created


def indirect_reseller_membership_guard(membership: ProgramMembership) -> None:
    """R6: raise when `membership` is an indirect reseller membership backed by an active enrollment."""
    if membership.program != Program.INDIRECT_RESELLER or membership.pk is None:
        return
    if Enrollment.objects.filter(partner_id=membership.partner_id, state=EnrollmentState.ACTIVE).exists():
        raise Forbidden(
            _("Indirect reseller capabilities cannot be removed once enrolled (no rollback)."),
            rule="R6",
            reason="enrollment.no_rollback",
        )
