"""Several workers sweeping at once share the due jobs and run each exactly once (PostgreSQL, real
concurrent transactions in threads)."""

import datetime as dt
import threading
from collections import Counter

import pytest
from django.db import connection

from partnercenter import clock, jobs
from partnercenter.models import ScheduledJob

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgresql_only")]


def test_two_concurrent_drainers_run_each_job_exactly_once():
    runs: Counter = Counter()
    lock = threading.Lock()
    started = threading.Barrier(2)

    def count(job):
        with lock:
            runs[job.pk] += 1
        return "counted"

    jobs.handler("test.count")(count)
    n = 600
    now = clock.now()
    ScheduledJob.objects.bulk_create(
        ScheduledJob(kind="test.count", due_at=now - dt.timedelta(seconds=i % 50), created_at=now)
        for i in range(n)
    )
    completed, errors = [], []

    def drain():
        try:
            started.wait(timeout=10)
            completed.append(jobs.sweep(batch_size=50))
        except Exception as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)
        finally:
            connection.close()

    try:
        threads = [threading.Thread(target=drain) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    finally:
        jobs._HANDLERS.pop("test.count")
    assert not errors
    assert sum(completed) == n
    assert len(runs) == n and set(runs.values()) == {1}
    assert all(c > 0 for c in completed), completed  # both shared the work
    assert ScheduledJob.objects.filter(status=ScheduledJob.Status.DONE).count() == n
