"""Job handlers for the real-worker integration tests.

The worker started by `celery_worker_process` imports this module (`CELERY_IMPORTS`), and so does the
test process (by importing it), so both know the job kind. The handler records one Event per run, with
the Celery task that ran it, so a test can count runs and tell a published task from a beat sweep.
"""

from __future__ import annotations

import os

from celery import current_task

from partnercenter import events, jobs

PROBE = "integration.probe"


@jobs.handler(PROBE)
def run_probe(job) -> str:
    task = current_task.name if current_task else "inline"
    events.record(PROBE, obj=job, actor_label=f"job:{PROBE}", payload={"task": task, "pid": os.getpid()})
    return task
