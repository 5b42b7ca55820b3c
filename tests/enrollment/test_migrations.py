"""One audit trail: migration 0003 turns each EnrollmentTransition row into an Event, without doubling the
events the services already wrote next to the rows, and without losing a row that has no event."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import make_direct_bill_partner

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("enrollment", "0002_direct_bill_incentive_catalog")]
AFTER = [("enrollment", "0003_enrollment_history_to_events")]
LATEST = [("enrollment", "0004_delete_enrollmenttransition")]
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
TICK = dt.timedelta(microseconds=7)  # the old services asked the clock twice: row, then event


def migrate(targets):
    """Move enrollment to `targets`; the models as they are there (the other apps at their latest)."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "enrollment"]
    return executor.loader.project_state([*others, *targets]).apps


@pytest.fixture
def old_apps():
    apps = migrate(BEFORE)
    yield apps
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def enrollment_events(apps, enrollment):
    Event = apps.get_model("partnercenter", "Event")
    return list(
        Event.objects.filter(object_type="enrollment.enrollment", object_id=str(enrollment.pk)).order_by(
            "created_at", "id"
        )
    )


def build_old_history(apps):
    """Rows as the old services left them: a transition row per change, and (since events exist) its
    event a few microseconds later without the row's reason; older rows have no event at all."""
    Enrollment = apps.get_model("enrollment", "Enrollment")
    Transition = apps.get_model("enrollment", "EnrollmentTransition")
    Event = apps.get_model("partnercenter", "Event")
    (active_profile, admin), (other_profile, other_admin) = (
        make_direct_bill_partner(offboarding=True),
        make_direct_bill_partner(offboarding=True),
    )

    def enrollment(profile, state, at):
        return Enrollment.objects.create(
            partner_id=profile.pk,
            state=state,
            legal_name=profile.legal_name,
            mpn_id=profile.mpn_id,
            primary_contact_email=profile.primary_contact_email,
            tenant_domain="x.onmicrosoft.com",
            submitted_at=at,
            approval_policy="immediate",
        )

    def change(e, profile, from_state, to_state, at, *, actor=None, label="", reason="", with_event=True):
        Transition.objects.create(
            enrollment=e,
            from_state=from_state,
            to_state=to_state,
            actor_id=actor.pk if actor else None,
            actor_label=label or (actor.email if actor else "system"),
            reason=reason,
            created_at=at,
        )
        if with_event:
            kind = {"pending_approval": "submitted", "approved": "approved", "rejected": "rejected"}.get(
                to_state, "activated"
            )
            Event.objects.create(
                kind=f"enrollment.{kind}",
                tenant_id=profile.tenant_id,
                actor_id=actor.pk if actor else None,
                actor_label=label or (actor.email if actor else "system"),
                object_type="enrollment.enrollment",
                object_id=str(e.pk),
                reason=reason if to_state == "rejected" else "",
                payload={"from": from_state, "to": to_state, "mpnId": e.mpn_id},
                created_at=at + TICK,
            )

    active = enrollment(active_profile, "active", T0)
    change(active, active_profile, "", "pending_approval", T0, actor=admin, reason="Enroll now")
    change(
        active, active_profile, "pending_approval", "approved", T0 + dt.timedelta(seconds=1), label="job:x#1"
    )
    change(
        active, active_profile, "approved", "active", T0 + dt.timedelta(hours=1), actor=admin,
        reason="Accept and continue",
    )  # fmt: skip
    # Written before events existed: rows only.
    rejected = enrollment(other_profile, "rejected", T0)
    change(rejected, other_profile, "", "pending_approval", T0, actor=other_admin, with_event=False)
    change(
        rejected, other_profile, "pending_approval", "rejected", T0 + dt.timedelta(days=1),
        reason="MPN ID does not match", with_event=False,
    )  # fmt: skip
    # The same partner enrolled again; an unrelated event about the profile stays as it is.
    again = enrollment(other_profile, "pending_approval", T0 + dt.timedelta(days=2))
    change(again, other_profile, "", "pending_approval", T0 + dt.timedelta(days=2), actor=other_admin)
    Event.objects.create(
        kind="enrollment.refused", tenant_id=other_profile.tenant_id, object_type="tenants.partnerprofile",
        object_id=str(other_profile.pk), created_at=T0,
    )  # fmt: skip
    return (active, admin), (rejected, other_admin, other_profile), again


def test_each_transition_becomes_one_event_and_none_is_doubled(old_apps):
    (active, admin), (rejected, other_admin, other_profile), again = build_old_history(old_apps)

    apps = migrate(AFTER)

    # Rows that had their event: still one event each, which gains the row's reason.
    history = enrollment_events(apps, active)
    assert [(e.kind, e.payload["from"], e.payload["to"], e.actor_id, e.reason) for e in history] == [
        ("enrollment.submitted", "", "pending_approval", admin.pk, "Enroll now"),
        ("enrollment.approved", "pending_approval", "approved", None, ""),
        ("enrollment.activated", "approved", "active", admin.pk, "Accept and continue"),
    ]
    assert history[1].actor_label == "job:x#1"
    assert len(enrollment_events(apps, again)) == 1

    # Rows without an event: each becomes one, as the services write it.
    submitted, rejection = enrollment_events(apps, rejected)
    assert (submitted.kind, submitted.actor_id, submitted.actor_label, submitted.created_at) == (
        "enrollment.submitted",
        other_admin.pk,
        other_admin.email,
        T0,
    )
    assert submitted.payload == {
        "from": "",
        "to": "pending_approval",
        "mpnId": rejected.mpn_id,
        "approvalPolicy": "immediate",
    }
    assert (rejection.kind, rejection.reason, rejection.actor_label) == (
        "enrollment.rejected",
        "MPN ID does not match",
        "system",
    )
    assert rejection.payload == {"from": "pending_approval", "to": "rejected", "mpnId": rejected.mpn_id}
    assert rejection.tenant_id == other_profile.tenant_id
    assert rejection.created_at == T0 + dt.timedelta(days=1)

    Event = apps.get_model("partnercenter", "Event")
    assert Event.objects.filter(object_type="enrollment.enrollment").count() == 6
    assert Event.objects.filter(kind="enrollment.refused").count() == 1


def test_undoing_and_redoing_the_migration_doubles_nothing(old_apps):
    build_old_history(old_apps)
    migrate(AFTER)
    migrate(LATEST)  # the table is gone

    apps = migrate(BEFORE)  # the rows come back from the events (the old code wrote both)
    rows = apps.get_model("enrollment", "EnrollmentTransition").objects.order_by(
        "enrollment_id", "created_at"
    )
    assert [(r.from_state, r.to_state, r.reason) for r in rows] == [
        ("", "pending_approval", "Enroll now"),
        ("pending_approval", "approved", ""),
        ("approved", "active", "Accept and continue"),
        ("", "pending_approval", ""),
        ("pending_approval", "rejected", "MPN ID does not match"),
        ("", "pending_approval", ""),
    ]
    apps = migrate(AFTER)  # rows and their events side by side again, as the old services left them

    Event = apps.get_model("partnercenter", "Event")
    assert Event.objects.filter(object_type="enrollment.enrollment").count() == 6
