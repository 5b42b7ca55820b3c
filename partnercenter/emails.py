"""Send email: record it in the current transaction, deliver it after commit, at most once per key."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from . import clock
from .models import SentEmail

log = logging.getLogger(__name__)


def email_send(
    *, kind: str, to: str, subject: str, body: str, tenant=None, dedupe_key: str | None = None
) -> SentEmail | None:
    """Record an email and deliver it once the surrounding transaction commits.

    With a `dedupe_key`, a second call for the same key is a no-op and returns None: that is what makes
    a job delivered twice send one email.
    """
    if dedupe_key and SentEmail.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    try:
        with transaction.atomic():
            email = SentEmail.objects.create(
                kind=kind,
                tenant=tenant,
                to=to,
                subject=str(subject)[:255],
                body=str(body),
                dedupe_key=dedupe_key,
                created_at=clock.now(),
            )
    except IntegrityError:
        return None
    transaction.on_commit(lambda: deliver(email.pk))
    return email


def deliver(email_id: int) -> None:
    """Hand a recorded email to the mail backend; a failure is recorded, never raised into a request."""
    email = SentEmail.objects.filter(pk=email_id, status=SentEmail.Status.QUEUED).first()
    if email is None:
        return
    try:
        send_mail(email.subject, email.body, settings.DEFAULT_FROM_EMAIL, [email.to], fail_silently=False)
    except Exception as exc:  # noqa: BLE001 - any transport error is recorded for ops to resend
        log.warning("email %s to %s failed: %s", email.pk, email.to, exc)
        SentEmail.objects.filter(pk=email.pk).update(status=SentEmail.Status.FAILED, error=str(exc)[:2000])
        return
    SentEmail.objects.filter(pk=email.pk).update(status=SentEmail.Status.SENT, sent_at=clock.now())


def email_resend(*, email: SentEmail) -> None:
    SentEmail.objects.filter(pk=email.pk).update(status=SentEmail.Status.QUEUED, error="")
    transaction.on_commit(lambda: deliver(email.pk))
