"""Webhook delivery with a real Celery worker (with beat): a worker killed while the receiver is still
answering leaves the delivery "sending"; once its claim outlives the lease, a new worker delivers it again
with the same idempotency id, so the receiver can drop the duplicate."""

from __future__ import annotations

import datetime as dt
import os
import signal

import pytest

from partnercenter import clock
from tests.webhooks.conftest import Receiver
from tests.webhooks.helpers import approve, registered
from webhooks import services
from webhooks.models import WebhookDelivery

pytestmark = pytest.mark.integration


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    r = Receiver()
    yield r
    r.delay = 0
    r.stop()


@pytest.fixture
def celery_worker_env():
    return {"WEBHOOK_ALLOW_HTTP": "true", "WEBHOOK_ALLOW_PRIVATE_URLS": "true", "WEBHOOK_TIMEOUT": "30"}


def test_a_delivery_a_killed_worker_left_is_delivered_again_with_the_same_id(receiver, celery_worker_process):
    worker = celery_worker_process
    receiver.delay = 60  # the receiver is slow: the worker is still waiting when it is killed
    profile, _user, registration = registered(receiver.url)
    approve(profile)

    worker.wait_for(lambda: receiver.requests, what="the first attempt to reach the receiver")
    delivery = WebhookDelivery.objects.get(registration=registration)
    assert delivery.status == WebhookDelivery.Status.SENDING
    os.killpg(worker.proc.pid, signal.SIGKILL)
    worker.proc.wait()
    worker.proc = None

    receiver.delay = 0
    # The claim outlives the lease (instead of waiting 2 minutes); a new worker takes over.
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        claimed_at=clock.now() - services.lease() - dt.timedelta(seconds=1)
    )
    worker.start()
    worker.wait_for(
        lambda: WebhookDelivery.objects.filter(
            pk=delivery.pk, status=WebhookDelivery.Status.DELIVERED
        ).exists(),
        what="the recovered delivery",
        timeout=60,
    )
    first, second = receiver.requests[0], receiver.requests[-1]
    assert len(receiver.requests) == 2
    assert (
        first["headers"]["x-ms-webhook-id"]
        == second["headers"]["x-ms-webhook-id"]
        == str(delivery.delivery_id)
    )
    assert first["body"] == second["body"]
    assert WebhookDelivery.objects.get(pk=delivery.pk).attempts == 2
