"""Beat's safety net for monthly invoicing: the invoicing run is a durable job that schedules the next
month's run itself; this periodic task makes sure one is scheduled on any database (a fresh one without the
demo, or one whose job was lost), so nobody has to run `build_invoices --schedule-only` by hand. Idempotent."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from partnercenter.celery import every


@shared_task(name="customers.invoicing_ensure")
def invoicing_ensure() -> str:
    from .services.invoices import invoicing_job_ensure

    return invoicing_job_ensure().due_at.isoformat()


INVOICING_SWEEP_SECONDS = float(getattr(settings, "INVOICING_ENSURE_SECONDS", 3600.0))


every(INVOICING_SWEEP_SECONDS, "customers.invoicing_ensure", name="ensure monthly invoicing")
