"""Ops in Django admin: Approve and Reject buttons (R4), the history from the audit log, jobs run now."""

import pytest
from django.urls import reverse

from enrollment.models import EnrollmentState
from partnercenter import events
from partnercenter.models import Event, ScheduledJob, SentEmail
from tenants.models import User
from tests.enrollment.helpers import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def ops(client):
    user = User.objects.create_superuser(email="ops@example.com", password="x-ops-password-1")
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def pending(eligible, manual_policy, django_capture_on_commit_callbacks):
    profile, admin = eligible
    return profile, submit(profile, admin, django_capture_on_commit_callbacks)


def test_R4_ops_see_the_buttons_and_the_history(ops, pending):
    _profile, enrollment = pending
    page = ops.get(reverse("admin:enrollment_enrollment_change", args=[enrollment.pk])).content.decode()
    assert ">Approve<" in page and "Reject…" in page
    # The history: each event with when, what, who and why.
    assert 'data-event="enrollment.submitted">Enrollment submitted</strong>' in page
    assert enrollment.submitted_by.email in page and "Enroll now" in page


def test_R4_ops_approve_sends_one_email(ops, pending, django_capture_on_commit_callbacks):
    profile, enrollment = pending
    url = reverse("admin:enrollment_enrollment_approve", args=[enrollment.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = ops.post(url, follow=True)
        ops.post(url)  # a double click
    assert "Enrollment approved" in response.content.decode()
    enrollment.refresh_from_db()
    assert enrollment.state == EnrollmentState.APPROVED
    last = events.for_object(enrollment).last()
    assert (last.kind, last.actor, last.payload["to"]) == ("enrollment.approved", ops.user, "approved")
    assert SentEmail.objects.filter(kind="enrollment.approved", to=profile.primary_contact_email).count() == 1
    assert Event.objects.filter(kind="enrollment.approved", actor=ops.user).count() == 1
    page = ops.get(reverse("admin:enrollment_enrollment_change", args=[enrollment.pk])).content.decode()
    assert 'data-event="enrollment.approved"' in page


def test_approve_needs_a_post(ops, pending):
    _profile, enrollment = pending
    ops.get(reverse("admin:enrollment_enrollment_approve", args=[enrollment.pk]))
    enrollment.refresh_from_db()
    assert enrollment.state == EnrollmentState.PENDING_APPROVAL


def test_ops_reject_with_a_reason(ops, pending, django_capture_on_commit_callbacks):
    profile, enrollment = pending
    url = reverse("admin:enrollment_enrollment_reject", args=[enrollment.pk])
    assert "Reason for rejection" in ops.get(url).content.decode()
    response = ops.post(url, {"reason": "   "})
    assert response.status_code == 200 and "required" in response.content.decode()
    enrollment.refresh_from_db()
    assert enrollment.state == EnrollmentState.PENDING_APPROVAL
    with django_capture_on_commit_callbacks(execute=True):
        ops.post(url, {"reason": "The legal name does not match the MPN account."})
    enrollment.refresh_from_db()
    assert enrollment.state == EnrollmentState.REJECTED
    assert enrollment.rejection_reason == "The legal name does not match the MPN account."
    (email,) = SentEmail.objects.filter(kind="enrollment.rejected")
    assert "The legal name does not match" in email.body


def test_staff_without_permission_cannot_decide(client, pending):
    _profile, enrollment = pending
    staff = User.objects.create_user(
        email="viewer@example.com", password="x-viewer-password-1", is_staff=True
    )
    client.force_login(staff)
    response = client.post(reverse("admin:enrollment_enrollment_approve", args=[enrollment.pk]))
    assert response.status_code == 403
    enrollment.refresh_from_db()
    assert enrollment.state == EnrollmentState.PENDING_APPROVAL


def test_ops_approve_selected_action(ops, pending, django_capture_on_commit_callbacks):
    _profile, enrollment = pending
    with django_capture_on_commit_callbacks(execute=True):
        ops.post(
            reverse("admin:enrollment_enrollment_changelist"),
            {"action": "approve_selected", "_selected_action": [enrollment.pk]},
        )
    enrollment.refresh_from_db()
    assert enrollment.state == EnrollmentState.APPROVED


def test_ops_run_a_due_approval_job_now(ops, eligible, settings, django_capture_on_commit_callbacks):
    """How a demo skips 5 business days: "Run the selected jobs now" on the pending approval job."""
    settings.ENROLLMENT_APPROVAL_POLICY = "business_days:5"
    profile, admin = eligible
    enrollment = submit(profile, admin, django_capture_on_commit_callbacks)
    job = ScheduledJob.objects.get(kind="enrollment.approve")
    with django_capture_on_commit_callbacks(execute=True):
        ops.post(
            reverse("admin:partnercenter_scheduledjob_changelist"),
            {"action": "run_jobs_now", "_selected_action": [job.pk]},
        )
    enrollment.refresh_from_db()
    assert enrollment.state == EnrollmentState.APPROVED
    assert SentEmail.objects.filter(kind="enrollment.approved").count() == 1
