"""Emails: recorded in the transaction, delivered after commit, once per dedupe key (also under races)."""

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection, transaction

from partnercenter import clock, emails, jobs
from partnercenter.models import SentEmail
from tests.factories import TenantFactory

pytestmark = pytest.mark.django_db


def send(key="k1", **overrides):
    values = {
        "kind": "test.notice",
        "to": "admin@contoso.example",
        "subject": "Your enrollment was approved",
        "body": "Hello",
        "dedupe_key": key,
    }
    values.update(overrides)
    return emails.email_send(**values)


def test_email_is_recorded_and_delivered_after_commit(django_capture_on_commit_callbacks):
    tenant = TenantFactory()
    with django_capture_on_commit_callbacks(execute=True):
        email = send(tenant=tenant)
        assert mail.outbox == []
        assert SentEmail.objects.get(pk=email.pk).status == SentEmail.Status.QUEUED
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["admin@contoso.example"]
    assert mail.outbox[0].subject == "Your enrollment was approved"
    email.refresh_from_db()
    assert email.status == SentEmail.Status.SENT and email.sent_at is not None and email.tenant == tenant


def test_rolled_back_transaction_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                send()
                raise RuntimeError("the business change failed")
        except RuntimeError:
            pass
    assert mail.outbox == [] and not SentEmail.objects.exists()


def test_same_dedupe_key_twice_sends_one_email(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = send("approval:42")
        second = send("approval:42")
    assert first is not None and second is None
    assert len(mail.outbox) == 1 and SentEmail.objects.count() == 1


def test_without_a_dedupe_key_every_call_sends(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send(None)
        send("")
    assert len(mail.outbox) == 2


def test_a_racing_duplicate_loses_quietly_and_its_transaction_carries_on(monkeypatch):
    """The pre-check can miss a row another transaction is inserting; the unique index settles it."""
    from django.db.models.query import QuerySet

    send("race:1")
    real_exists = QuerySet.exists
    blind = {"left": 1}

    def exists_once_blind(self):
        if blind["left"] and self.model is SentEmail:
            blind["left"] -= 1
            return False  # as if the other insert had not committed yet
        return real_exists(self)

    monkeypatch.setattr(QuerySet, "exists", exists_once_blind)
    with transaction.atomic():
        assert send("race:1") is None
        TenantFactory()  # the surrounding transaction is still usable
    assert blind["left"] == 0
    assert SentEmail.objects.filter(dedupe_key="race:1").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_sends_with_one_key_record_one_email():
    if connection.vendor != "postgresql":
        pytest.skip("needs a database with concurrent writers (PostgreSQL)")
    barrier = threading.Barrier(4)
    results = []

    def worker():
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            with transaction.atomic():
                results.append(send("concurrent:1") is not None)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, False, False, True]
    assert SentEmail.objects.filter(dedupe_key="concurrent:1").count() == 1
    assert len(mail.outbox) == 1


def _broken_backend(monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    def broken(self, messages):
        raise OSError("connection refused")

    monkeypatch.setattr(EmailBackend, "send_messages", broken)


def test_a_failed_attempt_is_retried_with_backoff_and_ops_can_resend(
    monkeypatch, django_capture_on_commit_callbacks
):
    _broken_backend(monkeypatch)
    moment = dt.datetime(2026, 5, 4, 9, tzinfo=dt.UTC)
    with clock.frozen_at(moment), django_capture_on_commit_callbacks(execute=True):
        email = send()
    email.refresh_from_db()
    assert email.status == SentEmail.Status.RETRYING and "connection refused" in email.error
    assert email.attempts == 1 and email.sent_at is None
    assert email.next_attempt_at == moment + jobs.backoff(1)
    monkeypatch.undo()
    with clock.frozen_at(moment + dt.timedelta(minutes=1)):
        assert emails.sweep_outbox() == 0  # not before its backoff has passed
    with django_capture_on_commit_callbacks(execute=True):
        assert emails.email_resend(email=email) is True
    email.refresh_from_db()
    assert email.status == SentEmail.Status.SENT and email.error == ""
    assert len(mail.outbox) == 1


def test_after_the_last_attempt_an_email_is_failed_until_ops_resend(monkeypatch, settings):
    settings.EMAIL_MAX_ATTEMPTS = 3
    _broken_backend(monkeypatch)
    moment = dt.datetime(2026, 5, 4, 9, tzinfo=dt.UTC)
    with clock.frozen_at(moment):
        email = send()
    for attempt in range(1, 4):
        with clock.frozen_at(moment):
            assert emails.sweep_outbox() == 0
        email.refresh_from_db()
        assert email.attempts == attempt
        moment = email.next_attempt_at or moment
    assert email.status == SentEmail.Status.FAILED and email.next_attempt_at is None
    with clock.frozen_at(moment + dt.timedelta(days=1)):
        emails.sweep_outbox()
    email.refresh_from_db()
    assert email.attempts == 3 and mail.outbox == []


def test_no_email_is_delivered_inside_the_sending_transaction(monkeypatch):
    """email_send only records the row and, after commit, publishes a hint: no SMTP in the request."""
    published = []
    monkeypatch.setattr(emails, "publish", published.append)
    with transaction.atomic():
        email = send()
        assert published == []
    assert mail.outbox == [] and SentEmail.objects.get(pk=email.pk).status == SentEmail.Status.QUEUED


def test_the_sweep_delivers_what_the_hint_missed(monkeypatch):
    monkeypatch.setattr(emails, "publish", lambda email_id: False)  # the broker was down
    with transaction.atomic():
        email = send()
    assert mail.outbox == []
    assert emails.sweep_outbox() == 1
    email.refresh_from_db()
    assert email.status == SentEmail.Status.SENT and len(mail.outbox) == 1


def test_an_attempt_a_crash_interrupted_is_put_back_in_line(settings):
    settings.EMAIL_TIMEOUT = 5
    moment = dt.datetime(2026, 5, 4, 9, tzinfo=dt.UTC)
    with clock.frozen_at(moment):
        email = send()
        SentEmail.objects.filter(pk=email.pk).update(status="sending", claimed_at=moment, attempts=1)
    with clock.frozen_at(moment + emails.lease() - dt.timedelta(seconds=1)):
        assert emails.sweep_outbox() == 0  # still within its lease: maybe still talking to the server
    assert mail.outbox == []
    with clock.frozen_at(moment + emails.lease() + dt.timedelta(seconds=1)):
        assert emails.sweep_outbox() == 1
    email.refresh_from_db()
    assert email.status == SentEmail.Status.SENT and email.attempts == 2 and len(mail.outbox) == 1


def test_a_superseded_attempts_late_answer_changes_nothing(monkeypatch):
    """The outcome is written only while the row is still this attempt's claim."""
    from django.core.mail.backends.locmem import EmailBackend

    real = EmailBackend.send_messages

    def slow_then_ok(self, messages):
        # Meanwhile the sweep took this attempt for a crashed one and another attempt sent the email.
        SentEmail.objects.filter(pk=email.pk).update(status="sent", attempts=2)
        return real(self, messages)

    with transaction.atomic():
        email = send()
    monkeypatch.setattr(EmailBackend, "send_messages", slow_then_ok)
    emails.deliver(email.pk)
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 2)


def test_delivery_uses_the_email_timeout(monkeypatch, settings):
    settings.EMAIL_TIMEOUT = 3
    seen = {}
    real = emails.get_connection

    def spy(*args, **kwargs):
        seen.update(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(emails, "get_connection", spy)
    with transaction.atomic():
        email = send()
    emails.deliver(email.pk)
    assert seen["timeout"] == 3


def test_delivering_the_same_email_twice_sends_it_once(django_capture_on_commit_callbacks):
    """A duplicate hint, a hint and the sweep, or two workers: the first claim wins, the others send
    nothing."""
    with django_capture_on_commit_callbacks(execute=False):
        email = send()
    assert emails.deliver(email.pk) is True
    assert emails.deliver(email.pk) is False
    assert emails.sweep_outbox() == 0
    assert len(mail.outbox) == 1


def test_subject_is_one_line():
    email = send(subject="Approved\r\nBcc: someone@evil.example")
    assert "\n" not in email.subject and email.subject == "Approved Bcc: someone@evil.example"
