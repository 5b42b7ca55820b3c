"""Background work for invitations: expiry, as a durable job per invitation (due at its expiry, swept by
the portal's beat sweep) and as a periodic sweep that catches anything else. Both are idempotent."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from partnercenter import jobs
from partnercenter.celery import app

from . import services


@jobs.handler(services.EXPIRE_JOB)
def expire_invitation_job(job) -> str:
    try:
        invitation_id = int(job.object_id)
    except (TypeError, ValueError):
        return "no invitation"
    return (
        "expired"
        if services.invitation_expire(invitation_id=invitation_id, when_due=True)
        else "nothing to do"
    )


@shared_task(name="invitations.expire_due")
def expire_due_invitations() -> int:
    return services.invitations_expire_due()


EXPIRY_SWEEP_SECONDS = float(getattr(settings, "INVITATION_EXPIRY_SWEEP_SECONDS", 3600.0))


def _schedule_expiry_sweep(sender=None, **kwargs):
    (sender or app).add_periodic_task(
        EXPIRY_SWEEP_SECONDS, app.signature("invitations.expire_due"), name="expire partnership invitations"
    )


# This module is imported from AppConfig.ready(); in a worker or beat process that can happen after the
# Celery app was finalized, when on_after_finalize has already fired: then add the entry directly.
if app.finalized:
    _schedule_expiry_sweep(app)
else:
    app.on_after_finalize.connect(_schedule_expiry_sweep, weak=False)
