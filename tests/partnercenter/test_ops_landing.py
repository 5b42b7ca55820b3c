"""The ops landing (the admin index): what waits for ops, oldest and overdue first, with its buttons;
the portal's apps listed first; histories in words, not codes."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enrollment import services as enrollment_services
from enrollment.models import Enrollment, EnrollmentState
from partnercenter import clock, emails, events, jobs
from partnercenter.models import ScheduledJob, SentEmail
from tests.factories import UserFactory, make_direct_bill_partner

pytestmark = pytest.mark.django_db

INDEX = "/admin/"


@pytest.fixture
def ops(client):
    user = UserFactory(email="ops@portal.example", tenant=None, role="", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


@pytest.fixture
def manual_policy(settings):
    settings.ENROLLMENT_APPROVAL_POLICY = "manual"


def pending_enrollment(*, promised_in: dt.timedelta | None, submitted_ago=dt.timedelta(days=1)):
    profile, user = make_direct_bill_partner(offboarding=True)
    enrollment = enrollment_services.enrollment_submit(profile=profile, user=user)
    now = clock.now()
    Enrollment.objects.filter(pk=enrollment.pk).update(
        submitted_at=now - submitted_ago,
        approval_promised_at=None if promised_in is None else now + promised_in,
    )
    return Enrollment.objects.get(pk=enrollment.pk)


def failed_job(job_kind):
    job = jobs.job_schedule(kind=job_kind.kind)
    ScheduledJob.objects.filter(pk=job.pk).update(
        status=ScheduledJob.Status.FAILED, attempts=jobs.MAX_ATTEMPTS, last_error="RuntimeError: boom"
    )
    return job


def failed_email(to="contact@partner.example"):
    email = emails.email_send(kind="enrollment.approved", to=to, subject="Approved", body="Hello")
    SentEmail.objects.filter(pk=email.pk).update(
        status=SentEmail.Status.FAILED, attempts=6, error="SMTPServerDisconnected"
    )
    return email


def section(page: str, title: str) -> str:
    start = page.index(f"<h2>{title}</h2>")
    end = page.find("</section>", start)
    return page[start:end]


def test_pending_enrollments_overdue_first_with_flags_and_buttons(client, ops, manual_policy):
    later = pending_enrollment(promised_in=dt.timedelta(days=4), submitted_ago=dt.timedelta(days=1))
    overdue = pending_enrollment(promised_in=-dt.timedelta(hours=2), submitted_ago=dt.timedelta(days=8))
    soon = pending_enrollment(promised_in=dt.timedelta(hours=3), submitted_ago=dt.timedelta(days=6))
    page = client.get(INDEX).content.decode()
    panel = section(page, "Enrollments waiting for approval")
    order = [panel.index(e.legal_name) for e in (overdue, soon, later)]
    assert order == sorted(order)
    assert "Past the 5-business-day promise" in panel and "1 business day or less left" in panel
    assert reverse("admin:enrollment_enrollment_approve", args=[overdue.pk]) in panel
    assert reverse("admin:enrollment_enrollment_reject", args=[overdue.pk]) in panel
    assert "pending_approval" not in re.sub(r'href="[^"]*"', "", panel)  # states in words, not codes
    assert "Manual: ops approve or reject" in panel


def test_approve_from_the_landing_returns_to_it(
    client, ops, manual_policy, django_capture_on_commit_callbacks
):
    enrollment = pending_enrollment(promised_in=dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:enrollment_enrollment_approve", args=[enrollment.pk]), {"next": INDEX}
        )
    assert response.status_code == 302 and response["Location"] == INDEX
    enrollment.refresh_from_db()
    assert enrollment.state == EnrollmentState.APPROVED
    assert enrollment.legal_name not in section(
        client.get(INDEX).content.decode(), "Enrollments waiting for approval"
    )


def test_a_next_to_another_site_is_ignored(client, ops, manual_policy):
    enrollment = pending_enrollment(promised_in=dt.timedelta(days=1))
    response = client.post(
        reverse("admin:enrollment_enrollment_approve", args=[enrollment.pk]),
        {"next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("admin:enrollment_enrollment_change", args=[enrollment.pk])


def test_each_count_links_to_the_changelist_that_lists_the_same_rows(client, ops, manual_policy, job_kind):
    pending_enrollment(promised_in=-dt.timedelta(hours=1))
    pending_enrollment(promised_in=dt.timedelta(hours=2))
    pending_enrollment(promised_in=dt.timedelta(days=4))
    failed_job(job_kind)
    failed_email()
    page = client.get(INDEX).content.decode()
    counts = re.findall(r'<a href="([^"]+)"><strong>(\d+)</strong>', page)
    assert counts
    for url, number in counts:
        listed = client.get(url.replace("&amp;", "&"))
        assert listed.status_code == 200, url
        assert listed.context["cl"].result_count == int(number), url
    numbers = dict((url.replace("&amp;", "&"), int(n)) for url, n in counts)
    changelist = reverse("admin:enrollment_enrollment_changelist")
    assert numbers[f"{changelist}?promise=overdue"] == 1
    assert numbers[f"{changelist}?promise=due_soon"] == 1
    assert numbers[f"{changelist}?state__exact=pending_approval"] == 3
    assert numbers[reverse("admin:partnercenter_scheduledjob_changelist") + "?status__exact=failed"] == 1
    assert numbers[reverse("admin:partnercenter_sentemail_changelist") + "?status__exact=failed"] == 1


def test_failed_job_is_retried_from_the_landing(client, ops, job_kind):
    job = failed_job(job_kind)
    panel = section(client.get(INDEX).content.decode(), "Scheduled jobs")
    retry = reverse("admin:partnercenter_scheduledjob_retry", args=[job.pk])
    assert retry in panel and "RuntimeError: boom" in panel
    response = client.post(retry, {"next": INDEX})
    assert response["Location"] == INDEX
    job.refresh_from_db()
    assert job.status == ScheduledJob.Status.DONE and job_kind.calls == [job.pk]


def test_retry_leaves_a_job_that_has_not_failed_alone(client, ops, job_kind):
    job = jobs.job_schedule(kind=job_kind.kind, due_at=clock.now() + dt.timedelta(days=1))
    client.post(reverse("admin:partnercenter_scheduledjob_retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ScheduledJob.Status.PENDING and job_kind.calls == []


def test_a_stuck_job_can_be_run_now_from_the_landing(client, ops, job_kind):
    job = jobs.job_schedule(kind=job_kind.kind, due_at=clock.now() - dt.timedelta(hours=1))
    panel = section(client.get(INDEX).content.decode(), "Scheduled jobs")
    run_now = reverse("admin:partnercenter_scheduledjob_run_now", args=[job.pk])
    assert run_now in panel and "not run" in panel
    client.post(run_now, {"next": INDEX})
    job.refresh_from_db()
    assert job.status == ScheduledJob.Status.DONE


def test_failed_email_is_resent_from_the_landing(client, ops, django_capture_on_commit_callbacks):
    email = failed_email()
    panel = section(client.get(INDEX).content.decode(), "Emails")
    resend = reverse("admin:partnercenter_sentemail_resend", args=[email.pk])
    assert resend in panel and "Enrollment approved" in panel  # the kind's name, not its code
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(resend, {"next": INDEX})
    assert response["Location"] == INDEX
    email.refresh_from_db()
    assert email.status == SentEmail.Status.SENT and len(mail.outbox) == 1
    assert "No failed emails." in section(client.get(INDEX).content.decode(), "Emails")


def test_resend_and_retry_answer_only_post(client, ops, job_kind):
    email, job = failed_email(), failed_job(job_kind)
    assert client.get(reverse("admin:partnercenter_sentemail_resend", args=[email.pk])).status_code == 405
    assert client.get(reverse("admin:partnercenter_scheduledjob_retry", args=[job.pk])).status_code == 405


def test_the_landing_costs_the_same_queries_for_many_rows(client, ops, manual_policy, job_kind):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(INDEX).status_code == 200
        return len(ctx.captured_queries)

    pending_enrollment(promised_in=-dt.timedelta(hours=1))
    failed_job(job_kind)
    failed_email("a0@partner.example")
    few = queries()
    for n in range(14):
        pending_enrollment(promised_in=dt.timedelta(hours=n - 5))
        failed_job(job_kind)
        failed_email(f"b{n}@partner.example")
    assert queries() == few


def test_staff_without_permissions_sees_no_section(client):
    user = UserFactory(email="viewer@portal.example", tenant=None, role="", is_staff=True)
    client.force_login(user)
    response = client.get(INDEX)
    assert response.status_code == 200
    assert response.context["ops_panels"] == []
    assert 'id="ops-landing"' not in response.content.decode()


def test_the_portals_apps_come_before_groups_and_lockouts(client, ops):
    names = [app["app_label"] for app in client.get(INDEX).context["app_list"]]
    portal = ["enrollment", "invitations", "customers", "partnercenter", "tenants"]
    assert [name for name in names if name in portal] == portal
    assert names[: len(portal)] == portal
    third_party = min(names.index("auth"), names.index("axes"))
    assert names.index("webhooks") < third_party  # every app of the portal before the packages' apps


def test_the_audit_log_names_jobs_and_actors_in_words(
    client, ops, manual_policy, django_capture_on_commit_callbacks
):
    enrollment = pending_enrollment(promised_in=dt.timedelta(days=1))
    job = jobs.job_schedule(kind=enrollment_services.APPROVE_JOB, obj=enrollment)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.job_run(job.pk, force=True)
    page = client.get(reverse("admin:partnercenter_event_changelist")).content.decode()
    assert f"job:enrollment.approve#{job.pk}" not in page
    assert f"Scheduled job “Approve an enrollment (approval policy)” (no. {job.pk})" in page
    assert "Enrollment approved" in page
    history = client.get(reverse("admin:enrollment_enrollment_change", args=[enrollment.pk])).content.decode()
    assert "job:enrollment.approve" not in history and "Approve an enrollment (approval policy)" in history
    jobs_page = client.get(reverse("admin:partnercenter_scheduledjob_changelist")).content.decode()
    assert "Approve an enrollment (approval policy)" in jobs_page


def test_an_event_without_a_user_reads_as_the_system(client, ops):
    profile, _user = make_direct_bill_partner()
    events.record("profile.updated", tenant=profile.tenant, obj=profile)
    page = client.get(reverse("admin:partnercenter_event_changelist")).content.decode()
    assert "System" in page


def test_a_failed_jobs_page_offers_retry_and_an_emails_page_offers_resend(client, ops, job_kind):
    job, email = failed_job(job_kind), failed_email()
    job_page = client.get(reverse("admin:partnercenter_scheduledjob_change", args=[job.pk])).content.decode()
    assert reverse("admin:partnercenter_scheduledjob_retry", args=[job.pk]) in job_page
    assert reverse("admin:partnercenter_scheduledjob_run_now", args=[job.pk]) not in job_page
    email_page = client.get(reverse("admin:partnercenter_sentemail_change", args=[email.pk])).content.decode()
    assert reverse("admin:partnercenter_sentemail_resend", args=[email.pk]) in email_page
    response = client.post(reverse("admin:partnercenter_sentemail_resend", args=[email.pk]))
    assert response["Location"] == reverse("admin:partnercenter_sentemail_change", args=[email.pk])


def test_the_landing_in_korean(client, ops, manual_policy):
    ops.language = "ko"
    ops.save(update_fields=["language"])
    pending_enrollment(promised_in=-dt.timedelta(hours=1))
    response = client.get(INDEX)
    assert response.status_code == 200 and response["Content-Language"] == "ko"
    assert 'lang="ko"' in response.content.decode()
