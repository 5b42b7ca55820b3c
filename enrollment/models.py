"""Indirect reseller enrollment (SPEC §4) and indirect reseller incentives (R19).

State fields are django-fsm-2 `FSMField(protected=True)`: they change only through the transitions
below, and `ConcurrentTransitionMixin` refuses to save a row whose state changed since it was read.
Transitions change fields only; events (the one audit trail, and so the enrollment's history), emails and
jobs are written by `enrollment.services`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from partnercenter import clock
from tenants.models import PartnerProfile, Program

# R4: approval "can take up to 5 business days" after the partner enrolls: the promise, whatever the policy.
APPROVAL_PROMISE_BUSINESS_DAYS = 5


def approval_promised_by(submitted_at):
    """R4: the date approval is promised by for an enrollment submitted at `submitted_at`."""
    return clock.add_business_days(submitted_at, APPROVAL_PROMISE_BUSINESS_DAYS)


class EnrollmentState(models.TextChoices):
    PENDING_APPROVAL = "pending_approval", _("Pending approval")
    APPROVED = "approved", _("Approved, agreement not yet accepted")
    ACTIVE = "active", _("Active")
    REJECTED = "rejected", _("Rejected")


# States in which a partner may not enroll again (one open or active enrollment per partner).
OPEN_STATES = [EnrollmentState.PENDING_APPROVAL, EnrollmentState.APPROVED, EnrollmentState.ACTIVE]


class Enrollment(ConcurrentTransitionMixin, models.Model):
    """A direct-bill partner's request to become an indirect reseller with the same tenant (R3)."""

    partner = models.ForeignKey(
        PartnerProfile,
        # R6: a partner with an enrollment cannot be deleted (which would remove its programs).
        on_delete=models.PROTECT,
        related_name="enrollments",
        verbose_name=_("partner"),
    )
    state = FSMField(
        _("status"),
        max_length=20,
        choices=EnrollmentState.choices,
        default=EnrollmentState.PENDING_APPROVAL,
        protected=True,
        db_index=True,
    )
    # The details shown on the form when the partner clicked "Enroll now" (R2); the approval email
    # goes to this primary contact (R4).
    legal_name = models.CharField(_("legal business name"), max_length=200)
    mpn_id = models.CharField(_("MPN ID"), max_length=7)
    primary_contact_email = models.EmailField(_("primary contact email"))
    tenant_domain = models.CharField(_("tenant"), max_length=120)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted"))
    approval_policy = models.CharField(_("approval policy"), max_length=40)
    approval_due_at = models.DateTimeField(_("approval due"), null=True, blank=True)
    # R4: submitted + 5 business days, under every policy (with "manual" nothing else bounds the wait).
    approval_promised_at = models.DateTimeField(
        _("approval promised by"), null=True, blank=True, db_index=True
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    rejected_at = models.DateTimeField(_("rejected"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    activated_at = models.DateTimeField(_("agreement accepted"), null=True, blank=True)
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("agreement accepted by"),
    )

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("indirect reseller enrollment")
        verbose_name_plural = _("indirect reseller enrollments")
        constraints = [
            # Two tabs or a double click create one enrollment: the database refuses a second open one.
            models.UniqueConstraint(
                fields=["partner"],
                condition=Q(state__in=["pending_approval", "approved", "active"]),
                name="one_open_enrollment_per_partner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.legal_name} ({self.mpn_id}): {self.get_state_display()}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_past_promise(self) -> bool:
        """R4: still pending approval after the promised date."""
        return (
            self.state == EnrollmentState.PENDING_APPROVAL
            and self.approval_promised_at is not None
            and self.approval_promised_at < clock.now()
        )

    # Transitions: fields only. Who, why and the side effects live in enrollment.services.

    @transition(field=state, source=EnrollmentState.PENDING_APPROVAL, target=EnrollmentState.APPROVED)
    def approve(self, *, when) -> None:
        self.approved_at = when

    @transition(field=state, source=EnrollmentState.PENDING_APPROVAL, target=EnrollmentState.REJECTED)
    def reject(self, *, when, reason: str) -> None:
        self.rejected_at = when
        self.rejection_reason = reason

    @transition(field=state, source=EnrollmentState.APPROVED, target=EnrollmentState.ACTIVE)
    def activate(self, *, when, user) -> None:
        self.activated_at = when
        self.activated_by = user


class IncentiveState(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    SENT = "sent", _("Sent")
    ENROLLED = "enrolled", _("Enrolled")
    EXPIRED = "expired", _("Expired")


class IncentiveInvitation(ConcurrentTransitionMixin, models.Model):
    """R19: the invitation to enroll for indirect reseller incentives, sent within 30 days of enrolling."""

    enrollment = models.OneToOneField(
        Enrollment,
        on_delete=models.PROTECT,
        related_name="incentive_invitation",
        verbose_name=_("enrollment"),
    )
    partner = models.ForeignKey(
        PartnerProfile,
        on_delete=models.PROTECT,
        related_name="incentive_invitations",
        verbose_name=_("partner"),
    )
    state = FSMField(
        _("status"),
        max_length=12,
        choices=IncentiveState.choices,
        default=IncentiveState.SCHEDULED,
        protected=True,
        db_index=True,
    )
    email = models.EmailField(_("sent to"), blank=True)
    due_at = models.DateTimeField(_("due"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    enrolled_at = models.DateTimeField(_("enrolled"), null=True, blank=True)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expired_at = models.DateTimeField(_("expired"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("incentive invitation")
        verbose_name_plural = _("incentive invitations")

    def __str__(self) -> str:
        return f"{self.partner.legal_name}: {self.get_state_display()}"

    @transition(field=state, source=IncentiveState.SCHEDULED, target=IncentiveState.SENT)
    def send(self, *, when, email: str, expires_at) -> None:
        self.sent_at = when
        self.email = email
        self.expires_at = expires_at

    @transition(field=state, source=IncentiveState.SENT, target=IncentiveState.ENROLLED)
    def enroll(self, *, when, user) -> None:
        self.enrolled_at = when
        self.enrolled_by = user

    @transition(field=state, source=IncentiveState.SENT, target=IncentiveState.EXPIRED)
    def expire(self, *, when) -> None:
        self.expired_at = when


class IncentiveProgram(models.Model):
    """A direct-bill incentive program (R19: managed separately from indirect reseller incentives)."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # The program a partner must be in (with an active membership) to be eligible.
    program = models.CharField(
        _("for program"), max_length=30, choices=Program.choices, default=Program.DIRECT_BILL
    )
    period_end = models.DateField(_("enrollment closes"), null=True, blank=True)
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("incentive program")
        verbose_name_plural = _("incentive programs")

    def __str__(self) -> str:
        return self.name

    # The catalog's programs are stored in English (their texts are in the message catalog, see
    # services.DIRECT_BILL_INCENTIVES); a program ops typed in is shown as typed.
    @property
    def label(self) -> str:
        return gettext(self.name) if self.name else ""

    @property
    def description_label(self) -> str:
        return gettext(self.description) if self.description else ""


class IncentiveProgramEnrollment(models.Model):
    """R19: a partner's enrollment in a direct-bill incentive program, managed separately from the indirect
    reseller incentive invitation. Its history is its events."""

    partner = models.ForeignKey(
        PartnerProfile,
        on_delete=models.PROTECT,
        related_name="incentive_program_enrollments",
        verbose_name=_("partner"),
    )
    program = models.ForeignKey(
        IncentiveProgram,
        on_delete=models.PROTECT,
        related_name="enrollments",
        verbose_name=_("incentive program"),
    )
    enrolled_at = models.DateTimeField(_("enrolled"))
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("enrolled by"),
    )

    class Meta:
        ordering = ["-enrolled_at", "-id"]
        verbose_name = _("incentive program enrollment")
        verbose_name_plural = _("incentive program enrollments")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "program"], name="one_enrollment_per_incentive_program"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner.legal_name}: {self.program.name}"
