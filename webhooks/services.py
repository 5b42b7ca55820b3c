"""Writes for webhooks: registrations (SPEC §10: global admin and admin agent), validation events,
the fan-out from the event table, delivery attempts and manual redelivery.

Delivery rows are their own durable jobs, like the email outbox (partnercenter.emails), and for the same
reason: `jobs.job_run` holds a transaction (on SQLite the database's write lock) around its handler, and
an HTTP call to someone else's server must not hold it. So an attempt claims its row with one conditional
UPDATE, committed before the receiver is contacted; the answer is recorded in a second short
transaction, guarded by the claim. Beat's `webhooks.sweep` fans new events out, puts back in line the
attempts a crash interrupted (older than the lease) and delivers what is due; after-commit hints make
new work start at once.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from partnercenter import clock, events, jobs
from partnercenter.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from partnercenter.events import EventKind
from partnercenter.models import Event
from tenants.models import PartnerProfile, Role, User
from tenants.services import require_role

from . import catalog, netguard, signing
from .models import FanoutCursor, Notification, WebhookAttempt, WebhookDelivery, WebhookRegistration

log = logging.getLogger(__name__)

ROLES = (Role.GLOBAL_ADMIN, Role.ADMIN_AGENT)
DELIVER_TASK = "webhooks.deliver_registration"
S = WebhookDelivery.Status
WAITING = [S.PENDING, S.RETRYING]
OPEN = [S.PENDING, S.RETRYING, S.SENDING]
REGISTRABLE = [catalog.TEST_CREATED, *catalog.EVENT_NAMES]
TEST_EVENTS_PER_MINUTE = 2  # Partner Center's throttle on test-created requests
EXCERPT_CHARS = 1000
FANOUT_BATCH = 1000
# Events a concurrent transaction committed after the cursor passed their id (PostgreSQL hands out ids
# before commit) are picked up by a second look at the recent past.
STRAGGLER_WINDOW = dt.timedelta(minutes=2)


def require_manager(user: User) -> PartnerProfile:
    """The acting partner, if `user` may manage its webhooks (SPEC §10)."""
    profile = PartnerProfile.objects.filter(tenant_id=getattr(user, "tenant_id", None)).first()
    if profile is None:
        raise Forbidden(_("Webhooks are for partner tenants."), reason="webhooks.not_partner")
    require_role(
        user,
        ROLES,
        tenant_id=profile.tenant_id,
        reason="webhooks.role_not_allowed",
        action=_("manage webhook registrations"),
    )
    return profile


def _clean_events(names) -> list[str]:
    if not isinstance(names, list | tuple) or not names:
        raise InvalidInput(fields={"WebhookEvents": [_("Choose at least one event.")]})
    unknown = sorted({str(n) for n in names} - set(REGISTRABLE))
    if unknown:
        raise InvalidInput(
            fields={"WebhookEvents": [_("Unknown event names: %(names)s.") % {"names": ", ".join(unknown)}]}
        )
    return [n for n in REGISTRABLE if n in set(names)]


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    if len(url) > 2000:
        raise InvalidInput(fields={"WebhookUrl": [_("The webhook URL is too long.")]})
    netguard.check_url(url)
    return url


def _host(url: str) -> str:
    return url.split("//", 1)[-1].split("/", 1)[0].rsplit("@", 1)[-1]


@transaction.atomic
def registration_create(*, user: User, url: str, events_: list[str]) -> WebhookRegistration:
    profile = require_manager(user)
    names, url = _clean_events(events_), _clean_url(url)
    if WebhookRegistration.objects.select_for_update().filter(tenant_id=profile.tenant_id).exists():
        raise Conflict(
            _("This partner already has a webhook registration; update it instead."),
            reason="webhooks.already_registered",
        )
    registration = WebhookRegistration.objects.create(
        tenant_id=profile.tenant_id, url=url, events=names, created_by=user
    )
    events.record(
        EventKind.WEBHOOK_REGISTERED,
        tenant=profile.tenant,
        actor=user,
        obj=registration,
        payload={"host": _host(url), "events": names},
    )
    return registration


def _own_registration(profile: PartnerProfile, *, lock: bool = False) -> WebhookRegistration:
    rows = WebhookRegistration.objects.filter(tenant_id=profile.tenant_id)
    registration = (rows.select_for_update() if lock else rows).first()
    if registration is None:
        raise NotFound(_("This partner has no webhook registration."), reason="webhooks.not_registered")
    return registration


@transaction.atomic
def registration_update(*, user: User, url: str, events_: list[str]) -> WebhookRegistration:
    """A new URL or new event names. Deliveries waiting for a retry are tried again at once: the usual
    reason to change the URL is that the old one failed."""
    profile = require_manager(user)
    names, url = _clean_events(events_), _clean_url(url)
    registration = _own_registration(profile, lock=True)
    now = clock.now()
    url_changed = url != registration.url
    registration.url, registration.events, registration.updated_at = url, names, now
    fields = ["url", "events", "updated_at"]
    if url_changed:
        registration.health = WebhookRegistration.Health.HEALTHY
        registration.consecutive_failures = 0
        fields += ["health", "consecutive_failures"]
        registration.deliveries.filter(status=S.RETRYING).update(next_attempt_at=now)
    registration.save(update_fields=fields)
    events.record(
        EventKind.WEBHOOK_UPDATED,
        tenant=profile.tenant,
        actor=user,
        obj=registration,
        payload={"host": _host(url), "events": names},
    )
    if url_changed:
        _hint(registration.pk)
    return registration


@transaction.atomic
def registration_delete(*, user: User) -> None:
    profile = require_manager(user)
    registration = _own_registration(profile, lock=True)
    events.record(EventKind.WEBHOOK_DELETED, tenant=profile.tenant, actor=user, obj=registration)
    registration.delete()


def validation_resource_uri(correlation_id) -> str:
    return settings.PORTAL_BASE_URL + reverse("webhooks-validation-event", args=[correlation_id])


@transaction.atomic
def validation_event_send(*, user: User) -> uuid.UUID:
    """Partner Center's "validationEvents": a `test-created` event to the registered URL, whatever the
    registration subscribes to. Throttled to two a minute, as there."""
    profile = require_manager(user)
    registration = _own_registration(profile, lock=True)
    now = clock.now()
    recent = Notification.objects.filter(
        tenant_id=profile.tenant_id,
        event_name=catalog.TEST_CREATED,
        created_at__gt=now - dt.timedelta(minutes=1),
    ).count()
    if recent >= TEST_EVENTS_PER_MINUTE:
        raise DomainError(
            _("At most two test events a minute; try again shortly."),
            code=429,
            status=429,
            reason="webhooks.test_throttled",
        )
    correlation_id = uuid.uuid4()
    event = events.record(
        EventKind.WEBHOOK_TEST_REQUESTED,
        tenant=profile.tenant,
        actor=user,
        obj=registration,
        payload={"correlationId": str(correlation_id)},
    )
    notification = Notification.objects.create(
        tenant_id=profile.tenant_id,
        event=event,
        event_name=catalog.TEST_CREATED,
        correlation_id=correlation_id,
        body=catalog.body_for(
            event_name=catalog.TEST_CREATED,
            resource_name="test",
            resource_uri=validation_resource_uri(correlation_id),
            changed_at=event.created_at,
        ),
        created_at=now,
    )
    WebhookDelivery.objects.create(
        registration=registration, notification=notification, sequence=event.pk, next_attempt_at=now
    )
    _hint(registration.pk)
    return correlation_id


@transaction.atomic
def delivery_redeliver(*, user: User, delivery_id: int) -> WebhookDelivery:
    """Send a delivered or failed notification again, with the same idempotency id (receivers that
    keep the ids they saw drop it; those that asked for it get it)."""
    profile = require_manager(user)
    delivery = (
        WebhookDelivery.objects.select_for_update()
        .filter(pk=delivery_id, registration__tenant_id=profile.tenant_id)
        .select_related("registration", "notification")
        .first()
    )
    if delivery is None:
        raise NotFound(reason="webhooks.delivery_not_found")
    if delivery.status == S.SENDING:
        raise Conflict(_("This event is being delivered right now."), reason="webhooks.delivery_in_flight")
    delivery.status, delivery.next_attempt_at, delivery.claimed_at = S.PENDING, clock.now(), None
    delivery.save(update_fields=["status", "next_attempt_at", "claimed_at"])
    events.record(
        EventKind.WEBHOOK_REDELIVERY_REQUESTED,
        tenant=profile.tenant,
        actor=user,
        obj=delivery.registration,
        payload={"eventName": delivery.notification.event_name, "deliveryId": str(delivery.delivery_id)},
    )
    _hint(delivery.registration_id)
    return delivery


# --- Fan-out: the event table -> notifications -> deliveries -------------------------------------------


def fan_out(*, batch: int = FANOUT_BATCH, hint: bool = True) -> int:
    """Read the events recorded since the last fan-out, make each partner's notifications and queue a
    delivery for every registration that subscribes to the name (and existed when the event happened),
    then (`hint`) ask workers to deliver them. Idempotent (unique constraints): reading an event twice makes nothing twice. Returns the deliveries
    queued."""
    with transaction.atomic():
        cursor, _created = FanoutCursor.objects.select_for_update().get_or_create(name="default")
        now = clock.now()
        window = list(
            Event.objects.filter(id__gt=cursor.last_event_id).order_by("id").values_list("id", "kind")[:batch]
        )
        ids = [pk for pk, kind in window if kind in catalog.MAPPED_KINDS]
        stragglers = (
            Event.objects.filter(
                id__lte=cursor.last_event_id,
                created_at__gte=now - STRAGGLER_WINDOW,
                kind__in=catalog.MAPPED_KINDS,
            )
            .exclude(id__in=Notification.objects.values("event_id"))
            .values_list("id", flat=True)[:batch]
        )
        ids += list(stragglers)
        queued, registrations = _notify(ids, now=now)
        if window:
            cursor.last_event_id = window[-1][0]
            cursor.save(update_fields=["last_event_id"])
    for registration_id in registrations if hint else ():
        publish(registration_id)
    return queued


def _notify(event_ids: list[int], *, now: dt.datetime) -> tuple[int, set[int]]:
    if not event_ids:
        return 0, set()
    batch = list(Event.objects.filter(id__in=event_ids).order_by("id"))
    planned = catalog.plan(batch)
    if not planned:
        return 0, set()
    by_id = {e.pk: e for e in batch}
    Notification.objects.bulk_create(
        [
            Notification(
                tenant_id=p.tenant_id,
                event_id=p.event_id,
                event_name=p.event_name,
                body=p.body,
                created_at=now,
            )
            for p in planned
        ],
        ignore_conflicts=True,
    )
    registrations = {
        str(r.tenant_id): r
        for r in WebhookRegistration.objects.filter(tenant_id__in={p.tenant_id for p in planned})
    }
    if not registrations:
        return 0, set()
    wanted = []
    for notification in Notification.objects.filter(event_id__in=by_id, tenant_id__in=registrations.keys()):
        registration = registrations[str(notification.tenant_id)]
        event = by_id[notification.event_id]
        if notification.event_name in registration.events and event.created_at >= registration.created_at:
            wanted.append(
                WebhookDelivery(
                    registration=registration,
                    notification=notification,
                    sequence=notification.event_id,
                    next_attempt_at=now,
                    created_at=now,
                )
            )
    WebhookDelivery.objects.bulk_create(wanted, ignore_conflicts=True)
    return len(wanted), {d.registration_id for d in wanted}


# --- Delivery --------------------------------------------------------------------------------------------


def backoff(attempts: int) -> dt.timedelta:
    """WEBHOOK_RETRY_BASE_SECONDS, doubled after each failure, at most a day."""
    seconds = float(settings.WEBHOOK_RETRY_BASE_SECONDS) * 2 ** max(attempts - 1, 0)
    return dt.timedelta(seconds=min(seconds, 86400))


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=2 * float(settings.WEBHOOK_TIMEOUT) + 60)


def headers_for(delivery: WebhookDelivery, body: bytes, attempt: int) -> dict[str, str]:
    return {
        "Content-Type": "application/json; charset=utf-8",
        "Authorization": f"Signature {signing.sign(body)}",
        "x-ms-signature-algorithm": signing.ALGORITHM,
        "x-ms-certificate-url": signing.certificate_url(),
        # The idempotency id: the same on every attempt and redelivery of this notification.
        "x-ms-webhook-id": str(delivery.delivery_id),
        "x-ms-webhook-attempt": str(attempt),
        "x-ms-webhook-event-name": delivery.notification.event_name,
        "User-Agent": "PartnerCenterPortal-Webhooks/1.0",
    }


def deliver_next(registration_id: int) -> bool | None:
    """One attempt at the registration's oldest open delivery (event order), if it is due and nothing of
    the registration is in flight. True delivered, False failed, None nothing to do."""
    now = clock.now()
    line = WebhookDelivery.objects.filter(registration_id=registration_id, status__in=OPEN)
    if line.filter(status=S.SENDING).exists():
        return None
    head = line.order_by("sequence", "id").first()
    if head is None or head.next_attempt_at is None or head.next_attempt_at > now:
        return None
    claimed = WebhookDelivery.objects.filter(pk=head.pk, status__in=WAITING, next_attempt_at__lte=now).update(
        status=S.SENDING, claimed_at=now, attempts=models.F("attempts") + 1
    )
    if not claimed:
        return None
    delivery = WebhookDelivery.objects.select_related("registration", "notification").get(pk=head.pk)
    attempt = delivery.attempts
    body = delivery.notification.body.encode()
    answer = netguard.post(delivery.registration.url, body, headers_for(delivery, body, attempt))
    _record(delivery, attempt=attempt, started_at=now, answer=answer)
    return answer.ok


@transaction.atomic
def _record(delivery: WebhookDelivery, *, attempt: int, started_at, answer: netguard.Answer) -> None:
    now = clock.now()
    error = answer.error or (
        "" if answer.ok else _("The receiver answered HTTP %(status)s.") % {"status": answer.status}
    )
    WebhookAttempt.objects.create(
        delivery=delivery,
        number=attempt,
        started_at=started_at,
        status_code=answer.status,
        latency_ms=answer.latency_ms,
        response_excerpt=answer.body[:EXCERPT_CHARS],
        error=str(error)[:2000],
        succeeded=answer.ok,
    )
    ours = WebhookDelivery.objects.filter(pk=delivery.pk, status=S.SENDING, attempts=attempt)
    registration = WebhookRegistration.objects.select_for_update().get(pk=delivery.registration_id)
    if answer.ok:
        ours.update(
            status=S.DELIVERED, delivered_at=now, claimed_at=None, next_attempt_at=None, last_error=""
        )
        was_unhealthy = registration.health == WebhookRegistration.Health.UNHEALTHY
        registration.consecutive_failures, registration.last_success_at = 0, now
        registration.health = WebhookRegistration.Health.HEALTHY
        registration.save(update_fields=["consecutive_failures", "last_success_at", "health"])
        if was_unhealthy:
            events.record(
                EventKind.WEBHOOK_HEALTHY,
                tenant=registration.tenant,
                actor_label="job:webhooks.deliver",
                obj=registration,
            )
        return
    if attempt >= int(settings.WEBHOOK_MAX_ATTEMPTS):
        ours.update(status=S.FAILED, claimed_at=None, next_attempt_at=None, last_error=str(error)[:2000])
    else:
        ours.update(
            status=S.RETRYING,
            claimed_at=None,
            next_attempt_at=now + backoff(attempt),
            last_error=str(error)[:2000],
        )
    registration.consecutive_failures += 1
    registration.last_failure_at = now
    fields = ["consecutive_failures", "last_failure_at"]
    if registration.health == WebhookRegistration.Health.HEALTHY and registration.consecutive_failures >= int(
        settings.WEBHOOK_UNHEALTHY_AFTER
    ):
        registration.health = WebhookRegistration.Health.UNHEALTHY
        fields.append("health")
        events.record(
            EventKind.WEBHOOK_UNHEALTHY,
            tenant=registration.tenant,
            actor_label="job:webhooks.deliver",
            obj=registration,
            payload={"failures": registration.consecutive_failures},
        )
    registration.save(update_fields=fields)


def deliver_registration(registration_id: int, *, limit: int = 100) -> int:
    """Deliver the registration's due line in event order until it is empty, a delivery fails (it waits
    for its retry, and the ones after it wait behind it) or `limit` went out. Returns how many went."""
    sent = 0
    while sent < limit:
        outcome = deliver_next(registration_id)
        if not outcome:
            break
        sent += 1
    return sent


def recover_interrupted() -> int:
    """Put back in line the attempts a crash interrupted (claimed longer ago than the lease). The receiver
    may have had the event already: it gets it again with the same id (at least once)."""
    now = clock.now()
    return WebhookDelivery.objects.filter(status=S.SENDING, claimed_at__lt=now - lease()).update(
        status=S.RETRYING,
        claimed_at=None,
        next_attempt_at=now,
        last_error=str(_("The delivery attempt was interrupted (the worker stopped); it is retried.")),
    )


def sweep(*, registrations: int = 200) -> int:
    """Beat's sweep: fan out new events, recover interrupted attempts, deliver every due line (itself,
    so no hint is needed)."""
    fan_out(hint=False)
    recover_interrupted()
    due = (
        WebhookDelivery.objects.filter(status__in=WAITING, next_attempt_at__lte=clock.now())
        .values_list("registration_id", flat=True)
        .distinct()
    )
    return sum(deliver_registration(pk) for pk in list(due[:registrations]))


def publish(registration_id: int) -> bool:
    """Ask a worker to deliver the registration's line now; never raises (the sweep is the safety net)."""
    return jobs.publish_hint(DELIVER_TASK, registration_id)


def _hint(registration_id: int) -> None:
    transaction.on_commit(lambda: publish(registration_id))
