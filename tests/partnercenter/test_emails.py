"""Emails: recorded in the transaction, delivered after commit, once per dedupe key (also under races)."""

import threading

import pytest
from django.core import mail
from django.db import connection, transaction

from partnercenter import emails
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


def test_delivery_failure_is_recorded_and_ops_can_resend(monkeypatch, django_capture_on_commit_callbacks):
    def broken(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr(emails, "send_mail", broken)
    with django_capture_on_commit_callbacks(execute=True):
        email = send()
    email.refresh_from_db()
    assert email.status == SentEmail.Status.FAILED and "connection refused" in email.error
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        emails.email_resend(email=email)
    email.refresh_from_db()
    assert email.status == SentEmail.Status.SENT and email.error == ""
    assert len(mail.outbox) == 1


def test_delivering_the_same_email_twice_sends_it_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        email = send()
    assert emails.deliver(email.pk) is True
    assert emails.deliver(email.pk) is False
    assert len(mail.outbox) == 1


def test_subject_is_one_line():
    email = send(subject="Approved\r\nBcc: someone@evil.example")
    assert "\n" not in email.subject and email.subject == "Approved Bcc: someone@evil.example"
