"""Scenario sandboxes: isolated copies of the demo cast, each with a clock of its own."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.formats import date_format

from customers.models import CustomerAccount, ResellerRelationship, Subscription
from enrollment.models import Enrollment, EnrollmentState
from enrollment.services import enrollment_accept_agreement, enrollment_submit
from partnercenter import clock, jobs
from partnercenter.errors import InvalidInput
from partnercenter.models import ScheduledJob
from scenarios import services
from scenarios.models import Scenario
from scenarios.selectors import scenario_sign_ins
from tenants.models import ApiToken, PartnerProfile, Program, Tenant, User
from tenants.services import api_token_create
from tests.factories import make_direct_bill_partner, make_partner

from .conftest import MONDAY

pytestmark = pytest.mark.django_db


def contoso(scenario: Scenario) -> tuple[PartnerProfile, User]:
    profile = PartnerProfile.objects.select_related("tenant").get(
        tenant__scenario_key=scenario.slug, tenant__default_domain__startswith="contoso-"
    )
    return profile, User.objects.get(email=f"admin@contoso.{scenario.slug}.example")


def submit_in(scenario: Scenario) -> Enrollment:
    """Contoso of the scenario clicks "Enroll now", in the scenario (as its requests do)."""
    scenario.refresh_from_db()
    profile, admin = contoso(scenario)
    with clock.scenario_context(scenario.slug, scenario.offset):
        return enrollment_submit(profile=profile, user=admin)


def test_a_scenario_is_a_distinct_copy_of_the_cast_with_its_own_sign_ins(frozen):
    a = services.scenario_create(name="Training A")
    assert a.slug == "training-a" and a.state == Scenario.State.READY and a.now == MONDAY
    tenants = Tenant.objects.filter(scenario_key="training-a")
    assert sorted(t.default_domain for t in tenants) == [
        "contoso-training-a.onmicrosoft.com",
        "fabrikamdistribution-training-a.onmicrosoft.com",
        "litware-training-a.onmicrosoft.com",
        "northwindtraders-training-a.onmicrosoft.com",
        "tailspintoys-training-a.onmicrosoft.com",
        "wingtiptoys-training-a.onmicrosoft.com",
    ]
    profile, admin = contoso(a)
    assert profile.mpn_id == f"8{a.number:04d}01" and "Training A" in profile.legal_name
    assert admin.check_password("partnercenter-demo") and admin.tenant == profile.tenant
    emails = [email for email, _who in scenario_sign_ins(a)]
    assert "admin@contoso.training-a.example" in emails and "sales@contoso.training-a.example" in emails
    assert set(User.objects.filter(tenant__scenario_key="training-a").values_list("email", flat=True)) == set(
        emails
    )
    # The story's customers are there, served by the scenario's own Contoso; their renewal jobs are the
    # scenario's.
    wingtip = CustomerAccount.objects.get(tenant__default_domain="wingtiptoys-training-a.onmicrosoft.com")
    assert ResellerRelationship.objects.get(customer=wingtip).partner == profile
    assert Subscription.objects.filter(customer=wingtip).exists()
    renewals = ScheduledJob.objects.filter(kind="customers.subscription_term_end")
    assert renewals.count() == 2 and {r.scenario_key for r in renewals} == {"training-a"}
    # A second scenario: nothing collides with the first.
    b = services.scenario_create(name="Training B")
    assert Tenant.objects.filter(scenario_key=b.slug).count() == 6
    assert contoso(b)[0].mpn_id != profile.mpn_id
    assert not Tenant.objects.filter(scenario_key__isnull=True).exists()  # the real world is untouched


def test_bad_input_is_refused_and_changes_nothing(frozen):
    services.scenario_create(name="Training A")
    for kwargs, field in [
        ({"name": "Training A"}, "slug"),  # the same key
        ({"name": ""}, "name"),
        ({"name": "X", "slug": "Bad Key!"}, "slug"),
        ({"name": "X", "slug": "ok-key", "customers": -1}, "customers"),
    ]:
        with pytest.raises(InvalidInput) as exc:
            services.scenario_create(**kwargs)
        assert field in exc.value.fields
    assert Scenario.objects.count() == 1
    assert Tenant.objects.count() == 6


def test_two_scenarios_clocks_move_independently(frozen, business_days_policy):
    a = services.scenario_create(name="Training A")
    b = services.scenario_create(name="Training B")
    real_profile, real_admin = make_direct_bill_partner(offboarding=True, confirmed=True)
    real = enrollment_submit(profile=real_profile, user=real_admin)
    in_a, in_b = submit_in(a), submit_in(b)
    for enrollment in (real, in_a, in_b):
        assert enrollment.state == EnrollmentState.PENDING_APPROVAL
        assert enrollment.approval_due_at == MONDAY + dt.timedelta(days=7)
    approval_jobs = ScheduledJob.objects.filter(kind="enrollment.approve")
    assert dict(approval_jobs.values_list("object_id", "scenario_key")) == {
        str(real.pk): None,
        str(in_a.pk): "training-a",
        str(in_b.pk): "training-b",
    }

    assert services.scenario_advance(scenario=a, business_days=5) >= 1

    a.refresh_from_db()
    b.refresh_from_db()
    assert a.offset == dt.timedelta(days=7) and a.now == MONDAY + dt.timedelta(days=7)
    assert b.offset == dt.timedelta(0)
    assert clock.now() == MONDAY  # the real clock did not move
    for enrollment in (real, in_a, in_b):
        enrollment.refresh_from_db()
    assert in_a.state == EnrollmentState.APPROVED
    assert in_a.approved_at == MONDAY + dt.timedelta(days=7)  # as of its due time, in the scenario's time
    assert in_b.state == EnrollmentState.PENDING_APPROVAL
    assert real.state == EnrollmentState.PENDING_APPROVAL

    # The beat sweep runs each scenario's jobs by that scenario's clock, never by the real one.
    assert jobs.sweep() == 0
    in_b.refresh_from_db()
    assert in_b.state == EnrollmentState.PENDING_APPROVAL
    services.scenario_advance(scenario=b, days=30)
    in_b.refresh_from_db()
    real.refresh_from_db()
    assert in_b.state != EnrollmentState.PENDING_APPROVAL
    assert real.state == EnrollmentState.PENDING_APPROVAL


def test_advancing_runs_follow_up_jobs_each_as_of_its_due_time(frozen, business_days_policy, settings):
    settings.INCENTIVE_INVITATION_DELAY_DAYS = 7
    a = services.scenario_create(name="Training A")
    enrollment = submit_in(a)
    profile, admin = contoso(a)
    services.scenario_advance(scenario=a, business_days=5)
    enrollment.refresh_from_db()
    assert enrollment.state == EnrollmentState.APPROVED
    # Accept the agreement (the partner's next step) in the scenario, then 30 days pass there.
    a.refresh_from_db()
    with clock.scenario_context(a.slug, a.offset):
        enrollment_accept_agreement(profile=profile, user=admin)
    services.scenario_advance(scenario=a, days=30)
    done = ScheduledJob.objects.filter(scenario_key=a.slug, status=ScheduledJob.Status.DONE)
    incentive = done.get(kind="incentive.send")
    # Due 7 days after activation (scenario day 7), run in the same 30-day advance as of its due time.
    assert incentive.finished_at == incentive.due_at
    assert incentive.due_at == MONDAY + dt.timedelta(days=14)


def test_a_scenario_job_run_by_a_worker_sees_its_scenario_clock(frozen, business_days_policy):
    a = services.scenario_create(name="Training A")
    enrollment = submit_in(a)
    job = ScheduledJob.objects.get(kind="enrollment.approve", scenario_key=a.slug)
    assert jobs.job_run(job.pk) is False  # not due by the scenario's clock (the real one is the same)
    Scenario.objects.filter(pk=a.pk).update(offset=dt.timedelta(days=8))  # the scenario is a week on
    assert jobs.job_run(job.pk) is True  # the worker enters the job's scenario
    enrollment.refresh_from_db()
    assert enrollment.approved_at == MONDAY + dt.timedelta(days=8)
    assert clock.now() == MONDAY


def test_dates_on_a_page_of_a_scenario_user_follow_its_clock(client, frozen, business_days_policy):
    a = services.scenario_create(name="Training A")
    services.scenario_advance(scenario=a, days=30)
    _profile, admin = contoso(a)
    client.force_login(admin)
    response = client.post(reverse("enrollment:enroll"), {"acknowledge": "on"})
    assert response.status_code == 302
    enrollment = Enrollment.objects.get(partner__tenant__scenario_key=a.slug)
    scenario_now = MONDAY + dt.timedelta(days=30)
    assert enrollment.submitted_at == scenario_now
    promised = clock.add_business_days(scenario_now, 5)
    assert enrollment.approval_promised_at == promised
    page = client.get(reverse("enrollment:enroll")).content.decode()
    assert date_format(promised, "DATE_FORMAT") in page
    assert date_format(clock.add_business_days(MONDAY, 5), "DATE_FORMAT") not in page


def test_the_scenario_clock_does_not_leak_between_requests(client, frozen):
    a = services.scenario_create(name="Training A")
    b = services.scenario_create(name="Training B")
    services.scenario_advance(scenario=a, days=30)
    services.scenario_advance(scenario=b, days=3)
    user_a, user_b = contoso(a)[1], contoso(b)[1]
    real_profile, real_admin = make_direct_bill_partner()
    expected = {
        user_a: MONDAY + dt.timedelta(days=30),
        user_b: MONDAY + dt.timedelta(days=3),
        real_admin: MONDAY,
    }
    for n, user in enumerate([user_a, user_b, real_admin, user_a, real_admin, user_b]):
        client.force_login(user)
        assert client.post(reverse("api_keys"), {"name": f"key {n}"}).status_code == 302
        token = ApiToken.objects.get(name=f"key {n}")
        assert token.created_at == expected[user], user
        assert clock.now() == MONDAY  # after the response, the test's own context is the real one
        client.logout()


def test_an_api_token_of_a_scenario_user_runs_in_the_scenario(client, frozen):
    a = services.scenario_create(name="Training A")
    services.scenario_advance(scenario=a, days=10)
    _token, key = api_token_create(user=contoso(a)[1], name="api")
    real_user = make_direct_bill_partner()[1]
    _real_token, real_key = api_token_create(user=real_user, name="api real")
    assert client.get("/v1/profiles/legalbusiness", HTTP_AUTHORIZATION=f"Bearer {key}").status_code < 500
    assert client.get("/v1/profiles/legalbusiness", HTTP_AUTHORIZATION=f"Bearer {real_key}").status_code < 500
    # The authentication stamps its last use with the clock the request runs with.
    assert ApiToken.objects.get(name="api").last_used_at == MONDAY + dt.timedelta(days=10)
    assert ApiToken.objects.get(name="api real").last_used_at == MONDAY


def test_a_scenario_user_sees_only_its_own_scenario(client, frozen):
    a = services.scenario_create(name="Training A")
    b = services.scenario_create(name="Training B")
    real_profile, real_admin = make_direct_bill_partner()
    _profile_a, admin_a = contoso(a)
    client.force_login(admin_a)
    page = client.get(reverse("customers:list")).content.decode()
    assert "wingtiptoys-training-a" in page or "Wingtip Toys (Training A)" in page
    assert "Training B" not in page and "training-b" not in page
    for other in [
        CustomerAccount.objects.get(tenant__default_domain="wingtiptoys-training-b.onmicrosoft.com"),
        CustomerAccount.objects.get(tenant__default_domain="litware-training-b.onmicrosoft.com"),
    ]:
        assert client.get(reverse("customers:detail", args=[other.tenant_id])).status_code == 404
    profile = client.get(reverse("profile")).content.decode()
    assert contoso(a)[0].mpn_id in profile and contoso(b)[0].mpn_id not in profile
    assert real_profile.mpn_id not in profile


def test_reset_rebuilds_the_scenario(frozen, business_days_policy):
    a = services.scenario_create(name="Training A")
    services.scenario_advance(scenario=a, days=30)
    submit_in(a)
    old_tenants = set(Tenant.objects.filter(scenario_key=a.slug).values_list("pk", flat=True))
    b = services.scenario_create(name="Training B")
    b_tenants = set(Tenant.objects.filter(scenario_key=b.slug).values_list("pk", flat=True))

    services.scenario_reset(scenario=a)
    connection.check_constraints()

    a.refresh_from_db()
    assert a.offset == dt.timedelta(0) and a.state == Scenario.State.READY
    assert not Enrollment.objects.filter(partner__tenant__scenario_key=a.slug).exists()
    new_tenants = set(Tenant.objects.filter(scenario_key=a.slug).values_list("pk", flat=True))
    assert len(new_tenants) == 6 and not (new_tenants & old_tenants)
    assert not ScheduledJob.objects.filter(scenario_key=a.slug, status=ScheduledJob.Status.DONE).exists()
    assert contoso(a)[1].check_password("partnercenter-demo")
    # The other scenario is untouched.
    assert set(Tenant.objects.filter(scenario_key=b.slug).values_list("pk", flat=True)) == b_tenants


def test_delete_removes_the_scenario_and_all_its_data(frozen, business_days_policy):
    a = services.scenario_create(name="Training A", customers=20)
    submit_in(a)
    real_profile, _admin = make_direct_bill_partner()
    services.scenario_delete(scenario=a)
    connection.check_constraints()  # nothing is left pointing at a deleted row
    assert not Scenario.objects.exists()
    assert not Tenant.objects.filter(scenario_key="training-a").exists()
    assert not User.objects.filter(email__endswith=".training-a.example").exists()
    assert not ScheduledJob.objects.filter(scenario_key="training-a").exists()
    assert Tenant.objects.filter(pk=real_profile.tenant_id).exists()


def test_a_scenario_with_2000_customers_is_built_in_bulk(frozen):
    started = time.monotonic()
    a = services.scenario_create(name="Big book", customers=2000)
    assert time.monotonic() - started < 60
    assert Tenant.objects.filter(scenario_key=a.slug, kind=Tenant.Kind.CUSTOMER).count() == 2003
    profile, _admin = contoso(a)
    assert ResellerRelationship.objects.filter(partner=profile, status="active").count() == 2002
    # Bulk: inserts of many rows each, not a statement (or several) per customer.
    with CaptureQueriesContext(connection) as small:
        services.scenario_create(name="Small book", customers=0)
    with CaptureQueriesContext(connection) as big:
        services.scenario_create(name="Another big book", customers=4000)
    assert len(big.captured_queries) - len(small.captured_queries) < 4000 / 20


def test_the_command_creates_lists_advances_resets_and_deletes(frozen, capsys):
    call_command("scenario", "create", "Workshop", "--customers", "5")
    out = capsys.readouterr().out
    assert "admin@contoso.workshop.example" in out and "admin@fabrikam.workshop.example" in out
    call_command("scenario", "advance", "workshop", "--business-days", "1")
    assert Scenario.objects.get(slug="workshop").offset == dt.timedelta(days=1)
    call_command("scenario", "advance", "workshop", "--days", "30")
    assert Scenario.objects.get(slug="workshop").offset == dt.timedelta(days=31)
    call_command("scenario", "list")
    assert "workshop" in capsys.readouterr().out
    call_command("scenario", "reset", "workshop")
    assert Scenario.objects.get(slug="workshop").offset == dt.timedelta(0)
    call_command("scenario", "delete", "workshop")
    assert not Scenario.objects.exists() and not Tenant.objects.exists()


def test_admin_creates_shows_sign_ins_and_advances(client, frozen):
    ops = User.objects.create_superuser("ops-scenarios@portal.example", "pw")
    client.force_login(ops)
    response = client.post(
        reverse("admin:scenarios_scenario_add"), {"name": "Admin made", "slug": "", "customers": "3"}
    )
    assert response.status_code == 302
    scenario = Scenario.objects.get(slug="admin-made")
    listing = client.get(reverse("admin:scenarios_scenario_changelist")).content.decode()
    assert "admin-made" in listing and "Advance 5 business days" in listing
    page = client.get(reverse("admin:scenarios_scenario_change", args=[scenario.pk])).content.decode()
    assert "admin@contoso.admin-made.example" in page
    for code in ("1bd", "5bd", "30d", "reset"):
        assert f'data-scenario-action="{code}"' in page
    client.post(reverse("admin:scenarios_scenario_clock", args=[scenario.pk, "5bd"]))
    scenario.refresh_from_db()
    assert scenario.offset == dt.timedelta(days=7)
    client.post(
        reverse("admin:scenarios_scenario_changelist"),
        {"action": "advance_30d", "_selected_action": [scenario.pk]},
    )
    scenario.refresh_from_db()
    assert scenario.offset == dt.timedelta(days=37)
    client.post(reverse("admin:scenarios_scenario_clock", args=[scenario.pk, "reset"]))
    scenario.refresh_from_db()
    assert scenario.offset == dt.timedelta(0)
    # The same key again: the form says so, nothing is created.
    response = client.post(
        reverse("admin:scenarios_scenario_add"), {"name": "Admin made", "slug": "", "customers": "0"}
    )
    assert response.status_code == 200 and Scenario.objects.count() == 1
    assert client.get(reverse("admin:scenarios_scenario_clock", args=[scenario.pk, "5bd"])).status_code == 405


def test_a_task_published_in_a_scenario_runs_in_it_on_the_worker(frozen, monkeypatch):
    from partnercenter import emails
    from partnercenter.models import SentEmail
    from partnercenter.tasks import deliver_email

    a = services.scenario_create(name="Training A")
    services.scenario_advance(scenario=a, days=30)
    a.refresh_from_db()
    published = []
    monkeypatch.setattr(
        "celery.canvas.Signature.apply_async", lambda self, *args, **kw: published.append((self.task, kw))
    )
    with clock.scenario_context(a.slug, a.offset):
        email = emails.email_send(
            kind="test.scenario", to="someone@contoso.training-a.example", subject="Hi", body="Hello"
        )
        jobs.publish_hint(emails.DELIVER_TASK, email.pk)  # as the commit does, in the request's scenario
    jobs.publish_hint(emails.DELIVER_TASK, email.pk)  # outside any scenario: no header
    assert published == [
        (emails.DELIVER_TASK, {"retry": False, "headers": {jobs.SCENARIO_HEADER: a.slug}}),
        (emails.DELIVER_TASK, {"retry": False}),
    ]
    monkeypatch.undo()
    # Written in the scenario's time; due on the real clock, so any worker (or the outbox sweep, even when
    # the broker lost the message) delivers it now; with the header the worker also runs in the scenario.
    assert email.created_at == MONDAY + dt.timedelta(days=30)
    assert email.next_attempt_at == MONDAY
    assert deliver_email.apply(args=[email.pk], headers={jobs.SCENARIO_HEADER: a.slug}).get() is True
    email.refresh_from_db()
    assert email.status == SentEmail.Status.SENT and email.sent_at == MONDAY + dt.timedelta(days=30)
    assert clock.now() == MONDAY


def test_find_a_provider_lists_only_the_providers_of_the_users_world(client, frozen):
    a = services.scenario_create(name="Training A")
    services.scenario_create(name="Training B")
    real_provider, _ = make_partner(Program.INDIRECT_PROVIDER)
    _profile_a, admin_a = contoso(a)
    client.force_login(admin_a)
    page = client.get(reverse("invitations:find_provider")).content.decode()
    assert "Training A" in page
    assert "Training B" not in page and real_provider.legal_name not in page
    real_partner, real_admin = make_direct_bill_partner()
    client.force_login(real_admin)
    page = client.get(reverse("invitations:find_provider")).content.decode()
    assert real_provider.legal_name in page
    assert "Training A" not in page and "Training B" not in page


def test_the_outbox_sweep_delivers_a_scenario_email_whose_message_was_lost(frozen):
    from partnercenter import emails
    from partnercenter.models import SentEmail

    a = services.scenario_create(name="Training A")
    services.scenario_advance(scenario=a, days=30)
    a.refresh_from_db()
    with clock.scenario_context(a.slug, a.offset):
        email = emails.email_send(
            kind="test.scenario", to="someone@contoso.training-a.example", subject="Hi", body="Hello"
        )
    assert emails.sweep_outbox() >= 1  # beat's sweep, outside any scenario
    email.refresh_from_db()
    assert email.status == SentEmail.Status.SENT
