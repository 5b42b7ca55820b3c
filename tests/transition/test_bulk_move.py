"""The bulk move: a batch of customer invitations written in one request and sent by durable job steps,
each customer invited once, even when a step crashes half-way and is run again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customers.models import CustomerInvitation
from customers.services.invitations import REASON_ALREADY_RESELLER, REASON_STORE_FOR_BUSINESS
from partnercenter import clock, jobs
from partnercenter.errors import DomainError, Forbidden
from partnercenter.models import Event, ScheduledJob, SentEmail
from tenants.models import Partnership, Role
from transition import services
from transition.models import MoveBatch, MoveBatchItem
from transition.selectors import REASON_ALREADY_INVITED, REASON_NO_EMAIL, MoveState

from .helpers import bulk_direct_customers, direct_customer, invite_by_hand, one_of_each, setup

pytestmark = pytest.mark.django_db

LATER = dt.timedelta(hours=2)  # past any retry backoff


def run_all(until=None):
    return jobs.sweep_all(until=until)


def start(reseller, user, provider, accounts=None, **kw):
    ids = [str(a.tenant_id) for a in accounts] if accounts is not None else None
    return services.move_batch_create(reseller=reseller, user=user, provider=provider, customer_ids=ids, **kw)


def invitation_emails():
    return SentEmail.objects.filter(kind="customer_invitation")


def test_a_batch_invites_each_customer_once_and_records_why_others_were_not():
    reseller, user, provider = setup()
    accounts = one_of_each(reseller, user, provider)
    no_email = direct_customer(reseller, name="Foxtrot", email=False, role=Role.BILLING_ADMIN)
    admin_only = direct_customer(reseller, name="Golf", email=False)  # its global admin gets the email
    batch = start(reseller, user, provider, [*accounts.values(), no_email, admin_only])
    assert batch.state == MoveBatch.State.QUEUED and batch.total == 7
    assert MoveBatchItem.objects.filter(batch=batch, state="pending").count() == 7
    assert not invitation_emails().filter(to__icontains="alpha").exists()  # nothing sent in the request

    run_all()

    batch.refresh_from_db()
    assert batch.state == MoveBatch.State.DONE and batch.finished_at is not None
    assert (batch.invited, batch.skipped, batch.failed) == (2, 4, 1)
    items = {
        i.customer.company_name: i
        for i in MoveBatchItem.objects.filter(batch=batch).select_related("customer")
    }
    assert items["Alpha"].state == "invited" and items["Golf"].state == "invited"
    assert (items["Bravo"].state, items["Bravo"].reason) == ("skipped", REASON_ALREADY_INVITED)
    assert (items["Charlie"].state, items["Charlie"].reason) == ("skipped", REASON_ALREADY_RESELLER)
    assert items["Delta"].reason == REASON_ALREADY_RESELLER
    assert (items["Echo"].state, items["Echo"].reason) == ("skipped", REASON_STORE_FOR_BUSINESS)
    assert (items["Foxtrot"].state, items["Foxtrot"].reason) == ("failed", REASON_NO_EMAIL)
    # Real invitations, with the provider, emailed through the outbox to the customer.
    alpha = items["Alpha"].invitation
    assert alpha.provider == provider and alpha.reseller == reseller and alpha.status == "pending"
    assert alpha.email_to == accounts["not_invited"].contact_email
    assert invitation_emails().filter(to=alpha.email_to).count() == 1
    golf_admin = admin_only.tenant.users.get()
    assert items["Golf"].invitation.email_to == golf_admin.email
    # The tracker now says invited for both.
    from transition.selectors import tracker_customers

    invited = tracker_customers(profile=reseller, state=MoveState.INVITED).values_list(
        "company_name", flat=True
    )
    assert set(invited) == {"Alpha", "Bravo", "Golf"}
    kinds = list(Event.objects.filter(object_id=str(batch.pk)).order_by("id").values_list("kind", flat=True))
    assert kinds == ["move_batch.created", "move_batch.finished"]


def test_five_hundred_customers_are_each_invited_once():
    reseller, user, provider = setup()
    accounts = bulk_direct_customers(reseller, 500)
    batch = services.move_batch_create(
        reseller=reseller, user=user, provider=provider, state=MoveState.NOT_INVITED
    )
    assert batch.total == 500
    assert ScheduledJob.objects.filter(kind=services.STEP_JOB, status="pending").count() == 3  # 3 chunks

    run_all()

    batch.refresh_from_db()
    assert (batch.state, batch.invited, batch.skipped, batch.failed) == ("done", 500, 0, 0)
    assert CustomerInvitation.objects.filter(reseller=reseller).count() == 500
    to = list(invitation_emails().values_list("to", flat=True))
    assert sorted(to) == sorted(a.contact_email for a in accounts)  # one email each
    assert (
        MoveBatchItem.objects.filter(batch=batch)
        .exclude(invitation=None)
        .values("invitation")
        .distinct()
        .count()
        == 500
    )
    assert not ScheduledJob.objects.filter(kind=services.STEP_JOB, status="pending").exists()
    # Running the jobs again changes nothing.
    assert services.move_batch_step(batch_id=batch.pk) == "nothing to do"
    assert CustomerInvitation.objects.filter(reseller=reseller).count() == 500


@pytest.mark.parametrize("chains", [1, 3])
def test_a_step_that_crashes_half_way_is_rolled_back_and_the_batch_resumes_without_duplicates(
    monkeypatch, chains
):
    monkeypatch.setattr(services, "PARALLEL", chains)
    reseller, user, provider = setup()
    accounts = bulk_direct_customers(reseller, 450)
    batch = start(reseller, user, provider, accounts)
    real_invite = services._invite
    calls = {"n": 0}

    def crashing_invite(batch, item, email):
        calls["n"] += 1
        if calls["n"] == 250:  # in the middle of the second step: the worker "dies"
            raise RuntimeError("worker killed")
        return real_invite(batch, item, email)

    monkeypatch.setattr(services, "_invite", crashing_invite)
    run_all()

    batch.refresh_from_db()
    crashed = ScheduledJob.objects.get(kind=services.STEP_JOB, status="pending")
    assert crashed.attempts == 1 and "worker killed" in crashed.last_error
    # The crashed step's invitations were rolled back with its items: none is half-done.
    invited_items = MoveBatchItem.objects.filter(batch=batch, state="invited").count()
    assert invited_items == CustomerInvitation.objects.filter(reseller=reseller).count()
    assert invited_items == invitation_emails().count() == batch.invited
    if chains == 1:  # nothing else runs until the crashed step's retry
        assert invited_items == 200 and batch.state == MoveBatch.State.RUNNING
    else:  # the other chains claimed the rolled-back items and finished the batch
        assert invited_items == 450 and batch.state == MoveBatch.State.DONE

    run_all(until=clock.now() + LATER)  # the retry, once its backoff has passed

    batch.refresh_from_db()
    assert (batch.state, batch.invited, batch.skipped, batch.failed) == ("done", 450, 0, 0)
    assert CustomerInvitation.objects.filter(reseller=reseller).count() == 450
    assert sorted(invitation_emails().values_list("to", flat=True)) == sorted(
        a.contact_email for a in accounts
    )


def test_an_abandoned_claim_is_picked_up_by_the_next_step():
    """A step whose transaction never commits (a killed worker) leaves its items pending; the retry of its
    job row, or any other step, claims them again."""
    reseller, user, provider = setup()
    accounts = bulk_direct_customers(reseller, 30)
    batch = start(reseller, user, provider, accounts)

    class Killed(Exception):
        pass

    from django.db import transaction

    with pytest.raises(Killed):
        with transaction.atomic():
            services.move_batch_step(batch_id=batch.pk, chunk=20)
            assert MoveBatchItem.objects.filter(batch=batch, state="invited").count() == 20
            raise Killed
    assert MoveBatchItem.objects.filter(batch=batch, state="pending").count() == 30
    run_all()
    batch.refresh_from_db()
    assert (batch.state, batch.invited) == ("done", 30)
    assert CustomerInvitation.objects.filter(reseller=reseller).count() == 30


def test_two_batches_with_the_same_customers_invite_each_once():
    reseller, user, provider = setup()
    accounts = bulk_direct_customers(reseller, 10)
    first = start(reseller, user, provider, accounts)
    second = start(reseller, user, provider, accounts[:5])
    run_all()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.invited + second.invited == 10
    assert second.skipped == 5 or first.skipped == 5
    assert CustomerInvitation.objects.filter(reseller=reseller).count() == 10
    reasons = set(MoveBatchItem.objects.filter(state="skipped").values_list("reason", flat=True))
    assert reasons == {REASON_ALREADY_INVITED}


def test_a_customer_invited_by_hand_is_skipped():
    reseller, user, provider = setup()
    account = direct_customer(reseller, name="Alpha")
    invite_by_hand(reseller, user, provider, account)
    batch = start(reseller, user, provider, [account])
    run_all()
    batch.refresh_from_db()
    assert (batch.skipped, batch.invited) == (1, 0)
    assert CustomerInvitation.objects.filter(reseller=reseller).count() == 1


def test_ten_thousand_customers_are_queued_in_one_request_with_a_bounded_number_of_queries(client):
    reseller, user, provider = setup()
    accounts = bulk_direct_customers(reseller, 10_000)
    client.force_login(user)
    body = {"providerId": str(provider.tenant_id), "customerIds": [str(a.tenant_id) for a in accounts]}
    with CaptureQueriesContext(connection) as ctx:
        response = client.post("/v1/transition/invitations", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["totalCount"] == 10_000
    # A few bulk INSERTs (SQLite caps the rows of one INSERT at its variable limit: ~140 rows here, 2,000 on
    # PostgreSQL), never a query per customer.
    assert len(ctx.captured_queries) < 10_000 / 100, len(ctx.captured_queries)
    assert MoveBatchItem.objects.filter(state="pending").count() == 10_000
    assert ScheduledJob.objects.filter(kind=services.STEP_JOB).count() == services.PARALLEL
    # All matching a filter, likewise.
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(
            "/v1/transition/invitations",
            {"providerId": str(provider.tenant_id), "filter": {"state": "not_invited", "q": "Bulk"}},
            content_type="application/json",
        )
    assert response.status_code == 201 and response.json()["totalCount"] == 10_000
    assert len(ctx.captured_queries) < 10_000 / 100


def test_only_a_global_admin_or_admin_agent_of_an_active_reseller_starts_a_batch():
    reseller, user, provider = setup()
    account = direct_customer(reseller)
    sales = user.__class__.objects.create(
        email="sales@example.com", tenant=reseller.tenant, role=Role.SALES_AGENT
    )
    with pytest.raises(Forbidden) as exc:
        start(reseller, sales, provider, [account])
    assert exc.value.reason == "customer_invitation.role_cannot_invite"
    assert not MoveBatch.objects.exists() and not MoveBatchItem.objects.exists()


def test_bad_selections_change_nothing():
    reseller, user, provider = setup()
    account = direct_customer(reseller)
    other, _u, _p = setup()
    theirs = direct_customer(other)
    for ids, reason in [
        ([str(account.tenant_id), str(theirs.tenant_id)], services.REASON_UNKNOWN_CUSTOMERS),
        ([str(account.tenant_id), "not-a-uuid"], services.REASON_UNKNOWN_CUSTOMERS),
        ([], services.REASON_NO_CUSTOMERS),
    ]:
        with pytest.raises(DomainError) as exc:
            services.move_batch_create(reseller=reseller, user=user, provider=provider, customer_ids=ids)
        assert exc.value.reason == reason
    with pytest.raises(DomainError) as exc:
        services.move_batch_create(reseller=reseller, user=user, provider=provider, state="nonsense")
    assert exc.value.reason == services.REASON_BAD_STATE
    stranger, _ = setup()[2], None
    with pytest.raises(DomainError) as exc:
        start(reseller, user, stranger, [account])
    assert exc.value.reason == "customer_invitation.provider_not_partnered"
    assert not MoveBatch.objects.exists() and not ScheduledJob.objects.filter(kind=services.STEP_JOB).exists()


def test_a_partnership_ended_mid_batch_fails_the_rest_with_the_reason():
    reseller, user, provider = setup()
    accounts = bulk_direct_customers(reseller, 5)
    batch = start(reseller, user, provider, accounts)
    Partnership.objects.filter(reseller=reseller, provider=provider).update(status="removed")
    run_all()
    batch.refresh_from_db()
    assert (batch.state, batch.failed, batch.reason) == (
        "failed",
        5,
        "customer_invitation.provider_not_partnered",
    )
    assert not CustomerInvitation.objects.exists()
    assert Event.objects.filter(kind="move_batch.failed", object_id=str(batch.pk)).count() == 1


def test_the_invitation_emails_are_delivered(django_capture_on_commit_callbacks):
    reseller, user, provider = setup()
    accounts = [direct_customer(reseller, name=n) for n in ("Alpha", "Bravo")]
    with django_capture_on_commit_callbacks(execute=True):
        batch = start(reseller, user, provider, accounts)  # published on commit; tasks run eagerly in tests
    batch.refresh_from_db()
    assert batch.state == "done"
    assert sorted(m.to[0] for m in mail.outbox) == sorted(a.contact_email for a in accounts)
    assert all("/customers/invitations/" in m.body for m in mail.outbox)
