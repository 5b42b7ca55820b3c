"""Celery tasks: the after-commit hint that delivers one registration's line, and beat's sweep."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from partnercenter.celery import app

from . import services


@shared_task(name=services.DELIVER_TASK, acks_late=True)
def deliver_registration(registration_id: int) -> int:
    return services.deliver_registration(registration_id)


@shared_task(name="webhooks.sweep")
def sweep() -> int:
    return services.sweep()


def _schedule_sweep(sender=None, **kwargs):
    (sender or app).add_periodic_task(
        float(settings.PORTAL_SWEEP_INTERVAL), app.signature("webhooks.sweep"), name="deliver webhooks"
    )


# Imported from AppConfig.ready(), possibly after the Celery app was finalized (see invitations.tasks).
if app.finalized:
    _schedule_sweep(app)
else:
    app.on_after_finalize.connect(_schedule_sweep, weak=False)
