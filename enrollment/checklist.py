"""The enrollment's steps of the Overview's transition checklist: enroll, then accept the agreement."""

from __future__ import annotations

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from partnercenter.registry import StepStatus
from tenants.models import Program

from . import selectors
from .models import EnrollmentState


def _date(value) -> str:
    return date_format(value, "DATE_FORMAT") if value else ""


def enroll_step(profile, programs: dict, user) -> StepStatus:
    current = selectors.enrollment_current(profile)
    title = _("Enroll as an indirect reseller")
    url = reverse("enrollment:enroll")
    state = current.state if current is not None else None
    if Program.INDIRECT_RESELLER in programs or state == EnrollmentState.ACTIVE:
        return StepStatus(title, True, _("Enrolled with your existing tenant."), url, _("Enrollment history"))
    if state == EnrollmentState.APPROVED:
        return StepStatus(
            title,
            True,
            _("Approved on %(date)s.") % {"date": _date(current.approved_at)},
            url,
            _("Enrollment history"),
        )
    if state == EnrollmentState.PENDING_APPROVAL:
        return StepStatus(
            title,
            True,
            _("Submitted on %(submitted)s; approval expected by %(promised)s.")
            % {"submitted": _date(current.submitted_at), "promised": _date(current.approval_promised_at)},
            url,
            _("See enrollment status"),
        )
    if state == EnrollmentState.REJECTED:
        detail = _("Your enrollment was not approved: %(reason)s You can enroll again.") % {
            "reason": current.rejection_reason
        }
    elif user.is_global_admin:
        detail = _("Confirm your partner details, then enroll with your existing tenant.")
    else:
        detail = _("A global admin of your organization enrolls.")
    return StepStatus(title, False, detail, url, _("Go to enrollment"))


def agreement_step(profile, programs: dict, user) -> StepStatus:
    current = selectors.enrollment_current(profile)
    title = _("Accept the indirect reseller agreement")
    state = current.state if current is not None else None
    if Program.INDIRECT_RESELLER in programs or state == EnrollmentState.ACTIVE:
        detail = (
            _("Accepted on %(date)s.") % {"date": _date(current.activated_at)}
            if current is not None and current.activated_at
            else _("Accepted.")
        )
        return StepStatus(title, True, detail)
    if state == EnrollmentState.APPROVED:
        detail = (
            _("Your enrollment is approved. Read the agreement on this page and accept it.")
            if user.is_global_admin
            else _("Your enrollment is approved. A global admin of your organization accepts the agreement.")
        )
        return StepStatus(title, False, detail, "#agreement-title", _("Read the agreement"))
    if state == EnrollmentState.PENDING_APPROVAL and current.approval_promised_at:
        return StepStatus(
            title,
            False,
            _("Possible once your enrollment is approved (expected by %(date)s).")
            % {"date": _date(current.approval_promised_at)},
            waiting=True,
        )
    return StepStatus(title, False, _("Possible once your enrollment is approved."), waiting=True)
