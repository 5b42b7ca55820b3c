"""The mapping table: audit event kinds -> webhook event names, and who hears each."""

from __future__ import annotations

import pytest

from partnercenter import events
from partnercenter.events import EventKind
from tenants.models import Program
from tests.factories import CustomerTenantFactory, make_partner, make_provider
from webhooks import services
from webhooks.models import Notification

pytestmark = pytest.mark.django_db


def names_for(tenant) -> list[str]:
    return list(
        Notification.objects.filter(tenant=tenant).order_by("id").values_list("event_name", flat=True)
    )


def test_an_indirect_relationship_with_dap_reaches_reseller_and_provider_and_its_removal_ends_dap():
    reseller, _ = make_partner(Program.DIRECT_BILL, Program.INDIRECT_RESELLER)
    provider, _ = make_provider()
    customer = CustomerTenantFactory()
    payload = {"customer": str(customer.id), "reseller": reseller.mpn_id, "provider": provider.mpn_id}
    established = events.record(
        EventKind.CUSTOMER_RELATIONSHIP_ESTABLISHED,
        tenant=customer,
        obj=customer,  # stands for the relationship row: the removal names the same object
        payload={**payload, "delegatedAdmin": True, "movedFromDirectBill": False},
    )
    events.record(
        EventKind.CUSTOMER_INVITATION_ACCEPTED, tenant=reseller.tenant, payload={"provider": provider.mpn_id}
    )
    # A subscription change of that customer reaches its partners of record.
    events.record(EventKind.SUBSCRIPTION_QUANTITY_CHANGED, tenant=customer, payload={"from": 1, "to": 2})
    removal = events.Event.objects.create(
        kind=EventKind.CUSTOMER_RELATIONSHIP_REMOVED,
        tenant=customer,
        object_type=established.object_type,
        object_id=established.object_id,
        payload={"reseller": reseller.mpn_id, "kind": "indirect"},
        created_at=established.created_at,
    )
    assert removal.pk
    services.fan_out()

    expected = [
        "indirect-reseller-relationship-accepted-by-customer",
        "dap-admin-relationship-approved",
        "customer-invitation-accepted",
        "subscription-updated",
        "dap-admin-relationship-terminated",
    ]
    assert names_for(reseller.tenant) == expected
    assert names_for(provider.tenant) == expected
    assert names_for(customer) == []  # customers are not partners: they register nothing


def test_a_direct_relationship_is_the_reseller_relationship_event():
    partner, _ = make_partner(Program.DIRECT_BILL)
    customer = CustomerTenantFactory()
    events.record(
        EventKind.CUSTOMER_RELATIONSHIP_ESTABLISHED,
        tenant=customer,
        payload={"customer": str(customer.id), "reseller": partner.mpn_id, "kind": "direct"},
    )
    services.fan_out()
    assert names_for(partner.tenant) == ["reseller-relationship-accepted-by-customer"]


def test_transition_events():
    reseller, _ = make_partner(Program.DIRECT_BILL)
    provider, _ = make_provider()
    for kind in (
        EventKind.ENROLLMENT_APPROVED,
        EventKind.ENROLLMENT_ACTIVATED,
        EventKind.INCENTIVE_INVITATION_SENT,
    ):
        events.record(kind, tenant=reseller.tenant, payload={"mpnId": reseller.mpn_id})
    events.record(
        EventKind.PARTNERSHIP_ACCEPTED,
        tenant=reseller.tenant,
        payload={"provider": provider.legal_name, "providerTenantId": str(provider.tenant_id)},
    )
    events.record(
        EventKind.PARTNERSHIP_REMOVED,
        tenant=provider.tenant,
        payload={"reseller": reseller.legal_name, "resellerTenantId": str(reseller.tenant_id)},
    )
    events.record(EventKind.PROFILE_UPDATED, tenant=reseller.tenant)  # not a webhook event
    services.fan_out()
    assert names_for(reseller.tenant) == [
        "indirect-reseller-enrollment-approved",
        "indirect-reseller-agreement-accepted",
        "incentive-invitation-sent",
        "partnership-invitation-accepted",
        "partnership-removed",
    ]
    assert names_for(provider.tenant) == ["partnership-invitation-accepted", "partnership-removed"]


def test_fan_out_twice_makes_nothing_twice():
    partner, _ = make_partner(Program.DIRECT_BILL)
    events.record(EventKind.ENROLLMENT_APPROVED, tenant=partner.tenant, payload={})
    services.fan_out()
    from webhooks.models import FanoutCursor

    FanoutCursor.objects.update(last_event_id=0)  # as if the cursor were lost
    services.fan_out()
    assert names_for(partner.tenant) == ["indirect-reseller-enrollment-approved"]


def test_a_real_enrollment_raises_the_transition_event(settings):
    from enrollment.services import enrollment_submit

    settings.ENROLLMENT_APPROVAL_POLICY = "immediate"
    profile, user = make_partner(Program.DIRECT_BILL, offboarding=True)
    enrollment_submit(profile=profile, user=user)
    from partnercenter import jobs

    jobs.sweep_all()
    services.fan_out()
    assert "indirect-reseller-enrollment-approved" in names_for(profile.tenant)
