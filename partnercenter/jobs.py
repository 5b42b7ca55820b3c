"""Durable delayed jobs.

A service schedules a job in the same transaction as the business row it acts on
(`job_schedule(...)`). After commit a Celery message is published as a hint so that a job due now runs
at once; if the broker is down or loses the message (a Redis FLUSHALL, a restart), beat's periodic
`sweep_due_jobs` finds the row anyway. Every run locks the row with select_for_update(skip_locked=True)
and re-checks that it is still pending, so a job delivered twice runs once. Handlers must themselves be
idempotent (check the business state first), because a handler can succeed and its commit still fail.

A job scheduled inside a scenario sandbox (`clock.scenario_context`) carries the scenario's key and a
due time in the scenario's time. It runs with that scenario's clock: the sweep takes each scenario's
jobs by its own clock, `job_run` enters the job's scenario, and `advance_scenario` runs what a
scenario's clock moving forward makes due (docs/scenarios.md).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Callable, Iterator

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
        scenario_key=clock.scenario_key(),
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


SCENARIO_HEADER = "scenario_key"
RUN_TASK = "partnercenter.run_scheduled_job"  # the task in partnercenter.tasks, by name: no import cycle


def publish_hint(task_name: str, *args) -> bool:
    """Publish a Celery task by name (a hint: the database row is the durable record). Never raises and
    never holds up a request: with the broker down it logs and returns False, and a sweep does the work.

    Published in a scenario, the message carries the scenario's key (header `SCENARIO_HEADER`), and the
    worker runs the task in that scenario (with its clock)."""
    from .celery import app

    key = clock.scenario_key()
    options = {"headers": {SCENARIO_HEADER: key}} if key else {}
    try:
        app.signature(task_name, args=list(args)).apply_async(retry=False, **options)
    except Exception as exc:  # noqa: BLE001 - broker down: the sweep will do it
        log.warning("could not publish %s%s (the sweep will do it): %s", task_name, args, exc)
        return False
    return True


def publish(job_id: int) -> bool:
    """Ask a worker to run the job now. Never raises: the beat sweep is the safety net."""
    return publish_hint(RUN_TASK, job_id)


def backoff(attempts: int) -> dt.timedelta:
    """How long to wait before retrying a job that failed `attempts` times: 2, 4, 8, 16… minutes,
    capped at BACKOFF_CAP."""
    return min(dt.timedelta(minutes=2 ** max(attempts, 1)), BACKOFF_CAP)


def _execute(job: ScheduledJob, *, as_of: dt.datetime | None) -> bool:
    """Run a locked, pending job's handler in a savepoint and set the job's outcome fields (the caller
    saves them). True when the handler completed. A failing handler's changes are rolled back; the job
    is retried with backoff and marked failed after MAX_ATTEMPTS attempts."""
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
        return False
    job.status = ScheduledJob.Status.DONE
    job.finished_at = clock.now()
    job.result = ("" if result is None else str(result))[:255]
    return True


OUTCOME_FIELDS = ["attempts", "last_error", "status", "finished_at", "due_at", "result"]


def job_run(job_id: int, *, force: bool = False, as_of: dt.datetime | None = None) -> bool:
    """Run one pending job if it is due (or at once with `force`). True when it ran to completion.

    The handler finds the moment the run acts as of on `job.as_of`: the clock's now, or a later
    `as_of` when ops run jobs ahead of time (`run_due_jobs --until`). A handler that compares a business
    date with "now" (an invitation's expiry, say) compares it with `job.as_of`, so forced time does what
    its due time would have done instead of finding the job "not due yet".

    The row is locked (skip_locked) and re-checked inside the transaction, so a job delivered twice, or
    picked by two workers at once, runs once.

    A scenario's job runs in its scenario (`clock.scenario_context`): it is due by that scenario's
    clock, and the handler sees that clock.
    """
    with transaction.atomic():
        job = (
            ScheduledJob.objects.select_for_update(skip_locked=True)
            .filter(pk=job_id, status=ScheduledJob.Status.PENDING)
            .first()
        )
        if job is None:
            return False
        with _job_scenario(job.scenario_key) as entered:
            if not entered or (not force and job.due_at > clock.now()):
                return False
            ran = _execute(job, as_of=as_of)
            job.save(update_fields=OUTCOME_FIELDS)
    return ran


@contextlib.contextmanager
def _job_scenario(key: str | None) -> Iterator[bool]:
    """Enter scenario `key` (unless the code already runs in it). Yields False when the scenario no
    longer exists: its jobs do not run."""
    if clock.scenario_key() == key:
        yield True
        return
    if not key:  # a real job runs outside any scenario
        with clock.scenario_context(None):
            yield True
        return
    offset = clock.scenario_offset_of(key)
    if offset is None:
        yield False
        return
    with clock.scenario_context(key, offset):
        yield True


BATCH_SIZE = 500


def _run_batch(
    *, until: dt.datetime, ceiling: int, after: tuple, as_of: dt.datetime | None, size: int
) -> tuple[int, int, tuple]:
    """Claim up to `size` due pending jobs in one transaction (rows other workers hold are skipped), run
    each in its own savepoint, and save every outcome in one UPDATE. Returns (claimed, completed, the
    sort key of the last claimed job)."""
    with transaction.atomic():
        rows = ScheduledJob.objects.select_for_update(skip_locked=True).filter(
            status=ScheduledJob.Status.PENDING, due_at__lte=until, id__lte=ceiling
        )
        key = clock.scenario_key()  # only the jobs of the scenario (or the real world) the code runs in
        rows = rows.filter(scenario_key=key) if key else rows.filter(scenario_key__isnull=True)
        if after:
            due_at, job_id = after
            rows = rows.filter(models.Q(due_at__gt=due_at) | models.Q(due_at=due_at, id__gt=job_id))
        batch = list(rows.order_by("due_at", "id")[:size])
        if not batch:
            return 0, 0, after
        last = (batch[-1].due_at, batch[-1].pk)  # before a failure moves its due_at
        completed = sum(_execute(job, as_of=as_of) for job in batch)
        _save_outcomes(batch)
    return len(batch), completed, last


def _save_outcomes(batch: list[ScheduledJob]) -> None:
    """One UPDATE per distinct outcome (usually one: all done, one attempt), not bulk_update's CASE per
    row and field, which cost more than the jobs themselves (~300 jobs/s). Jobs finished in one batch
    share its finishing time."""
    finished = clock.now()
    groups: dict[tuple, list[ScheduledJob]] = {}
    for job in batch:
        # A finished job keeps its due_at (only a retry moves it): left out, so jobs due at different
        # moments still share one UPDATE.
        fields = [f for f in OUTCOME_FIELDS if f != "result" and (f != "due_at" or job.finished_at is None)]
        if job.finished_at is not None:
            job.finished_at = finished
        groups.setdefault(tuple((f, getattr(job, f)) for f in fields), []).append(job)
    for outcome, group in groups.items():
        values = dict(outcome)
        results = {job.result for job in group}
        if len(results) == 1:
            values["result"] = results.pop()
        else:  # handlers that report something: one CASE on this field only
            values["result"] = models.Case(
                *[models.When(pk=job.pk, then=models.Value(job.result)) for job in group],
                output_field=models.CharField(),
            )
        ScheduledJob.objects.filter(pk__in=[job.pk for job in group]).update(**values)


def sweep(*, until: dt.datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Run every pending job due by `until` (default now), in batches, until none is left. Returns how
    many ran to completion.

    Beat triggers a sweep; it drains everything due, however much (no cap per interval). Several workers
    sweeping at once share the work: each batch claims its rows with select_for_update(skip_locked), so no
    job runs twice. Jobs created while the sweep runs (a job's follow-up) wait for the next sweep, so a
    job that keeps scheduling itself cannot keep one sweep busy forever.

    With `until` in the future (ops' time travel), jobs due by then run now, as if their time had come:
    the clock is not moved (what they write is stamped now), but each handler sees `job.as_of == until`.

    It runs the jobs of the scenario the code runs in (outside any: the real world's jobs). Beat's sweep
    (outside any scenario, `until` not given) then sweeps every scenario that has pending jobs, each by
    its own clock (`sweep_scenarios`).
    """
    moment = until or clock.now()
    as_of = until if until is not None and until > clock.now() else None
    beat = until is None and clock.scenario_key() is None
    if beat:
        # The newest id and whether any scenario has a pending job, in one cheap query.
        pending_scenario = ScheduledJob.objects.filter(
            status=ScheduledJob.Status.PENDING, scenario_key__isnull=False
        ).values("scenario_key")[:1]
        newest = (
            ScheduledJob.objects.order_by("-id")
            .annotate(scenario=models.Subquery(pending_scenario))
            .values_list("id", "scenario")
            .first()
        )
        ceiling, any_scenario = newest or (None, None)
    else:
        ceiling, any_scenario = ScheduledJob.objects.aggregate(top=models.Max("id"))["top"], None
    if ceiling is None:
        return 0
    ran, after = 0, ()
    while True:
        claimed, completed, after = _run_batch(
            until=moment, ceiling=ceiling, after=after, as_of=as_of, size=batch_size
        )
        ran += completed
        if claimed < batch_size:
            break
    if any_scenario:
        ran += sweep_scenarios(batch_size=batch_size)
    return ran


def sweep_scenarios(*, batch_size: int = BATCH_SIZE) -> int:
    """Sweep each scenario that has pending jobs, in that scenario (by its clock). A scenario that no
    longer exists is skipped: its jobs went with it."""
    keys = (
        ScheduledJob.objects.filter(status=ScheduledJob.Status.PENDING, scenario_key__isnull=False)
        .values_list("scenario_key", flat=True)
        .distinct()
    )
    ran = 0
    for key in sorted(keys):
        offset = clock.scenario_offset_of(key)
        if offset is None:
            continue
        with clock.scenario_context(key, offset):
            ran += sweep(batch_size=batch_size)
    return ran


def advance_scenario(*, key: str, offset: dt.timedelta, until: dt.datetime, max_rounds: int = 100_000) -> int:
    """Run scenario `key`'s jobs due by `until` (a moment of the scenario's time; its clock is now
    `offset` ahead of the real one), in due order, each with the scenario's clock at the job's due time:
    an approval due on day 5 is stamped day 5, and the incentive invitation it schedules for day 12 runs
    in the same advance, stamped day 12. Jobs the run schedules that fall due by `until` run too.
    Returns how many ran to completion. The caller records the scenario's new offset."""
    pending = ScheduledJob.objects.filter(
        status=ScheduledJob.Status.PENDING, scenario_key=key, due_at__lte=until
    ).order_by("due_at", "id")
    current = clock.real_now() + offset
    ran = 0
    for _round in range(max_rounds):
        due_at = pending.values_list("due_at", flat=True).first()
        if due_at is None:
            break
        current = max(current, due_at)
        with clock.scenario_context(key, current - clock.real_now()):
            # Everything due by `current` runs; a failed job's retry moves past `current`, so the
            # loop always moves on (and stops at MAX_ATTEMPTS).
            ran += sweep()
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
