"""Ops admin: the audit log is read-only, every email is listed and viewable, jobs can be run now."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from partnercenter import clock, emails, events, jobs
from partnercenter.models import Event, ScheduledJob, SentEmail
from tests.factories import UserFactory, make_direct_bill_partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def ops(client):
    user = UserFactory(email="ops@portal.example", tenant=None, role="", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def text(response) -> str:
    return response.content.decode()


def test_audit_log_lists_who_when_what_and_tenant(client, ops):
    profile, user = make_direct_bill_partner()
    events.record("profile.confirmed", tenant=profile.tenant, actor=user, obj=profile, reason="R2")
    page = text(client.get(reverse("admin:partnercenter_event_changelist")))
    assert "profile.confirmed" in page and user.email in page and profile.tenant.display_name in page
    other, _ = make_direct_bill_partner()
    events.record("profile.updated", tenant=other.tenant, obj=other)
    url = reverse("admin:partnercenter_event_changelist")
    by_kind = client.get(url, {"kind": "profile.confirmed"}).context["cl"].result_list
    assert [e.kind for e in by_kind] == ["profile.confirmed"]
    by_tenant = client.get(url, {"tenant__id__exact": str(other.tenant.pk)}).context["cl"].result_list
    assert [e.kind for e in by_tenant] == ["profile.updated"]
    by_search = client.get(url, {"q": user.email}).context["cl"].result_list
    assert [e.kind for e in by_search] == ["profile.confirmed"]


def test_audit_log_is_read_only(client, ops):
    profile, user = make_direct_bill_partner()
    event = events.record(
        "profile.confirmed", tenant=profile.tenant, actor=user, obj=profile, payload={"k": "v"}
    )
    change_url = reverse("admin:partnercenter_event_change", args=[event.pk])
    detail = client.get(change_url)
    assert detail.status_code == 200
    page = text(detail)
    assert "&quot;k&quot;: &quot;v&quot;" in page
    assert 'name="_save"' not in page and 'name="kind"' not in page
    client.post(change_url, {"kind": "tampered"})
    assert Event.objects.get(pk=event.pk).kind == "profile.confirmed"
    assert client.get(reverse("admin:partnercenter_event_add")).status_code == 403
    assert (
        client.post(reverse("admin:partnercenter_event_delete", args=[event.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert Event.objects.filter(pk=event.pk).exists()


def test_every_email_is_listed_and_viewable(client, ops, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = emails.email_send(
            kind="enrollment.approved", to="pc@contoso.example", subject="Approved", body="Welcome aboard"
        )
    listing = text(client.get(reverse("admin:partnercenter_sentemail_changelist")))
    assert "pc@contoso.example" in listing and "Approved" in listing
    search = text(client.get(reverse("admin:partnercenter_sentemail_changelist"), {"q": "nobody@x"}))
    assert "pc@contoso.example" not in search
    detail = text(client.get(reverse("admin:partnercenter_sentemail_change", args=[email.pk])))
    assert "Welcome aboard" in detail and 'name="_save"' not in detail


def test_resend_email_action(client, ops, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = emails.email_send(kind="k", to="a@b.example", subject="S", body="B")
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:partnercenter_sentemail_changelist"),
            {"action": "resend_emails", "_selected_action": [email.pk]},
            follow=True,
        )
    assert "1 email queued." in text(response)
    assert len(mail.outbox) == 2


@pytest.fixture
def job_kind():
    calls = []

    def run(job):
        calls.append(job.pk)
        return "done it"

    jobs.handler("test.admin")(run)
    yield calls
    jobs._HANDLERS.pop("test.admin", None)


def test_jobs_list_shows_pending_jobs_with_filters(client, ops, job_kind):
    profile, _ = make_direct_bill_partner()
    due = jobs.job_schedule(
        kind="test.admin", tenant=profile.tenant, due_at=clock.now() - dt.timedelta(minutes=1)
    )
    later = jobs.job_schedule(kind="test.admin", due_at=clock.now() + dt.timedelta(days=5))
    url = reverse("admin:partnercenter_scheduledjob_changelist")
    page = text(client.get(url))
    assert "test.admin" in page and "due now" in page and "in 4" in page
    due_now = client.get(url, {"due": "now"}).context["cl"].result_list
    assert list(due_now) == [due]
    due_later = client.get(url, {"due": "later"}).context["cl"].result_list
    assert list(due_later) == [later]


def test_run_now_action_runs_a_job_that_is_not_due_yet(client, ops, job_kind):
    job = jobs.job_schedule(kind="test.admin", due_at=clock.now() + dt.timedelta(days=5))
    response = client.post(
        reverse("admin:partnercenter_scheduledjob_changelist"),
        {"action": "run_jobs_now", "_selected_action": [job.pk]},
        follow=True,
    )
    assert "1 job ran." in text(response)
    job.refresh_from_db()
    assert job.status == ScheduledJob.Status.DONE and job.result == "done it"
    assert job_kind == [job.pk]
    # running it again does nothing: it is not pending any more
    response = client.post(
        reverse("admin:partnercenter_scheduledjob_changelist"),
        {"action": "run_jobs_now", "_selected_action": [job.pk]},
        follow=True,
    )
    assert "1 job was skipped: it is not pending." in text(response)
    assert job_kind == [job.pk]


def test_run_now_reports_a_failing_job(client, ops):
    def broken(job):
        raise RuntimeError("provider API down")

    jobs.handler("test.broken")(broken)
    try:
        job = jobs.job_schedule(kind="test.broken", due_at=clock.now() + dt.timedelta(days=1))
        response = client.post(
            reverse("admin:partnercenter_scheduledjob_changelist"),
            {"action": "run_jobs_now", "_selected_action": [job.pk]},
            follow=True,
        )
    finally:
        jobs._HANDLERS.pop("test.broken")
    assert "did not complete: RuntimeError: provider API down" in text(response)
    job.refresh_from_db()
    assert job.status == ScheduledJob.Status.PENDING and job.attempts == 1


def test_job_detail_is_read_only(client, ops, job_kind):
    job = jobs.job_schedule(kind="test.admin", due_at=clock.now() + dt.timedelta(days=1))
    page = text(client.get(reverse("admin:partnercenter_scheduledjob_change", args=[job.pk])))
    assert "test.admin" in page and 'name="due_at"' not in page
    assert client.get(reverse("admin:partnercenter_scheduledjob_add")).status_code == 403


def test_sent_email_cannot_be_added_or_deleted(client, ops):
    email = SentEmail.objects.create(
        kind="k", to="a@b.example", subject="S", body="B", created_at=clock.now()
    )
    assert client.get(reverse("admin:partnercenter_sentemail_add")).status_code == 403
    client.post(reverse("admin:partnercenter_sentemail_delete", args=[email.pk]), {"post": "yes"})
    assert SentEmail.objects.filter(pk=email.pk).exists()


def test_run_now_button_on_the_job_page(client, ops, job_kind):
    job = jobs.job_schedule(kind="test.admin", due_at=clock.now() + dt.timedelta(days=2))
    change_url = reverse("admin:partnercenter_scheduledjob_change", args=[job.pk])
    run_url = reverse("admin:partnercenter_scheduledjob_run_now", args=[job.pk])
    assert run_url in text(client.get(change_url))
    assert client.get(run_url).status_code == 405
    response = client.post(run_url, follow=True)
    assert "1 job ran." in text(response)
    job.refresh_from_db()
    assert job.status == ScheduledJob.Status.DONE and job_kind == [job.pk]
    assert run_url not in text(client.get(change_url))


def test_run_now_button_needs_ops_staff(client, job_kind):
    from tests.factories import make_direct_bill_partner

    _profile, user = make_direct_bill_partner()
    client.force_login(user)
    job = jobs.job_schedule(kind="test.admin", due_at=clock.now() + dt.timedelta(days=2))
    response = client.post(reverse("admin:partnercenter_scheduledjob_run_now", args=[job.pk]))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    job.refresh_from_db()
    assert job.status == ScheduledJob.Status.PENDING and job_kind == []
