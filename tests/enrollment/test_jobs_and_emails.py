"""Background work (SPEC §5): durable jobs, idempotent handlers, one email per approval and invitation."""

import datetime as dt

import pytest
from django.core import mail

from enrollment import services
from enrollment.models import EnrollmentState, IncentiveInvitation, IncentiveState
from partnercenter import clock, events, jobs
from partnercenter.models import Event, ScheduledJob, SentEmail
from partnercenter.tasks import run_scheduled_job
from tests.enrollment.helpers import activate, approve, submit

pytestmark = pytest.mark.django_db


def test_R4_approval_emails_the_primary_contact_once(eligible, django_capture_on_commit_callbacks):
    profile, admin = eligible
    enrollment = submit(profile, admin, django_capture_on_commit_callbacks)
    assert enrollment.state == EnrollmentState.APPROVED
    (email,) = SentEmail.objects.filter(kind="enrollment.approved")
    assert email.to == profile.primary_contact_email
    assert email.status == SentEmail.Status.SENT
    assert "https://portal.test/" in email.body  # built from PORTAL_BASE_URL
    assert [m.to for m in mail.outbox] == [[profile.primary_contact_email]]
    approved = events.for_object(enrollment).last()
    assert approved.kind == "enrollment.approved" and approved.actor is None
    assert approved.actor_label.startswith("job:enrollment.approve")


def test_an_approval_task_delivered_twice_sends_one_email(
    eligible, manual_policy, settings, django_capture_on_commit_callbacks
):
    profile, admin = eligible
    enrollment = submit(profile, admin, django_capture_on_commit_callbacks)
    job = jobs.job_schedule(kind="enrollment.approve", obj=enrollment, due_at=clock.now())
    # The broker delivers the same message twice (a Redis re-delivery) ...
    with django_capture_on_commit_callbacks(execute=True):
        run_scheduled_job.apply(args=[job.pk])
        run_scheduled_job.apply(args=[job.pk])
    # ... and ops run it again by force, and the handler itself is invoked once more.
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.job_run(job.pk, force=True) is False
        assert services.run_approval_job(ScheduledJob.objects.get(pk=job.pk)) == "skipped: already approved"
    assert SentEmail.objects.filter(kind="enrollment.approved").count() == 1
    assert len(mail.outbox) == 1
    assert Event.objects.filter(kind="enrollment.approved").count() == 1
    enrollment.refresh_from_db()
    assert enrollment.state == EnrollmentState.APPROVED
    assert events.for_object(enrollment).filter(kind="enrollment.approved").count() == 1


def test_ops_approval_cancels_the_pending_job(eligible, settings, django_capture_on_commit_callbacks):
    settings.ENROLLMENT_APPROVAL_POLICY = "business_days:5"
    profile, admin = eligible
    enrollment = submit(profile, admin, django_capture_on_commit_callbacks)
    approve(enrollment, admin, django_capture_on_commit_callbacks)
    job = ScheduledJob.objects.get(kind="enrollment.approve")
    assert job.status == ScheduledJob.Status.CANCELLED
    assert SentEmail.objects.filter(kind="enrollment.approved").count() == 1


def test_a_job_for_a_rejected_enrollment_changes_nothing(
    eligible, settings, django_capture_on_commit_callbacks
):
    settings.ENROLLMENT_APPROVAL_POLICY = "business_days:1"
    profile, admin = eligible
    enrollment = submit(profile, admin, django_capture_on_commit_callbacks)
    job = ScheduledJob.objects.get(kind="enrollment.approve")
    services.enrollment_reject(enrollment_id=enrollment.pk, actor=None, reason="Incomplete profile")
    assert ScheduledJob.objects.get(pk=job.pk).status == ScheduledJob.Status.CANCELLED
    ScheduledJob.objects.filter(pk=job.pk).update(status=ScheduledJob.Status.PENDING)  # a stale row
    assert jobs.job_run(job.pk, force=True) is True
    assert ScheduledJob.objects.get(pk=job.pk).result == "skipped: already rejected"
    enrollment.refresh_from_db()
    assert enrollment.state == EnrollmentState.REJECTED
    assert not SentEmail.objects.filter(kind="enrollment.approved").exists()
    assert SentEmail.objects.filter(kind="enrollment.rejected", to=profile.primary_contact_email).count() == 1


def test_R19_activation_schedules_one_incentive_invitation_within_30_days(
    eligible, settings, django_capture_on_commit_callbacks
):
    settings.INCENTIVE_INVITATION_DELAY_DAYS = 30
    profile, admin = eligible
    submit(profile, admin, django_capture_on_commit_callbacks)
    start = clock.now()
    enrollment = activate(profile, admin, django_capture_on_commit_callbacks)
    invitation = IncentiveInvitation.objects.get()
    assert invitation.enrollment == enrollment
    assert invitation.state == IncentiveState.SCHEDULED
    assert start <= invitation.due_at <= enrollment.activated_at + dt.timedelta(days=30)
    job = ScheduledJob.objects.get(kind="incentive.send")
    assert job.due_at == invitation.due_at and job.status == ScheduledJob.Status.PENDING
    assert not SentEmail.objects.filter(kind="incentive.invitation").exists()


def test_R19_the_incentive_invitation_is_sent_once_to_the_mpn_account_email(
    eligible, django_capture_on_commit_callbacks
):
    profile, admin = eligible
    submit(profile, admin, django_capture_on_commit_callbacks)
    activate(profile, admin, django_capture_on_commit_callbacks)
    job = ScheduledJob.objects.get(kind="incentive.send")
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.sweep(until=job.due_at + dt.timedelta(seconds=1)) == 1
        run_scheduled_job.apply(args=[job.pk])  # a duplicate delivery
        services.run_incentive_send_job(job)  # and the handler once more
    (email,) = SentEmail.objects.filter(kind="incentive.invitation")
    assert email.to == profile.mpn_account_email
    invitation = IncentiveInvitation.objects.get()
    assert invitation.state == IncentiveState.SENT and invitation.email == profile.mpn_account_email
    assert Event.objects.filter(kind="incentive_invitation.sent").count() == 1
    expiry = ScheduledJob.objects.get(kind="incentive.expire")
    assert expiry.due_at == invitation.expires_at


def test_R19_an_ignored_invitation_expires(eligible, settings, django_capture_on_commit_callbacks):
    settings.INCENTIVE_INVITATION_DELAY_DAYS = 0
    profile, admin = eligible
    submit(profile, admin, django_capture_on_commit_callbacks)
    activate(profile, admin, django_capture_on_commit_callbacks)  # delay 0: sent at once
    invitation = IncentiveInvitation.objects.get()
    assert invitation.state == IncentiveState.SENT
    with clock.frozen_at(invitation.expires_at + dt.timedelta(minutes=1)):
        assert jobs.sweep() == 1
        with pytest.raises(services.Conflict):
            services.incentive_invitation_accept(profile=profile, user=admin, invitation_id=invitation.pk)
    invitation.refresh_from_db()
    assert invitation.state == IncentiveState.EXPIRED
    assert Event.objects.filter(kind="incentive_invitation.expired").count() == 1


def test_R19_accepting_the_invitation_enrolls_and_the_expiry_then_does_nothing(
    eligible, settings, django_capture_on_commit_callbacks
):
    settings.INCENTIVE_INVITATION_DELAY_DAYS = 0
    profile, admin = eligible
    submit(profile, admin, django_capture_on_commit_callbacks)
    activate(profile, admin, django_capture_on_commit_callbacks)
    invitation = IncentiveInvitation.objects.get()
    services.incentive_invitation_accept(profile=profile, user=admin, invitation_id=invitation.pk)
    invitation.refresh_from_db()
    assert invitation.state == IncentiveState.ENROLLED
    expiry = ScheduledJob.objects.get(kind="incentive.expire")
    assert jobs.job_run(expiry.pk, force=True) is True
    assert ScheduledJob.objects.get(pk=expiry.pk).result == "skipped: not pending"
    invitation.refresh_from_db()
    assert invitation.state == IncentiveState.ENROLLED


def test_R1_only_the_global_admin_accepts_the_incentive_invitation(
    eligible, sales_agent, settings, django_capture_on_commit_callbacks
):
    settings.INCENTIVE_INVITATION_DELAY_DAYS = 0
    profile, admin = eligible
    submit(profile, admin, django_capture_on_commit_callbacks)
    activate(profile, admin, django_capture_on_commit_callbacks)
    invitation = IncentiveInvitation.objects.get()
    with pytest.raises(services.Forbidden):
        services.incentive_invitation_accept(profile=profile, user=sales_agent, invitation_id=invitation.pk)
    invitation.refresh_from_db()
    assert invitation.state == IncentiveState.SENT


def test_R5_accepting_before_approval_is_refused(eligible, manual_policy, django_capture_on_commit_callbacks):
    profile, admin = eligible
    with pytest.raises(services.Conflict) as exc:
        services.enrollment_accept_agreement(profile=profile, user=admin)
    assert exc.value.rule == "R5"
    submit(profile, admin, django_capture_on_commit_callbacks)
    with pytest.raises(services.Conflict):
        services.enrollment_accept_agreement(profile=profile, user=admin)
    assert not profile.programs.filter(program="indirect_reseller").exists()


def test_R1_only_the_global_admin_accepts_the_agreement(
    eligible, sales_agent, django_capture_on_commit_callbacks
):
    profile, admin = eligible
    enrollment = submit(profile, admin, django_capture_on_commit_callbacks)
    with pytest.raises(services.Forbidden):
        services.enrollment_accept_agreement(profile=profile, user=sales_agent)
    enrollment.refresh_from_db()
    assert enrollment.state == EnrollmentState.APPROVED
