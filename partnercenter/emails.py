"""The outbox: an email is recorded in the business transaction and delivered later by a worker.

`email_send` only writes a `SentEmail` row (status queued, `next_attempt_at` now): the row is its own
durable delivery job, committed or rolled back with the change that caused it. After commit a Celery hint
asks a worker to deliver it at once; beat's outbox sweep delivers whatever the hint missed (broker down,
message lost) and puts back in line the rows a crash left mid-delivery. No SMTP call ever happens in a
web request.

One attempt (`deliver`):
1. claims the row with one conditional UPDATE (queued/retrying and due → sending, attempts + 1, claimed
   now), committed before the server is contacted, so a duplicate hint or a second worker finds nothing to
   claim and sends nothing;
2. talks to the server with `EMAIL_TIMEOUT` on every socket operation;
3. marks the row sent only after the server accepted the message, or retrying with backoff (failed after
   `EMAIL_MAX_ATTEMPTS`), each guarded by the claim, so a late answer of a superseded attempt changes
   nothing.
A worker killed between 1 and 3 leaves the row "sending"; once its claim is older than the lease the
sweep puts it back in line. Delivery is at least once: if the crash came after the server accepted the
message, it is sent again (SMTP has no way to ask whether a message arrived).

Secrets are never at rest here. A kind whose message carries one (an invitation's link) stores a
placeholder and a reference to its object (`obj=`), and its app registers a renderer for the kind
(`@emails.renderer(kind)` from its AppConfig.ready()). Each attempt asks the renderer for the subject and
body to send (it issues a fresh link for that object); the result goes to the server only, never into the
row, a log line or the admin. A renderer raises `Undeliverable` when the email must not go out any more
(its invitation was accepted, revoked or expired): the row is then marked cancelled.

Every email is written in its recipient's language (`recipient_language`): the language the user with
that address chose, else `settings.LANGUAGE_CODE` -- never the language of whoever caused it (an ops
screen in Korean, a job with none). `email_send` takes a lazy or callable subject and a template (or a
callable body) and renders them under `translation.override` of that language; a renderer runs under it
at every attempt too.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.utils import translation

from . import clock, jobs
from .models import SentEmail

log = logging.getLogger(__name__)

DELIVER_TASK = "partnercenter.deliver_email"
S = SentEmail.Status
WAITING = [S.QUEUED, S.RETRYING]
SWEEP_BATCH = 200


# kind -> renderer(email) -> (subject, body) to send; filled by the apps (see the module doc).
Renderer = Callable[[SentEmail], tuple[str, str]]
_RENDERERS: dict[str, Renderer] = {}


class Undeliverable(Exception):
    """A renderer's answer when the email must not be sent any more; the message says why (for ops)."""


def renderer(kind: str) -> Callable[[Renderer], Renderer]:
    """Register the function that builds what is sent for emails of `kind` at each delivery attempt."""

    def register(fn: Renderer) -> Renderer:
        _RENDERERS[kind] = fn
        return fn

    return register


def recipient_language(to: str) -> str:
    """The language an email to `to` is written in: the language chosen by the user with that address
    (`User.language`), else the portal's default language."""
    languages = {code for code, _name in settings.LANGUAGES}
    address = (to or "").strip()
    chosen = ""
    if address:
        User = get_user_model()
        if any(f.name == "language" for f in User._meta.get_fields()):
            chosen = (
                User.objects.filter(email__iexact=address, is_active=True)
                .exclude(language="")
                .values_list("language", flat=True)
                .first()
            ) or ""
    return chosen if chosen in languages else settings.LANGUAGE_CODE


def rendered(email: SentEmail) -> tuple[str, str]:
    """What an attempt sends: the stored text, or what the kind's renderer builds from it (in the
    recipient's language)."""
    render = _RENDERERS.get(email.kind)
    if render is None:
        return email.subject, email.body
    with translation.override(recipient_language(email.to)):
        return render(email)


def _text(value) -> str:
    """A subject or body given as text, lazy text or a callable that builds it, as text (called under
    the recipient's language)."""
    return str(value() if callable(value) else value)


def _one_line(text) -> str:
    return " ".join(str(text).split())


def email_send(
    *,
    kind: str,
    to: str,
    subject,
    body=None,
    template: str | None = None,
    context: dict | None = None,
    tenant=None,
    dedupe_key: str | None = None,
    obj: models.Model | None = None,
) -> SentEmail | None:
    """Record an email for delivery once the surrounding transaction commits.

    The text is written in the recipient's language: `subject` is text, lazy text (gettext_lazy) or a
    callable returning it; the body is `template` rendered with `context`, or `body` (text, lazy text or
    a callable). Both are evaluated under `translation.override(recipient_language(to))`.

    With a `dedupe_key`, a second call for the same key is a no-op and returns None: that is what makes
    a job delivered twice send one email. Two concurrent calls are settled by the unique index: the
    loser's insert fails inside its own savepoint (its transaction carries on) and it returns None.
    """
    dedupe_key = dedupe_key or None
    if dedupe_key and SentEmail.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    if (template is None) == (body is None):
        raise TypeError("email_send takes either a body or a template")
    to = (to or "").strip()
    with translation.override(recipient_language(to)):
        subject = _one_line(_text(subject))[:255]
        body = render_to_string(template, context or {}) if template is not None else _text(body)
    now = clock.now()
    try:
        with transaction.atomic():
            email = SentEmail.objects.create(
                kind=kind,
                tenant=tenant,
                to=to,
                subject=subject,
                body=body,
                object_type=obj._meta.label_lower if obj is not None else "",
                object_id=str(obj.pk) if obj is not None else "",
                dedupe_key=dedupe_key,
                created_at=now,
                # Delivery runs on the real clock (a scenario's email is due now, not in its future).
                next_attempt_at=clock.real_now(),
            )
    except IntegrityError:
        if dedupe_key and SentEmail.objects.filter(dedupe_key=dedupe_key).exists():
            return None
        raise
    transaction.on_commit(lambda: publish(email.pk))
    return email


def publish(email_id: int) -> bool:
    """Ask a worker to deliver the email now. Never raises: the outbox sweep is the safety net."""
    return jobs.publish_hint(DELIVER_TASK, email_id)


def lease() -> dt.timedelta:
    """How long an attempt may take before the sweep takes it for one a crash interrupted: well past the
    longest an attempt can last (connect, a few replies, each bounded by EMAIL_TIMEOUT)."""
    return dt.timedelta(seconds=6 * int(settings.EMAIL_TIMEOUT) + 60)


def _claim(email_id: int, *, now: dt.datetime) -> int | None:
    """Claim one due row for an attempt; returns the attempt number, or None if it is not ours to send."""
    claimed = SentEmail.objects.filter(pk=email_id, status__in=WAITING, next_attempt_at__lte=now).update(
        status=S.SENDING, claimed_at=now, attempts=models.F("attempts") + 1
    )
    if not claimed:
        return None
    return SentEmail.objects.values_list("attempts", flat=True).get(pk=email_id)


def deliver(email_id: int) -> bool:
    """One delivery attempt of a due email (see the module doc). True when the server accepted it."""
    attempt = _claim(email_id, now=clock.real_now())
    if attempt is None:
        return False
    email = SentEmail.objects.get(pk=email_id)
    ours = SentEmail.objects.filter(pk=email_id, status=S.SENDING, attempts=attempt)
    try:
        subject, body = rendered(email)
        connection = get_connection(fail_silently=False, timeout=settings.EMAIL_TIMEOUT)
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [email.to], connection=connection).send(
            fail_silently=False
        )
    except Undeliverable as exc:
        log.info("email %s (%s) not sent: %s", email.pk, email.kind, exc)
        ours.update(status=S.CANCELLED, error=str(exc)[:2000], claimed_at=None, next_attempt_at=None)
        return False
    except Exception as exc:  # noqa: BLE001 - any transport error is recorded and retried
        log.warning("email %s to %s failed (attempt %s): %s", email.pk, email.to, attempt, exc)
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if attempt >= int(settings.EMAIL_MAX_ATTEMPTS):
            ours.update(status=S.FAILED, error=error, claimed_at=None, next_attempt_at=None)
        else:
            ours.update(
                status=S.RETRYING,
                error=error,
                claimed_at=None,
                next_attempt_at=clock.real_now() + jobs.backoff(attempt),
            )
        return False
    ours.update(status=S.SENT, sent_at=clock.now(), error="", claimed_at=None, next_attempt_at=None)
    return True


def recover_interrupted() -> int:
    """Put back in line the rows whose attempt a crash interrupted (claimed longer ago than the lease)."""
    now = clock.real_now()
    return SentEmail.objects.filter(status=S.SENDING, claimed_at__lt=now - lease()).update(
        status=S.RETRYING,
        claimed_at=None,
        next_attempt_at=now,
        error="The delivery attempt was interrupted (the worker stopped); it is retried.",
    )


def sweep_outbox() -> int:
    """Beat's outbox sweep: recover interrupted attempts, then deliver every due email. Returns how many
    the server accepted."""
    recover_interrupted()
    sent = 0
    due = SentEmail.objects.filter(status__in=WAITING, next_attempt_at__lte=clock.real_now()).order_by(
        "next_attempt_at", "id"
    )
    for email_id in list(due.values_list("id", flat=True)[:SWEEP_BATCH]):
        sent += deliver(email_id)
    return sent


def email_resend(*, email: SentEmail) -> bool:
    """Ops' Resend: the email goes back in line for a fresh round of attempts, delivered after commit
    (a sent one is sent again: that is what ops asked for). One being sent right now is left alone."""
    requeued = (
        SentEmail.objects.filter(pk=email.pk)
        .exclude(status=S.SENDING)
        .update(status=S.QUEUED, error="", attempts=0, claimed_at=None, next_attempt_at=clock.real_now())
    )
    if requeued:
        transaction.on_commit(lambda: publish(email.pk))
    return bool(requeued)
