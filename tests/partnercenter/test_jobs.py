"""Durable jobs: once when delivered twice, not before due, retries with backoff, failure after max attempts."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from partnercenter import clock, jobs
from partnercenter.models import ScheduledJob
from tests.factories import TenantFactory

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)  # a Monday


def schedule(kind, *, due_at, tenant=None):
    return jobs.job_schedule(kind=kind, obj=tenant, due_at=due_at, tenant=tenant)


def test_job_due_now_runs_after_commit_through_the_task(job_kind, django_capture_on_commit_callbacks):
    tenant = TenantFactory()
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.job_schedule(kind=job_kind.kind, obj=tenant, tenant=tenant)
        assert job_kind.calls == []  # nothing runs before the transaction commits
    job.refresh_from_db()
    assert job_kind.calls == [job.pk]
    assert job.status == ScheduledJob.Status.DONE and job.result == f"ran {tenant.pk}"


def test_job_delivered_twice_runs_once(job_kind):
    with clock.frozen_at(T0):
        job = schedule(job_kind.kind, due_at=T0)
        assert jobs.job_run(job.pk) is True
        assert jobs.job_run(job.pk) is False
        assert jobs.job_run(job.pk, force=True) is False
    assert job_kind.calls == [job.pk]
    job.refresh_from_db()
    assert job.attempts == 1


def test_job_does_not_run_before_it_is_due(job_kind):
    with clock.frozen_at(T0):
        job = schedule(job_kind.kind, due_at=T0 + dt.timedelta(hours=1))
        assert jobs.job_run(job.pk) is False
        assert jobs.sweep() == 0
    assert job_kind.calls == []
    with clock.frozen_at(T0 + dt.timedelta(hours=1)):
        assert jobs.sweep() == 1
    assert job_kind.calls == [job.pk]


def test_a_handler_sees_the_moment_its_run_acts_as_of(job_kind):
    """Forced time (`run_due_jobs --until`) hands the handler that moment, so a handler that compares a
    business date with "now" does what the due time would have done; an ordinary run sees the clock."""
    until = T0 + dt.timedelta(days=30)
    with clock.frozen_at(T0):
        early = schedule(job_kind.kind, due_at=T0)
        later = schedule(job_kind.kind, due_at=T0 + dt.timedelta(days=29))
        assert jobs.job_run(early.pk) is True
        assert jobs.sweep(until=until) == 1
    assert job_kind.calls == [early.pk, later.pk]
    assert job_kind.as_of == [T0, until]


def test_publishing_names_the_task_without_importing_it():
    """jobs -> tasks -> jobs was an import cycle; the task is found by name in the Celery app."""
    from partnercenter.celery import app

    assert jobs.RUN_TASK in app.tasks


def test_run_now_runs_a_job_before_it_is_due(job_kind):
    with clock.frozen_at(T0):
        job = schedule(job_kind.kind, due_at=T0 + dt.timedelta(days=5))
        assert jobs.job_run(job.pk, force=True) is True
    assert job_kind.calls == [job.pk]


def test_failing_job_is_retried_with_backoff_then_marked_failed(job_kind):
    job_kind.fail = RuntimeError("mail server down")
    now = T0
    with clock.frozen_at(now):
        job = schedule(job_kind.kind, due_at=now)
    waits = []
    for attempt in range(1, jobs.MAX_ATTEMPTS + 1):
        with clock.frozen_at(now):
            assert jobs.job_run(job.pk) is False
        job.refresh_from_db()
        assert job.attempts == attempt
        assert job.last_error == "RuntimeError: mail server down"
        if attempt < jobs.MAX_ATTEMPTS:
            assert job.status == ScheduledJob.Status.PENDING
            waits.append(job.due_at - now)
            with clock.frozen_at(job.due_at - dt.timedelta(seconds=1)):
                assert jobs.job_run(job.pk) is False  # not before the backoff has passed
            now = job.due_at
    assert waits == [dt.timedelta(minutes=m) for m in (2, 4, 8, 16)]
    assert job.status == ScheduledJob.Status.FAILED and job.finished_at == now
    with clock.frozen_at(now + dt.timedelta(days=1)):
        assert jobs.job_run(job.pk) is False  # a failed job is not run again by the sweep
    assert job_kind.calls == []


def test_backoff_grows_and_is_capped():
    assert jobs.backoff(1) == dt.timedelta(minutes=2)
    assert jobs.backoff(3) == dt.timedelta(minutes=8)
    assert jobs.backoff(30) == jobs.BACKOFF_CAP


def test_failing_handler_changes_are_rolled_back(job_kind):
    tenant = TenantFactory(display_name="Before")

    def handler(job):
        type(tenant).objects.filter(pk=tenant.pk).update(display_name="Half-done")
        raise ValueError("boom")

    jobs.handler("test.halfdone")(handler)
    try:
        with clock.frozen_at(T0):
            job = schedule("test.halfdone", due_at=T0)
            assert jobs.job_run(job.pk) is False
    finally:
        jobs._HANDLERS.pop("test.halfdone")
    tenant.refresh_from_db()
    assert tenant.display_name == "Before"


def test_job_of_an_unknown_kind_cannot_be_scheduled_and_fails_when_run():
    with pytest.raises(ValueError):
        jobs.job_schedule(kind="nobody.handles.this")
    job = ScheduledJob.objects.create(kind="gone.kind", due_at=T0, created_at=T0)
    with clock.frozen_at(T0):
        assert jobs.job_run(job.pk) is False
    job.refresh_from_db()
    assert "no handler registered" in job.last_error


def test_cancelled_job_never_runs(job_kind):
    tenant = TenantFactory()
    with clock.frozen_at(T0):
        job = jobs.job_schedule(kind=job_kind.kind, obj=tenant, due_at=T0 + dt.timedelta(days=1))
        assert jobs.job_cancel(kind=job_kind.kind, obj=tenant) == 1
    with clock.frozen_at(T0 + dt.timedelta(days=2)):
        assert jobs.sweep() == 0
    job.refresh_from_db()
    assert job.status == ScheduledJob.Status.CANCELLED and job_kind.calls == []


def test_sweep_runs_due_jobs_in_due_order(job_kind):
    with clock.frozen_at(T0):
        later = schedule(job_kind.kind, due_at=T0 - dt.timedelta(minutes=1))
        first = schedule(job_kind.kind, due_at=T0 - dt.timedelta(hours=1))
        future = schedule(job_kind.kind, due_at=T0 + dt.timedelta(hours=1))
        assert jobs.sweep() == 2
    assert job_kind.calls == [first.pk, later.pk]
    future.refresh_from_db()
    assert future.status == ScheduledJob.Status.PENDING


def test_run_due_jobs_until_runs_everything_due_by_then(job_kind):
    now = clock.now()
    soon = schedule(job_kind.kind, due_at=now + dt.timedelta(days=3))
    much_later = schedule(job_kind.kind, due_at=now + dt.timedelta(days=40))
    out = StringIO()
    until = (now + dt.timedelta(days=5)).isoformat()
    call_command("run_due_jobs", "--until", until, stdout=out)
    assert "Ran 1 job(s)" in out.getvalue()
    assert job_kind.calls == [soon.pk]
    much_later.refresh_from_db()
    assert much_later.status == ScheduledJob.Status.PENDING


def test_run_due_jobs_runs_jobs_that_jobs_schedule(job_kind):
    now = clock.now()

    def chain(job):
        if job.result == "":
            jobs.job_schedule(kind=job_kind.kind, due_at=clock.now() + dt.timedelta(days=1))
        return "chained"

    jobs.handler("test.chain")(chain)
    try:
        schedule("test.chain", due_at=now + dt.timedelta(days=1))
        out = StringIO()
        call_command("run_due_jobs", "--until", (now + dt.timedelta(days=10)).isoformat(), stdout=out)
    finally:
        jobs._HANDLERS.pop("test.chain")
    assert "Ran 2 job(s)" in out.getvalue()
    assert len(job_kind.calls) == 1


def test_run_due_jobs_without_until_runs_only_what_is_due_now(job_kind):
    due = schedule(job_kind.kind, due_at=clock.now() - dt.timedelta(minutes=1))
    schedule(job_kind.kind, due_at=clock.now() + dt.timedelta(days=1))
    call_command("run_due_jobs", stdout=StringIO())
    assert job_kind.calls == [due.pk]


@pytest.mark.parametrize("value", ["tomorrow", "2026-13-40", "2026-02-30T10:00:00"])
def test_run_due_jobs_refuses_a_bad_until(value):
    with pytest.raises(CommandError) as excinfo:
        call_command("run_due_jobs", "--until", value, stdout=StringIO())
    assert "not an ISO datetime" in str(excinfo.value)


def test_run_due_jobs_accepts_a_date_and_a_naive_datetime(job_kind):
    schedule(job_kind.kind, due_at=dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC))
    out = StringIO()
    call_command("run_due_jobs", "--until", "2026-01-01T12:00:00", stdout=out)
    assert "Ran 1 job(s) due by 2026-01-01T12:00:00+00:00" in out.getvalue()


def test_sweep_all_stops_a_job_that_keeps_rescheduling_itself():
    def forever(job):
        jobs.job_schedule(kind="test.forever", due_at=clock.now())
        return "again"

    jobs.handler("test.forever")(forever)
    try:
        schedule("test.forever", due_at=clock.now())
        assert jobs.sweep_all(max_rounds=3) == 3
    finally:
        jobs._HANDLERS.pop("test.forever")


def test_celery_tasks_run_and_sweep(job_kind):
    from partnercenter.tasks import run_scheduled_job, sweep_due_jobs

    job = schedule(job_kind.kind, due_at=clock.now() - dt.timedelta(seconds=1))
    other = schedule(job_kind.kind, due_at=clock.now() - dt.timedelta(seconds=1))
    assert run_scheduled_job.apply(args=[job.pk]).get() is True
    assert run_scheduled_job.apply(args=[job.pk]).get() is False
    assert sweep_due_jobs.apply().get() == 1
    assert job_kind.calls == [job.pk, other.pk]


def test_publish_never_raises_when_the_broker_is_down(monkeypatch):
    from partnercenter import tasks

    def broken(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.run_scheduled_job, "apply_async", broken)
    assert jobs.publish(123) is False


def test_a_sweep_drains_everything_due_in_batches(job_kind):
    """Beat triggers draining; it does not cap it at one batch per interval."""
    with clock.frozen_at(T0):
        due = [schedule(job_kind.kind, due_at=T0 - dt.timedelta(seconds=i)) for i in range(10)]
        schedule(job_kind.kind, due_at=T0 + dt.timedelta(minutes=1))
        assert jobs.sweep(batch_size=3) == 10
    assert sorted(job_kind.calls) == sorted(job.pk for job in due)
    assert ScheduledJob.objects.filter(status=ScheduledJob.Status.PENDING).count() == 1


def test_a_failing_job_in_a_batch_keeps_the_others_outcomes(job_kind):
    tenant = TenantFactory(display_name="Before")

    def flaky(job):
        if job.object_id == str(tenant.pk):
            raise RuntimeError("this one fails")
        return "fine"

    jobs.handler("test.flaky")(flaky)
    try:
        with clock.frozen_at(T0):
            ok_first = jobs.job_schedule(kind="test.flaky", due_at=T0 - dt.timedelta(minutes=2))
            failing = jobs.job_schedule(kind="test.flaky", obj=tenant, due_at=T0 - dt.timedelta(minutes=1))
            ok_last = jobs.job_schedule(kind="test.flaky", due_at=T0)
            assert jobs.sweep() == 2
    finally:
        jobs._HANDLERS.pop("test.flaky")
    states = dict(ScheduledJob.objects.values_list("pk", "status"))
    assert states[ok_first.pk] == states[ok_last.pk] == ScheduledJob.Status.DONE
    failing.refresh_from_db()
    assert failing.status == ScheduledJob.Status.PENDING and failing.attempts == 1
    assert failing.due_at == T0 + jobs.backoff(1) and "this one fails" in failing.last_error


def test_a_sweep_costs_a_savepoint_per_job_and_a_few_queries_per_batch(
    job_kind, django_assert_max_num_queries
):
    with clock.frozen_at(T0):
        for i in range(40):
            schedule(job_kind.kind, due_at=T0 - dt.timedelta(seconds=i))
        # max(id); per batch: its transaction (a savepoint inside the test's), the claim and one UPDATE
        # for every outcome; per job: SAVEPOINT + RELEASE around its handler. Nothing else per job.
        with django_assert_max_num_queries(1 + 2 * 4 + 2 * 40):
            assert jobs.sweep(batch_size=25) == 40
