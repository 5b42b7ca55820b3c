"""Enrollment with a real Celery worker (with beat) on the test database and a real Redis broker (SPEC §5).

The approval and the incentive invitation are due rows in the database: losing every broker message
(FLUSHALL) and restarting the worker still sends each email exactly once, and a broker that is down at the
moment of "Enroll now" neither slows the request down nor loses the approval.
"""

from __future__ import annotations

import re
import time

import pytest
from django.test import Client

from enrollment import services
from enrollment.models import Enrollment, EnrollmentState, IncentiveInvitation, IncentiveState
from partnercenter.models import ScheduledJob, SentEmail
from tests.factories import make_direct_bill_partner
from tests.integration.conftest import _reset_broker_connections

pytestmark = pytest.mark.integration

SWEEP_TASK = "partnercenter.sweep_due_jobs"


def sweeps(worker) -> int:
    return len(re.findall(rf"Task {re.escape(SWEEP_TASK)}\[[^\]]+\] succeeded", worker.log()))


def state_of(enrollment) -> str:
    return Enrollment.objects.get(pk=enrollment.pk).state


def sent(kind: str) -> list[SentEmail]:
    return list(SentEmail.objects.filter(kind=kind))


def test_approval_and_incentive_survive_a_flush_and_a_restart(
    celery_worker_process, redis_broker_url, settings
):
    settings.ENROLLMENT_APPROVAL_POLICY = "immediate"  # the approval job is due at once
    settings.INCENTIVE_INVITATION_DELAY_DAYS = 0  # and so is the incentive invitation
    profile, admin = make_direct_bill_partner(offboarding=True, confirmed=True)
    worker = celery_worker_process

    # Enroll while no worker runs; the published message is then thrown away.
    worker.stop()
    enrollment = services.enrollment_submit(profile=profile, user=admin)
    redis_broker_url.flush()
    assert state_of(enrollment) == EnrollmentState.PENDING_APPROVAL
    worker.start()

    worker.wait_for(lambda: state_of(enrollment) == EnrollmentState.APPROVED, what="the sweep to approve")
    worker.wait_for(lambda: [e for e in sent("enrollment.approved") if e.status == "sent"], what="the email")

    # Accept the agreement; again the invitation's message is lost and the worker restarted.
    worker.stop()
    services.enrollment_accept_agreement(profile=profile, user=admin)
    redis_broker_url.flush()
    invitation = IncentiveInvitation.objects.get(enrollment=enrollment)
    assert invitation.state == IncentiveState.SCHEDULED
    worker.start()
    worker.wait_for(
        lambda: IncentiveInvitation.objects.get(pk=invitation.pk).state == IncentiveState.SENT,
        what="the sweep to send the incentive invitation",
    )

    # Publish both jobs again (a duplicate delivery) and let a few more sweeps pass.
    from partnercenter import jobs

    for job in ScheduledJob.objects.filter(kind__in=["enrollment.approve", "incentive.send"]):
        assert jobs.publish(job.pk)
    before = sweeps(worker)
    worker.wait_for(lambda: sweeps(worker) >= before + 3, what="three more sweeps")
    worker.wait_for(lambda: all(e.status == "sent" for e in sent("incentive.invitation")), what="delivery")

    [approval] = sent("enrollment.approved")
    assert approval.to == profile.primary_contact_email and approval.status == "sent"
    [incentive] = sent("incentive.invitation")
    assert incentive.to == profile.mpn_account_email and incentive.status == "sent"
    for kind in ("enrollment.approve", "incentive.send"):
        [job] = ScheduledJob.objects.filter(kind=kind)
        assert job.status == ScheduledJob.Status.DONE and job.attempts == 1
    assert state_of(enrollment) == EnrollmentState.ACTIVE


def test_enroll_now_with_redis_unreachable_is_fast_and_approved_once_redis_is_back(
    celery_worker_process, redis_broker_url, settings
):
    from partnercenter.celery import app

    settings.ENROLLMENT_APPROVAL_POLICY = "immediate"
    profile, admin = make_direct_bill_partner(offboarding=True, confirmed=True)
    worker = celery_worker_process
    worker.stop()  # the broker is "down" for everyone

    browser = Client()
    browser.force_login(admin)
    _reset_broker_connections(app)
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        started = time.monotonic()
        response = browser.post("/enrollment/", {"acknowledge": "on"})
        elapsed = time.monotonic() - started
    finally:
        _reset_broker_connections(app)
        app.conf.broker_url = str(redis_broker_url)

    assert response.status_code == 302
    print(f"figure: Enroll now answered in {elapsed:.2f}s with the broker down")  # docs/reliability.md
    assert elapsed < 2, f"Enroll now took {elapsed:.2f}s with the broker down"
    enrollment = Enrollment.objects.get(partner=profile)
    assert enrollment.state == EnrollmentState.PENDING_APPROVAL
    job = ScheduledJob.objects.get(kind="enrollment.approve", object_id=str(enrollment.pk))
    assert job.status == ScheduledJob.Status.PENDING

    worker.start()  # Redis is back; beat's sweep finds the due row
    worker.wait_for(lambda: state_of(enrollment) == EnrollmentState.APPROVED, what="the sweep to approve")
    before = sweeps(worker)
    worker.wait_for(lambda: sweeps(worker) >= before + 2, what="two more sweeps")
    assert len(sent("enrollment.approved")) == 1
    job.refresh_from_db()
    assert job.status == ScheduledJob.Status.DONE and job.attempts == 1
