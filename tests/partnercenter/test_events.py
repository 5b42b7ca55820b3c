"""Typed events: who, when, what, on which tenant."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from partnercenter import clock, events
from partnercenter.events import EventKind
from tests.factories import make_direct_bill_partner

pytestmark = pytest.mark.django_db


def test_record_keeps_who_when_what_and_tenant():
    profile, user = make_direct_bill_partner()
    moment = dt.datetime(2026, 5, 4, 9, tzinfo=dt.UTC)
    with clock.frozen_at(moment):
        event = events.record(
            EventKind.PROFILE_CONFIRMED,
            tenant=profile.tenant,
            actor=user,
            obj=profile,
            reason="R2",
            payload={"a": 1},
        )
    event.refresh_from_db()
    assert event.kind == "profile.confirmed"
    assert event.actor == user and event.actor_label == user.email
    assert event.tenant == profile.tenant
    assert (event.object_type, event.object_id) == ("tenants.partnerprofile", str(profile.pk))
    assert event.created_at == moment and event.reason == "R2" and event.payload == {"a": 1}


def test_a_job_or_the_system_is_named_when_no_user_acted():
    profile, _user = make_direct_bill_partner()
    kind = EventKind.PROFILE_UPDATED
    assert events.record(kind, obj=profile).actor_label == "system"
    assert events.record(kind, actor=AnonymousUser()).actor is None
    assert events.record(kind, actor_label="job:enrollment.approve").actor_label == "job:enrollment.approve"


def test_only_typed_kinds_are_recorded():
    with pytest.raises(ValueError, match="not an EventKind"):
        events.record("x.y")
    assert not events.Event.objects.exists()


def test_every_kind_has_a_human_label_and_describers_use_the_payload():
    from tenants.models import Program

    for kind in EventKind:
        assert events.label(kind.value) == str(kind.label) and kind.label != kind.value
    event = events.record(EventKind.PROGRAM_JOINED, payload={"program": Program.INDIRECT_RESELLER})
    assert events.label(event) == f"Joined {Program.INDIRECT_RESELLER.label}"
    assert events.label("retired.kind") == "retired.kind"


def test_for_object_is_the_objects_timeline_only():
    first, user = make_direct_bill_partner()
    second, _ = make_direct_bill_partner()
    with clock.frozen_at(dt.datetime(2026, 1, 1, tzinfo=dt.UTC)):
        events.record(EventKind.PROFILE_UPDATED, obj=first, actor=user)
    with clock.frozen_at(dt.datetime(2026, 1, 2, tzinfo=dt.UTC)):
        events.record(EventKind.PROFILE_CONFIRMED, obj=first, actor=user)
    events.record(EventKind.PROFILE_UPDATED, obj=second)
    assert [e.kind for e in events.for_object(first)] == [
        "profile.updated",
        "profile.confirmed",
    ]  # oldest first


def test_payload_with_dates_uuids_decimals_and_lazy_strings_is_stored():
    import decimal
    import uuid

    from django.utils.translation import gettext_lazy

    profile, _user = make_direct_bill_partner()
    moment = dt.datetime(2026, 5, 4, 9, tzinfo=dt.UTC)
    event = events.record(
        EventKind.PROFILE_UPDATED,
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
