"""Celery tasks: the after-commit hint that delivers one registration's line, and beat's sweep."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from partnercenter.celery import every

from . import services


@shared_task(name=services.DELIVER_TASK, acks_late=True)
def deliver_registration(registration_id: int) -> int:
    return services.deliver_registration(registration_id)


@shared_task(name="webhooks.sweep")
def sweep() -> int:
    return services.sweep()


every(settings.PORTAL_SWEEP_INTERVAL, "webhooks.sweep", name="deliver webhooks")
