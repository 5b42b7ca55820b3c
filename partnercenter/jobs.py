"""Durable delayed jobs.

A service schedules a job in the same transaction as the business row it acts on
(`job_schedule(...)`). After commit a Celery message is published as a hint so that a job due now runs
at once; if the broker is down or loses the message (a Redis FLUSHALL, a restart), beat's periodic
`sweep_due_jobs` finds the row anyway. Every run locks the row with select_for_update(skip_locked=True)
and re-checks that it is still pending, so a job delivered twice runs once. Handlers must themselves be
idempotent (check the business state first), because a handler can succeed and its commit still fail.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.db import models, transaction

from . import clock
from .models import ScheduledJob

log = logging.getLogger(__name__)

Handler = Callable[[ScheduledJob], str | None]
_HANDLERS: dict[str, Handler] = {}
MAX_ATTEMPTS = 5
BACKOFF_CAP = dt.timedelta(hours=1)


def handler(kind: str) -> Callable[[Handler], Handler]:
    """Register the function that runs jobs of `kind`. Apps import their handlers in AppConfig.ready()."""

    def register(fn: Handler) -> Handler:
        _HANDLERS[kind] = fn
        return fn

    return register


def registered_kinds() -> list[str]:
    return sorted(_HANDLERS)


def job_schedule(
    *, kind: str, obj: models.Model | None = None, due_at: dt.datetime | None = None, tenant=None
) -> ScheduledJob:
    """Store a job due at `due_at` (default: now). Call it inside the business transaction."""
    if kind not in _HANDLERS:
        raise ValueError(f"no handler registered for job kind {kind!r}")
    job = ScheduledJob.objects.create(
        kind=kind,
        tenant=tenant,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        due_at=due_at or clock.now(),
        created_at=clock.now(),
    )
    if job.due_at <= clock.now():
        transaction.on_commit(lambda: publish(job.pk))
    return job


def job_cancel(*, kind: str, obj: models.Model) -> int:
    return ScheduledJob.objects.filter(
        kind=kind,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        status=ScheduledJob.Status.PENDING,
    ).update(status=ScheduledJob.Status.CANCELLED, finished_at=clock.now())


RUN_TASK = "partnercenter.run_scheduled_job"  # the task in partnercenter.tasks, by name: no import cycle


def publish(job_id: int) -> bool:
    """Ask a worker to run the job now. Never raises: the beat sweep is the safety net."""
    from .celery import app

    try:
        app.signature(RUN_TASK, args=[job_id]).apply_async(retry=False)
    except Exception as exc:  # noqa: BLE001 - broker down: the sweep will run it
        log.warning("could not publish job %s (the sweep will run it): %s", job_id, exc)
        return False
    return True


def backoff(attempts: int) -> dt.timedelta:
    """How long to wait before retrying a job that failed `attempts` times: 2, 4, 8, 16… minutes,
    capped at BACKOFF_CAP."""
    return min(dt.timedelta(minutes=2 ** max(attempts, 1)), BACKOFF_CAP)


def job_run(job_id: int, *, force: bool = False, as_of: dt.datetime | None = None) -> bool:
    """Run one pending job if it is due (or at once with `force`). True when it ran to completion.

    The handler finds the moment the run acts as of on `job.as_of`: the clock's now, or a later
    `as_of` when ops run jobs ahead of time (`run_due_jobs --until`). A handler that compares a business
    date with "now" (an invitation's expiry, say) compares it with `job.as_of`, so forced time does what
    its due time would have done instead of finding the job "not due yet".

    The row is locked (skip_locked) and re-checked inside the transaction, so a job delivered twice, or
    picked by two workers at once, runs once. A failing handler's changes are rolled back (savepoint);
    the job is retried with backoff and marked failed after MAX_ATTEMPTS attempts.
    """
    with transaction.atomic():
        rows = ScheduledJob.objects.select_for_update(skip_locked=True).filter(
            pk=job_id, status=ScheduledJob.Status.PENDING
        )
        if not force:
            rows = rows.filter(due_at__lte=clock.now())
        job = rows.first()
        if job is None:
            return False
        job.attempts += 1
        job.as_of = max(as_of, clock.now()) if as_of is not None else clock.now()
        fn = _HANDLERS.get(job.kind)
        try:
            if fn is None:
                raise LookupError(f"no handler registered for job kind {job.kind!r}")
            with transaction.atomic():
                result = fn(job)
        except Exception as exc:  # noqa: BLE001 - recorded on the job, retried with backoff
            log.exception("job %s (%s) failed (attempt %s)", job.pk, job.kind, job.attempts)
            now = clock.now()
            job.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if job.attempts >= MAX_ATTEMPTS:
                job.status = ScheduledJob.Status.FAILED
                job.finished_at = now
            else:
                job.due_at = now + backoff(job.attempts)
            job.save(update_fields=["attempts", "last_error", "status", "finished_at", "due_at"])
            return False
        job.status = ScheduledJob.Status.DONE
        job.finished_at = clock.now()
        job.result = ("" if result is None else str(result))[:255]
        job.save(update_fields=["attempts", "status", "finished_at", "result"])
    return True


def due_job_ids(*, until: dt.datetime | None = None, limit: int = 500) -> list[int]:
    until = until or clock.now()
    return list(
        ScheduledJob.objects.filter(status=ScheduledJob.Status.PENDING, due_at__lte=until)
        .order_by("due_at", "id")
        .values_list("id", flat=True)[:limit]
    )


def sweep(*, until: dt.datetime | None = None) -> int:
    """Run every pending job due by `until` (default now). Returns how many ran to completion.

    With `until` in the future (ops' time travel), jobs due by then run now, as if their time had come:
    the clock is not moved (what they write is stamped now), but each handler sees `job.as_of == until`.
    """
    force = until is not None and until > clock.now()
    ran = 0
    for job_id in due_job_ids(until=until):
        if job_run(job_id, force=force, as_of=until if force else None):
            ran += 1
    return ran


def sweep_all(*, until: dt.datetime | None = None, max_rounds: int = 1000) -> int:
    """Sweep again and again while jobs run: a job can schedule another that is due by `until` too
    (an approval, then its email). `max_rounds` stops a job that keeps scheduling itself."""
    total = 0
    for _round in range(max_rounds):
        ran = sweep(until=until)
        total += ran
        if not ran:
            break
    return total
