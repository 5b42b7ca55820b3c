"""A real Celery worker with beat, on the test database and a real Redis broker (SPEC §5)."""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest
from django.db import transaction

from partnercenter import clock, jobs
from partnercenter.models import Event, ScheduledJob
from tests.integration.worker_jobs import PROBE

pytestmark = pytest.mark.integration

RUN_TASK = "partnercenter.run_scheduled_job"
SWEEP_TASK = "partnercenter.sweep_due_jobs"


def completed(worker, task: str) -> int:
    """How many times the worker finished `task` (its log says `Task <name>[<id>] succeeded`)."""
    return len(re.findall(rf"Task {re.escape(task)}\[[^\]]+\] succeeded", worker.log()))


def runs_of(job: ScheduledJob) -> list[Event]:
    return list(Event.objects.filter(kind=PROBE, object_id=str(job.pk)))


def finished(job: ScheduledJob) -> ScheduledJob | None:
    job.refresh_from_db()
    return job if job.status != ScheduledJob.Status.PENDING else None


def unpublished_due_job(*, minutes_ago: int = 5) -> ScheduledJob:
    """A due row written straight to the database: no message was ever published for it."""
    return ScheduledJob.objects.create(
        kind=PROBE, due_at=clock.now() - dt.timedelta(minutes=minutes_ago), created_at=clock.now()
    )


@pytest.mark.parametrize("celery_worker_env", [{"PORTAL_SWEEP_INTERVAL": "3600"}])
def test_a_task_published_after_commit_is_run_by_the_worker(celery_worker_process):
    # Beat sweeps only once an hour here, so only the published message can run the job.
    with transaction.atomic():
        job = jobs.job_schedule(kind=PROBE)

    done = celery_worker_process.wait_for(lambda: finished(job), what="the published job to run")

    assert done.status == ScheduledJob.Status.DONE
    assert done.attempts == 1
    [run] = runs_of(job)
    assert run.payload["task"] == RUN_TASK
    assert run.payload["pid"] != os.getpid()
    assert completed(celery_worker_process, RUN_TASK) == 1


def test_a_swept_due_job_runs_exactly_once_even_when_also_published_twice(
    celery_worker_process, redis_broker_url
):
    redis_broker_url.flush()
    only_swept = unpublished_due_job()
    also_published = unpublished_due_job()
    assert jobs.publish(also_published.pk)
    assert jobs.publish(also_published.pk)

    celery_worker_process.wait_for(
        lambda: finished(only_swept) and finished(also_published), what="both jobs to run"
    )
    # Give the duplicate message and a few more sweeps every chance to run a job again.
    celery_worker_process.wait_for(
        lambda: (
            completed(celery_worker_process, SWEEP_TASK) >= 3
            and completed(celery_worker_process, RUN_TASK) >= 2
        ),
        what="three sweeps and both deliveries",
    )

    for job in (only_swept, also_published):
        job.refresh_from_db()
        assert job.status == ScheduledJob.Status.DONE
        assert job.attempts == 1
        assert len(runs_of(job)) == 1
    [swept_run] = runs_of(only_swept)
    assert swept_run.payload["task"] == SWEEP_TASK


def test_a_due_job_survives_a_broker_flush_and_a_worker_restart(celery_worker_process, redis_broker_url):
    celery_worker_process.stop()
    with transaction.atomic():
        job = jobs.job_schedule(kind=PROBE)  # published after commit; nobody consumes it yet
    redis_broker_url.flush()  # the message is lost
    assert finished(job) is None

    sweeps_before = completed(celery_worker_process, SWEEP_TASK)
    celery_worker_process.restart()

    celery_worker_process.wait_for(lambda: finished(job), what="the sweep to find the job")
    celery_worker_process.wait_for(
        lambda: completed(celery_worker_process, SWEEP_TASK) >= sweeps_before + 3, what="more sweeps"
    )
    job.refresh_from_db()
    assert job.status == ScheduledJob.Status.DONE
    assert job.attempts == 1
    [run] = runs_of(job)
    assert run.payload["task"] == SWEEP_TASK
