"""Timelines: the enrollment, each partnership (and a pending partnership invitation) and each customer
draw their history from the one audit trail, with who and when, and end with what is expected next."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.formats import date_format

from customers.catalog import offers_seed
from enrollment import services as enrollment_services
from enrollment.models import Enrollment
from invitations import services as invitation_services
from partnercenter import clock, events
from partnercenter.models import Event
from partnercenter.templatetags.timeline import who
from tenants.models import Partnership, Program
from tests.customers.factories import make_customer, make_partnered, order, relate
from tests.factories import UserFactory, make_partner

pytestmark = pytest.mark.django_db

WEDNESDAY = dt.datetime(2026, 3, 11, 10, 0, tzinfo=dt.UTC)


def section(body: str, testid: str) -> str:
    start = body.index(f'data-testid="{testid}"')
    return body[start : body.index("</ol>", start)]


def test_the_enrollment_timeline_is_its_events_and_ends_with_the_expected_approval(client, settings):
    settings.ENROLLMENT_APPROVAL_POLICY = "manual"
    profile, admin = make_partner(Program.DIRECT_BILL, offboarding=True, confirmed=True)
    client.force_login(admin)
    with clock.frozen_at(WEDNESDAY):
        enrollment = enrollment_services.enrollment_submit(profile=profile, user=admin)
        events.record(
            events.EventKind.ENROLLMENT_REFUSED, tenant=profile.tenant, obj=enrollment, reason="a note"
        )
        timeline = section(client.get("/enrollment/").content.decode(), "enrollment-timeline")
    assert 'data-event="enrollment.submitted">Enrollment submitted<' in timeline
    assert 'data-event="enrollment.refused">Enrollment refused<' in timeline and "a note" in timeline
    assert admin.email in timeline
    nxt = timeline[timeline.index('data-testid="timeline-next"') :]
    assert "Approval expected by" in nxt and "March 18, 2026" in nxt

    Event.objects.filter(object_type="enrollment.enrollment", object_id=str(enrollment.pk)).delete()
    with clock.frozen_at(WEDNESDAY):
        timeline = section(client.get("/enrollment/").content.decode(), "enrollment-timeline")
    assert "data-event=" not in timeline  # nothing but the events draws it
    assert "Approval expected by" in timeline


def test_an_approved_enrollment_expects_the_agreement_and_a_rejected_one_another_try(client, settings):
    settings.ENROLLMENT_APPROVAL_POLICY = "manual"
    profile, admin = make_partner(Program.DIRECT_BILL, offboarding=True, confirmed=True)
    client.force_login(admin)
    enrollment = enrollment_services.enrollment_submit(profile=profile, user=admin)
    enrollment_services.enrollment_approve(enrollment_id=enrollment.pk, actor=None)
    timeline = section(client.get("/enrollment/").content.decode(), "enrollment-timeline")
    nxt = timeline[timeline.index('data-testid="timeline-next"') :]
    assert "Accept the indirect reseller agreement" in nxt
    assert "Partner Center" in timeline and admin.email in timeline

    other, other_admin = make_partner(Program.DIRECT_BILL, offboarding=True, confirmed=True)
    rejected = enrollment_services.enrollment_submit(profile=other, user=other_admin)
    enrollment_services.enrollment_reject(enrollment_id=rejected.pk, actor=None, reason="MPN ID unknown")
    client.force_login(other_admin)
    timeline = section(client.get("/enrollment/").content.decode(), "enrollment-timeline")
    assert "Reason: MPN ID unknown" in timeline and "You can enroll again" in timeline
    assert Enrollment.objects.get(pk=enrollment.pk).state == "approved"


def _invite(provider, provider_user, reseller_user):
    invitation, _token = invitation_services.invitation_create_and_send(
        provider=provider, user=provider_user, to=reseller_user.email
    )
    return invitation


def test_a_pending_partnership_invitation_shows_its_history_and_when_it_expires(client):
    provider, provider_user = make_partner(Program.INDIRECT_PROVIDER)
    _reseller, reseller_user = make_partner(Program.DIRECT_BILL, Program.INDIRECT_RESELLER)
    invitation = _invite(provider, provider_user, reseller_user)
    client.force_login(reseller_user)
    body = client.get(reverse("invitations:indirect_providers")).content.decode()
    timeline = section(body, "invitation-timeline")
    assert 'data-event="partner_invitation.created"' in timeline
    assert 'data-event="partner_invitation.sent"' in timeline
    # Another organization's user is named by the organization, not by email.
    assert provider.tenant.display_name in timeline and provider_user.email not in timeline
    nxt = timeline[timeline.index('data-testid="timeline-next"') :]
    assert "Invitation expires on" in nxt and date_format(invitation.expires_at, "DATE_FORMAT") in nxt


def test_a_partnership_row_shows_the_invitation_that_made_it_and_its_start(client):
    provider, provider_user = make_partner(Program.INDIRECT_PROVIDER)
    _reseller, reseller_user = make_partner(Program.DIRECT_BILL, Program.INDIRECT_RESELLER)
    invitation = _invite(provider, provider_user, reseller_user)
    invitation_services.invitation_accept_listed(invitation_id=invitation.pk, user=reseller_user)
    for user, url in (
        (reseller_user, "invitations:indirect_providers"),
        (provider_user, "invitations:indirect_resellers"),
    ):
        client.force_login(user)
        timeline = section(client.get(reverse(url)).content.decode(), "partnership-timeline")
        kinds = ["partner_invitation.created", "partner_invitation.accepted", "partnership.accepted"]
        positions = [timeline.index(f'data-event="{kind}"') for kind in kinds]
        assert positions == sorted(positions)  # oldest first
        assert user.email in timeline


def test_partnership_timelines_cost_the_same_queries_for_one_row_or_many(client):
    provider, provider_user = make_partner(Program.INDIRECT_PROVIDER)

    def add_reseller():
        _reseller, reseller_user = make_partner(Program.DIRECT_BILL, Program.INDIRECT_RESELLER)
        invitation = _invite(provider, provider_user, reseller_user)
        invitation_services.invitation_accept_listed(invitation_id=invitation.pk, user=reseller_user)

    client.force_login(provider_user)
    url = reverse("invitations:indirect_resellers")
    add_reseller()
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        body = client.get(url).content.decode()
    assert body.count('data-testid="partnership-timeline"') == 1
    for _ in range(4):
        add_reseller()
    with CaptureQueriesContext(connection) as five:
        body = client.get(url).content.decode()
    assert body.count('data-testid="partnership-timeline"') == 5
    assert len(five.captured_queries) == len(one.captured_queries)
    assert Partnership.objects.filter(provider=provider).count() == 5


def test_a_customer_timeline_shows_its_orders_and_the_next_renewal(client):
    offers_seed()
    reseller, reseller_user, provider, provider_user = make_partnered()
    tenant, _customer_user = make_customer(name="Wingtip Timeline")
    relate(tenant, reseller, kind="indirect", provider=provider)
    order(provider, provider_user, tenant, pior=reseller.mpn_id)
    client.force_login(reseller_user)
    body = client.get(reverse("customers:detail", args=[tenant.id])).content.decode()
    timeline = section(body, "customer-timeline")
    assert 'data-event="order.created"' in timeline
    assert provider.tenant.display_name in timeline and provider_user.email not in timeline
    nxt = timeline[timeline.index('data-testid="timeline-next"') :]
    assert "renews on" in nxt or "ends on" in nxt


def test_who_names_jobs_staff_own_users_and_other_organizations():
    profile, user = make_partner(Program.DIRECT_BILL)
    other, stranger = make_partner(Program.INDIRECT_PROVIDER)
    staff = UserFactory(tenant=None, is_staff=True)
    mine = events.record(events.EventKind.PROFILE_UPDATED, tenant=profile.tenant, actor=user, obj=profile)
    theirs = events.record(
        events.EventKind.PROFILE_UPDATED, tenant=profile.tenant, actor=stranger, obj=profile
    )
    ops = events.record(events.EventKind.PROFILE_UPDATED, tenant=profile.tenant, actor=staff, obj=profile)
    job = events.record(events.EventKind.PROFILE_UPDATED, actor_label="job:x#1", obj=profile)
    system = events.record(events.EventKind.PROFILE_UPDATED, actor_label="system", obj=profile)
    assert who(mine, viewer_tenant_id=profile.tenant_id) == user.email
    assert who(theirs, viewer_tenant_id=profile.tenant_id) == other.tenant.display_name
    assert who(ops, viewer_tenant_id=profile.tenant_id) == "Partner Center staff"
    assert who(job, viewer_tenant_id=profile.tenant_id) == "Partner Center, automatically"
    assert who(system, viewer_tenant_id=profile.tenant_id) == "Partner Center"
