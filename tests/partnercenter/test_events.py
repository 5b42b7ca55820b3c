"""Typed events: who, when, what, on which tenant."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from partnercenter import clock, events
from tests.factories import make_direct_bill_partner

pytestmark = pytest.mark.django_db


def test_record_keeps_who_when_what_and_tenant():
    profile, user = make_direct_bill_partner()
    moment = dt.datetime(2026, 5, 4, 9, tzinfo=dt.UTC)
    with clock.frozen_at(moment):
        event = events.record(
            "profile.confirmed", tenant=profile.tenant, actor=user, obj=profile, reason="R2", payload={"a": 1}
        )
    event.refresh_from_db()
    assert event.kind == "profile.confirmed"
    assert event.actor == user and event.actor_label == user.email
    assert event.tenant == profile.tenant
    assert (event.object_type, event.object_id) == ("tenants.partnerprofile", str(profile.pk))
    assert event.created_at == moment and event.reason == "R2" and event.payload == {"a": 1}


def test_a_job_or_the_system_is_named_when_no_user_acted():
    profile, _user = make_direct_bill_partner()
    assert events.record("x.y", obj=profile).actor_label == "system"
    assert events.record("x.y", actor=AnonymousUser()).actor is None
    assert events.record("x.y", actor_label="job:enrollment.approve").actor_label == "job:enrollment.approve"


def test_for_object_is_the_objects_timeline_only():
    first, user = make_direct_bill_partner()
    second, _ = make_direct_bill_partner()
    with clock.frozen_at(dt.datetime(2026, 1, 1, tzinfo=dt.UTC)):
        events.record("a.first", obj=first, actor=user)
    with clock.frozen_at(dt.datetime(2026, 1, 2, tzinfo=dt.UTC)):
        events.record("a.second", obj=first, actor=user)
    events.record("b.other", obj=second)
    assert [e.kind for e in events.for_object(first)] == ["a.second", "a.first"]


def test_payload_with_dates_uuids_decimals_and_lazy_strings_is_stored():
    import decimal
    import uuid

    from django.utils.translation import gettext_lazy

    profile, _user = make_direct_bill_partner()
    moment = dt.datetime(2026, 5, 4, 9, tzinfo=dt.UTC)
    event = events.record(
        "x.y",
        obj=profile,
        payload={
            "at": moment,
            "id": uuid.UUID(int=1),
            "amount": decimal.Decimal("1.50"),
            "label": gettext_lazy("Active"),
        },
    )
    event.refresh_from_db()
    assert event.payload == {
        "at": "2026-05-04T09:00:00Z",
        "id": "00000000-0000-0000-0000-000000000001",
        "amount": "1.50",
        "label": "Active",
    }
