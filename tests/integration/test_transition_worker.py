"""The bulk move with a real Celery worker (with beat) on the test database and a real Redis broker.

The worker is killed (SIGKILL, no warm shutdown) in the middle of a batch: the step it was running never
commits, so its items are pending again and its job row is still due. A new worker's sweep picks the batch
up where it stopped, and every customer ends up with exactly one invitation and one email.
"""

from __future__ import annotations

import os
import signal

import pytest
from django.db import transaction

from customers.models import CustomerInvitation
from partnercenter.models import ScheduledJob, SentEmail
from tests.transition.helpers import bulk_direct_customers, setup
from transition import services
from transition.models import MoveBatch, MoveBatchItem

pytestmark = pytest.mark.integration

CUSTOMERS = 1600


def counts(batch) -> dict[str, int]:
    rows = MoveBatchItem.objects.filter(batch=batch).values_list("state", flat=True)
    out: dict[str, int] = {}
    for state in rows:
        out[state] = out.get(state, 0) + 1
    return out


def kill(worker) -> None:
    """SIGKILL the worker and its pool: no task gets to finish or roll back cleanly."""
    os.killpg(worker.proc.pid, signal.SIGKILL)
    worker.proc.wait()
    worker.stop()  # forgets the dead process (and kills any straggler of its group)


def test_a_worker_killed_mid_batch_resumes_and_invites_each_customer_once(celery_worker_process):
    worker = celery_worker_process
    reseller, user, provider = setup()
    accounts = bulk_direct_customers(reseller, CUSTOMERS)

    with transaction.atomic():  # the step jobs are published when this commits
        batch = services.move_batch_create(
            reseller=reseller, user=user, provider=provider, customer_ids=[str(a.tenant_id) for a in accounts]
        )

    worker.wait_for(
        lambda: counts(batch).get("invited", 0) >= services.CHUNK, timeout=120, what="a first step to commit"
    )
    kill(worker)

    before = counts(batch)
    assert 0 < before.get("invited", 0) and before.get("pending", 0) > 0, before  # really mid-batch
    # What committed is whole: one invitation and one email per invited item, nothing half-done.
    assert CustomerInvitation.objects.filter(reseller=reseller).count() == before["invited"]
    assert SentEmail.objects.filter(kind="customer_invitation").count() == before["invited"]
    assert MoveBatch.objects.get(pk=batch.pk).state == MoveBatch.State.RUNNING

    worker.start()
    worker.wait_for(
        lambda: MoveBatch.objects.get(pk=batch.pk).state == MoveBatch.State.DONE,
        timeout=300,
        what="the batch to finish after the restart",
    )

    batch.refresh_from_db()
    assert (batch.invited, batch.skipped, batch.failed) == (CUSTOMERS, 0, 0)
    assert counts(batch) == {"invited": CUSTOMERS}
    assert CustomerInvitation.objects.filter(reseller=reseller).count() == CUSTOMERS
    sent_to = list(SentEmail.objects.filter(kind="customer_invitation").values_list("to", flat=True))
    assert sorted(sent_to) == sorted(a.contact_email for a in accounts)  # each exactly once
    # A chain whose last items were still locked by a parallel step scheduled one more step before the
    # batch finished: it runs as a no-op ("nothing to do") and the queue drains, changing nothing.
    worker.wait_for(
        lambda: (
            not ScheduledJob.objects.filter(
                kind=services.STEP_JOB, status=ScheduledJob.Status.PENDING
            ).exists()
        ),
        timeout=60,
        what="the trailing steps to drain",
    )
    assert counts(batch) == {"invited": CUSTOMERS}
    assert CustomerInvitation.objects.filter(reseller=reseller).count() == CUSTOMERS
