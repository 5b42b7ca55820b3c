"""The outbox against real SMTP servers on loopback: one that accepts connections and never answers, and
a working one (aiosmtpd)."""

import datetime as dt
import socket
import threading
import time

import pytest
from aiosmtpd.controller import Controller
from django.db import transaction

from partnercenter import clock, emails
from partnercenter.models import SentEmail

pytestmark = pytest.mark.django_db


@pytest.fixture
def silent_server():
    """Accepts TCP connections and never says a word (a hung mail server)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held, stop = [], threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join(2)
    for conn in held:
        conn.close()
    listener.close()


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content.decode()))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    with socket.socket() as probe:  # a free port (the controller checks its own port, so not 0)
        probe.bind(("127.0.0.1", 0))
        inbox.port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    yield inbox
    controller.stop()


def use_smtp(settings, port):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""


def test_a_server_that_never_answers_costs_one_timeout_and_the_email_is_delivered_later(
    settings, silent_server, smtp_server
):
    settings.EMAIL_TIMEOUT = 1
    use_smtp(settings, silent_server)
    moment = dt.datetime(2026, 5, 4, 9, tzinfo=dt.UTC)
    with clock.frozen_at(moment):
        with transaction.atomic():
            email = emails.email_send(kind="test", to="a@contoso.example", subject="Hi", body="Link")
        started = time.monotonic()
        assert emails.deliver(email.pk) is False
        assert time.monotonic() - started < 3
    email.refresh_from_db()
    assert email.status == SentEmail.Status.RETRYING and email.sent_at is None
    assert "timed out" in email.error.lower()

    use_smtp(settings, smtp_server.port)  # the mail server works again
    with clock.frozen_at(email.next_attempt_at):
        assert emails.sweep_outbox() == 1
    email.refresh_from_db()
    assert email.status == SentEmail.Status.SENT and email.attempts == 2
    [(to, content)] = smtp_server.messages
    assert to == ["a@contoso.example"] and "Link" in content
