"""One audit trail: every EnrollmentTransition row becomes an Event, unless its event already exists.

Until now the services wrote both a transition row and an event for each state change, each with its own
`clock.now()` (microseconds apart), so the two are matched on (enrollment, kind), oldest with oldest:
an enrollment reaches each state at most once, and pairing in order keeps any surplus row rather than
dropping it. A matched event keeps its own fields and only gains the row's reason when it has none
("Enroll now", "Accept and continue" were written on the row only). 0004 then drops the table.

Kinds are literal strings on purpose: a migration is frozen history and writes what the code wrote at
this point, whatever `partnercenter.events.EventKind` becomes later.
"""

from collections import defaultdict

from django.db import migrations

OBJECT_TYPE = "enrollment.enrollment"
KIND_BY_STATE = {
    "pending_approval": "enrollment.submitted",
    "approved": "enrollment.approved",
    "rejected": "enrollment.rejected",
    "active": "enrollment.activated",
}
STATE_BY_KIND = {kind: state for state, kind in KIND_BY_STATE.items()}


def transitions_to_events(apps, schema_editor):
    EnrollmentTransition = apps.get_model("enrollment", "EnrollmentTransition")
    Event = apps.get_model("partnercenter", "Event")
    db = schema_editor.connection.alias

    existing = defaultdict(list)
    for event in Event.objects.using(db).filter(
        object_type=OBJECT_TYPE, kind__in=list(STATE_BY_KIND)
    ).order_by("created_at", "id"):
        existing[(event.object_id, event.kind)].append(event)

    new = []
    rows = (
        EnrollmentTransition.objects.using(db)
        .select_related("enrollment__partner")
        .order_by("created_at", "id")
    )
    for row in rows.iterator(chunk_size=2000):
        kind = KIND_BY_STATE.get(row.to_state)
        if kind is None:
            continue  # no such state was ever written; nothing to carry over
        enrollment = row.enrollment
        matches = existing[(str(enrollment.pk), kind)]
        if matches:
            event = matches.pop(0)
            if row.reason and not event.reason:
                event.reason = row.reason
                event.save(update_fields=["reason"])
            continue
        payload = {"from": row.from_state, "to": row.to_state, "mpnId": enrollment.mpn_id}
        if row.to_state == "pending_approval":
            payload["approvalPolicy"] = enrollment.approval_policy
        new.append(
            Event(
                kind=kind,
                tenant_id=enrollment.partner.tenant_id,
                actor_id=row.actor_id,
                actor_label=row.actor_label,
                object_type=OBJECT_TYPE,
                object_id=str(enrollment.pk),
                reason=row.reason,
                payload=payload,
                created_at=row.created_at,
            )
        )
        if len(new) >= 2000:
            Event.objects.using(db).bulk_create(new)
            new = []
    Event.objects.using(db).bulk_create(new)


def events_to_transitions(apps, schema_editor):
    """Back to the old shape, where the services wrote both: a transition row for each state-change event
    that has none (all of them when coming back from 0004, whose undo recreates the table empty)."""
    Enrollment = apps.get_model("enrollment", "Enrollment")
    EnrollmentTransition = apps.get_model("enrollment", "EnrollmentTransition")
    Event = apps.get_model("partnercenter", "Event")
    db = schema_editor.connection.alias
    enrollment_ids = set(Enrollment.objects.using(db).values_list("pk", flat=True))
    existing = defaultdict(int)
    for enrollment_id, to_state in EnrollmentTransition.objects.using(db).values_list(
        "enrollment_id", "to_state"
    ):
        existing[(enrollment_id, to_state)] += 1
    rows = []
    for event in (
        Event.objects.using(db)
        .filter(object_type=OBJECT_TYPE, kind__in=list(STATE_BY_KIND))
        .order_by("created_at", "id")
    ):
        if not event.object_id.isdigit() or int(event.object_id) not in enrollment_ids:
            continue
        key = (int(event.object_id), STATE_BY_KIND[event.kind])
        if existing[key]:
            existing[key] -= 1
            continue
        rows.append(
            EnrollmentTransition(
                enrollment_id=key[0],
                from_state=(event.payload or {}).get("from", ""),
                to_state=key[1],
                actor_id=event.actor_id,
                actor_label=event.actor_label or "system",
                reason=event.reason,
                created_at=event.created_at,
            )
        )
    EnrollmentTransition.objects.using(db).bulk_create(rows, batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("enrollment", "0002_direct_bill_incentive_catalog"),
        ("partnercenter", "0002_initial"),
    ]

    operations = [migrations.RunPython(transitions_to_events, events_to_transitions)]
