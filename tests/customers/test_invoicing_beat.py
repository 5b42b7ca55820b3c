"""Monthly invoicing needs no manual step: beat's periodic task schedules the run on any database."""

import pytest

from customers.services.invoices import INVOICE_JOB
from customers.tasks import invoicing_ensure
from partnercenter.celery import app
from partnercenter.models import ScheduledJob


def test_beat_runs_the_invoicing_safety_net():
    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "customers.invoicing_ensure" in tasks


@pytest.mark.django_db
def test_ensure_schedules_one_run_and_is_idempotent():
    assert not ScheduledJob.objects.filter(kind=INVOICE_JOB).exists()
    first = invoicing_ensure()
    second = invoicing_ensure()
    assert first == second
    (job,) = ScheduledJob.objects.filter(kind=INVOICE_JOB)
    assert job.due_at.day == 1 and job.due_at.hour == 0
