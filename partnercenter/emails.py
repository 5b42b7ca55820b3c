"""Send email: record it in the current transaction, deliver it after commit, at most once per key."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from . import clock
from .models import SentEmail

log = logging.getLogger(__name__)


def _one_line(text) -> str:
    return " ".join(str(text).split())


def email_send(
    *, kind: str, to: str, subject: str, body: str, tenant=None, dedupe_key: str | None = None
) -> SentEmail | None:
    """Record an email and deliver it once the surrounding transaction commits.

    With a `dedupe_key`, a second call for the same key is a no-op and returns None: that is what makes
    a job delivered twice send one email. Two concurrent calls are settled by the unique index: the
    loser's insert fails inside its own savepoint (its transaction carries on) and it returns None.
    """
    dedupe_key = dedupe_key or None
    if dedupe_key and SentEmail.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    try:
        with transaction.atomic():
            email = SentEmail.objects.create(
                kind=kind,
                tenant=tenant,
                to=(to or "").strip(),
                subject=_one_line(subject)[:255],
                body=str(body),
                dedupe_key=dedupe_key,
                created_at=clock.now(),
            )
    except IntegrityError:
        if dedupe_key and SentEmail.objects.filter(dedupe_key=dedupe_key).exists():
            return None
        raise
    transaction.on_commit(lambda: deliver(email.pk))
    return email


def deliver(email_id: int) -> bool:
    """Hand a recorded email to the mail backend; a failure is recorded, never raised into a request.

    The row is claimed with one conditional UPDATE first, so two deliveries of the same email (a double
    "resend", a retried task) send it once.
    """
    claimed = SentEmail.objects.filter(pk=email_id, status=SentEmail.Status.QUEUED).update(
        status=SentEmail.Status.SENT, sent_at=clock.now(), error=""
    )
    if not claimed:
        return False
    email = SentEmail.objects.get(pk=email_id)
    try:
        send_mail(email.subject, email.body, settings.DEFAULT_FROM_EMAIL, [email.to], fail_silently=False)
    except Exception as exc:  # noqa: BLE001 - any transport error is recorded for ops to resend
        log.warning("email %s to %s failed: %s", email.pk, email.to, exc)
        SentEmail.objects.filter(pk=email.pk).update(
            status=SentEmail.Status.FAILED, sent_at=None, error=str(exc)[:2000]
        )
        return False
    return True


def email_resend(*, email: SentEmail) -> None:
    """Deliver a recorded email again (ops): after a failure, or one stuck in the queue. Delivery claims
    the row first, so two deliveries racing for the same queued email send it once."""
    SentEmail.objects.filter(pk=email.pk).update(status=SentEmail.Status.QUEUED, error="")
    transaction.on_commit(lambda: deliver(email.pk))
