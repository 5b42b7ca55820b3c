"""Job handlers for the real-worker integration tests.

The worker started by `celery_worker_process` imports this module (`CELERY_IMPORTS`), and so does the
test process (by importing it), so both know the job kind. The handler writes one Event row per run (of
its own kind, directly: it is a probe, not a business event), with the Celery task that ran it, so a test
can count runs and tell a published task from a beat sweep.
"""

from __future__ import annotations

import os

from celery import current_task

from partnercenter import clock, jobs
from partnercenter.models import Event

PROBE = "integration.probe"


@jobs.handler(PROBE)
def run_probe(job) -> str:
    task = current_task.name if current_task else "inline"
    Event.objects.create(
        kind=PROBE,
        object_type=job._meta.label_lower,
        object_id=str(job.pk),
        actor_label=f"job:{PROBE}",
        payload={"task": task, "pid": os.getpid()},
        created_at=clock.now(),
    )
    return task
