"""Links issued before one-house invitations still work after the migrations: the token hashes are kept
(closed_* is renamed finished_*, not dropped), and pending expiry jobs of the old kinds move to the one
invitation expiry job, which then expires them under forced time."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from customers.models import CustomerInvitation
from customers.services import customer_invitation_accept
from invitations import links
from invitations.models import PartnerInvitation
from invitations.services import invitation_accept
from partnercenter import clock, jobs
from partnercenter.models import ScheduledJob
from partnercenter.tokens import token_new
from tenants.models import Program
from tests.customers.factories import make_customer, make_partnered
from tests.factories import make_partner

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("invitations", "0001_initial"), ("customers", "0003_order_request_id")]
MIGRATED = {"invitations", "customers"}


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] not in MIGRATED]
    return executor.loader.project_state([*others, *targets]).apps


def migrate_to_latest():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def old_apps():
    apps = migrate(BEFORE)
    yield apps
    migrate_to_latest()


def test_links_issued_before_still_work_and_their_jobs_move(old_apps):
    OldPartnerInvitation = old_apps.get_model("invitations", "PartnerInvitation")
    OldCustomerInvitation = old_apps.get_model("customers", "CustomerInvitation")
    OldJob = old_apps.get_model("partnercenter", "ScheduledJob")
    now = clock.now()
    provider, provider_admin = make_partner(Program.INDIRECT_PROVIDER)
    _reseller, reseller_admin = make_partner(Program.DIRECT_BILL, Program.INDIRECT_RESELLER)
    c_reseller, c_ruser, c_provider, _p = make_partnered()
    _tenant, customer_admin = make_customer()

    def partner_invitation(**fields):
        token, hashed = token_new()
        row = OldPartnerInvitation.objects.create(
            provider_id=provider.pk,
            token_hash=hashed,
            created_at=now,
            created_by_id=provider_admin.pk,
            expires_at=now + dt.timedelta(days=30),
            **fields,
        )
        return row, token

    def customer_invitation():
        token, hashed = token_new()
        row = OldCustomerInvitation.objects.create(
            reseller_id=c_reseller.pk,
            provider_id=c_provider.pk,
            token_hash=hashed,
            created_at=now,
            created_by_id=c_ruser.pk,
            expires_at=now + dt.timedelta(days=30),
        )
        return row, token

    def job(kind, row, status="pending"):
        return OldJob.objects.create(
            kind=kind,
            object_type=row._meta.label_lower,
            object_id=str(row.pk),
            due_at=row.expires_at,
            status=status,
            created_at=now,
        )

    p_open, p_token = partner_invitation()
    p_later, _ = partner_invitation()
    p_closed, p_closed_token = partner_invitation(
        status="revoked", closed_at=now, closed_by_id=provider_admin.pk
    )
    c_open, c_token = customer_invitation()
    c_later, _ = customer_invitation()
    for row in (p_open, p_later):
        job("partner_invitation.expire", row)
    for row in (c_open, c_later):
        job("customers.invitation_expire", row)
    old_done = job("partner_invitation.expire", p_closed, status="cancelled")

    migrate_to_latest()

    # The closed one keeps who closed it and when, under the shared names; its link still reads revoked.
    closed = PartnerInvitation.objects.get(pk=p_closed.pk)
    assert (closed.finished_at, closed.finished_by_id, closed.status) == (now, provider_admin.pk, "revoked")
    assert links.lookup(PartnerInvitation, p_closed_token)[1] == "revoked"
    # Pending expiry jobs now have the one kind; finished ones keep their history as it was.
    assert set(
        ScheduledJob.objects.filter(status="pending", object_type__endswith="invitation").values_list(
            "kind", flat=True
        )
    ) == {links.EXPIRE_JOB}
    assert ScheduledJob.objects.get(pk=old_done.pk).kind == "partner_invitation.expire"
    # The old links resolve and can be accepted, once.
    assert links.lookup(PartnerInvitation, p_token)[1] == "pending"
    assert links.lookup(CustomerInvitation, c_token)[1] == "pending"
    invitation_accept(token=p_token, user=reseller_admin)
    customer_invitation_accept(token=c_token, user=customer_admin)
    assert PartnerInvitation.objects.get(pk=p_open.pk).status == "accepted"
    assert CustomerInvitation.objects.get(pk=c_open.pk).status == "accepted"
    # The moved jobs expire the others under forced time.
    jobs.sweep_all(until=now + dt.timedelta(days=31))
    assert PartnerInvitation.objects.get(pk=p_later.pk).status == "expired"
    assert CustomerInvitation.objects.get(pk=c_later.pk).status == "expired"


def test_the_migrations_undo(old_apps):
    OldPartnerInvitation = old_apps.get_model("invitations", "PartnerInvitation")
    provider, provider_admin = make_partner(Program.INDIRECT_PROVIDER)
    now = clock.now()
    _token, hashed = token_new()
    row = OldPartnerInvitation.objects.create(
        provider_id=provider.pk,
        token_hash=hashed,
        created_at=now,
        expires_at=now,
        status="revoked",
        closed_at=now,
        closed_by_id=provider_admin.pk,
    )
    migrate_to_latest()
    apps = migrate(BEFORE)
    again = apps.get_model("invitations", "PartnerInvitation").objects.get(pk=row.pk)
    assert (again.closed_at, again.closed_by_id, again.token_hash) == (now, provider_admin.pk, hashed)
