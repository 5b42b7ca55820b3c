"""Background work for every kind of invitation link: expiry.

Each invitation has a durable job (`links.EXPIRE_JOB`, due at its expiry, run by the portal's job sweep);
this periodic task is the second net, for an invitation whose job was lost or failed. Both are
idempotent, and both serve partnership and customer invitations alike."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from partnercenter.celery import every

from . import links  # noqa: F401 - registers the expiry job handler


@shared_task(name="invitations.expire_due")
def expire_due_invitations() -> int:
    return links.expire_due()


EXPIRY_SWEEP_SECONDS = float(getattr(settings, "INVITATION_EXPIRY_SWEEP_SECONDS", 3600.0))


every(EXPIRY_SWEEP_SECONDS, "invitations.expire_due", name="expire invitations")
