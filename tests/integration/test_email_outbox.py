"""The email outbox with a real Celery worker (with beat), a real Redis broker and a real SMTP server on
loopback that can be made to hang: no SMTP in a web request, nothing marked sent that the server did not
accept, delivery once the server works, one message per email under duplicate hints, and recovery of an
attempt a killed worker left behind."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import socket
import threading
import time

import pytest
from aiosmtpd.controller import Controller

from partnercenter import clock, emails
from partnercenter.models import SentEmail
from tests.factories import make_provider

pytestmark = pytest.mark.integration


class SwitchableInbox:
    """An SMTP server that takes every command but, while `hang` is set, never answers the message data
    (the client times out; the message is never accepted); otherwise it accepts and keeps the message."""

    def __init__(self):
        self.hang = threading.Event()
        self.messages: list[str] = []
        self.attempts = 0

    async def handle_DATA(self, server, session, envelope):
        self.attempts += 1
        if self.hang.is_set():
            while self.hang.is_set():
                await asyncio.sleep(0.1)
            return "451 Try again later"  # to a client long gone: nothing was accepted
        self.messages.append(envelope.content.decode(errors="replace"))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_inbox():
    inbox = SwitchableInbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        inbox.port = probe.getsockname()[1]

    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    yield inbox
    inbox.hang.clear()
    controller.stop()


@pytest.fixture
def celery_worker_env(smtp_inbox):
    return {
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_inbox.port}",
        "EMAIL_TIMEOUT": "1",
        "TEST_REAL_EMAIL": "true",
    }


def email_row(**filters) -> SentEmail | None:
    return SentEmail.objects.filter(**filters).order_by("-id").first()


def make_due_now(email: SentEmail) -> None:
    """The retry's time has come (instead of waiting its 2-minute backoff)."""
    SentEmail.objects.filter(pk=email.pk).update(next_attempt_at=clock.now() - dt.timedelta(seconds=1))


def test_a_hanging_mail_server_neither_holds_the_request_nor_loses_the_email(
    celery_worker_process, smtp_inbox, api_client_for
):
    _provider, admin = make_provider()
    smtp_inbox.hang.set()
    started = time.monotonic()
    response = api_client_for(admin).post(
        "/v1/partnerinvitations", {"email": "reseller@adatum.example"}, format="json"
    )
    elapsed = time.monotonic() - started
    assert response.status_code == 201, response.content
    print(f"figure: POST /v1/partnerinvitations answered in {elapsed:.2f}s with the mail server hanging")
    assert elapsed < 2, f"the request took {elapsed:.1f}s"

    worker = celery_worker_process
    email = worker.wait_for(
        lambda: email_row(to="reseller@adatum.example", status=SentEmail.Status.RETRYING),
        what="a failed attempt against the hanging server",
    )
    assert email.sent_at is None and "timed out" in email.error.lower()
    assert smtp_inbox.messages == []

    smtp_inbox.hang.clear()  # the mail server works again
    make_due_now(email)
    worker.wait_for(lambda: email_row(pk=email.pk, status=SentEmail.Status.SENT), what="the delivery")
    worker.wait_for(lambda: smtp_inbox.messages, what="the message at the server")
    time.sleep(2)  # a few more sweeps: nothing is sent twice
    assert len(smtp_inbox.messages) == 1 and "reseller@adatum.example" in smtp_inbox.messages[0]
    assert SentEmail.objects.get(pk=email.pk).attempts == 2


def test_duplicate_hints_send_one_message(
    celery_worker_process, smtp_inbox, django_capture_on_commit_callbacks
):
    worker = celery_worker_process
    with django_capture_on_commit_callbacks(execute=True):
        email = emails.email_send(kind="test.notice", to="a@contoso.example", subject="Hello", body="Once")
    for _ in range(3):
        emails.publish(email.pk)
    worker.wait_for(lambda: email_row(pk=email.pk, status=SentEmail.Status.SENT), what="the delivery")
    time.sleep(2)
    assert len(smtp_inbox.messages) == 1 and smtp_inbox.attempts == 1


def test_an_attempt_a_killed_worker_left_is_recovered_and_sent_once(
    celery_worker_process, smtp_inbox, django_capture_on_commit_callbacks
):
    worker = celery_worker_process
    smtp_inbox.hang.set()
    with django_capture_on_commit_callbacks(execute=True):
        email = emails.email_send(kind="test.notice", to="b@contoso.example", subject="Hi", body="Again")
    worker.wait_for(lambda: smtp_inbox.attempts >= 1, what="an attempt in progress")
    os.killpg(worker.proc.pid, signal.SIGKILL)  # the worker dies mid-delivery
    worker.proc.wait()
    worker.proc = None
    row = SentEmail.objects.get(pk=email.pk)
    assert row.status == SentEmail.Status.SENDING and row.sent_at is None

    # Its claim outlives the lease (instead of waiting 66 s), the server works again, a new worker starts.
    SentEmail.objects.filter(pk=email.pk).update(
        claimed_at=clock.now() - emails.lease() - dt.timedelta(seconds=1)
    )
    smtp_inbox.hang.clear()
    worker.start()
    worker.wait_for(
        lambda: email_row(pk=email.pk, status=SentEmail.Status.SENT), what="the recovered delivery"
    )
    row = SentEmail.objects.get(pk=email.pk)
    assert row.attempts == 2
    time.sleep(2)
    # The killed attempt was never accepted by the server; the recovered one was, once.
    assert len(smtp_inbox.messages) == 1 and "Again" in smtp_inbox.messages[0]
