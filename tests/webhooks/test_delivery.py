"""Delivery to a real HTTP receiver on loopback: signed, at least once, in order, retried, logged."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from partnercenter import clock
from webhooks import services, signing
from webhooks.models import WebhookDelivery, WebhookRegistration

from .helpers import approve, registered

pytestmark = pytest.mark.django_db


def later(minutes: float):
    return clock.frozen_at(clock.now() + dt.timedelta(minutes=minutes))


def test_an_event_arrives_signed_and_verifies_with_the_served_certificate(client, receiver):
    profile, _user, _reg = registered(receiver.url)
    approve(profile)

    assert services.sweep() == 1

    [request] = receiver.requests
    body, headers = request["body"], request["headers"]
    payload = json.loads(body)
    assert payload["EventName"] == "indirect-reseller-enrollment-approved"
    assert payload["ResourceUri"] == "https://portal.test/v1/enrollments/indirectreseller"
    assert set(payload) == {"EventName", "ResourceUri", "ResourceName", "AuditUri", "ResourceChangeUtcDate"}
    assert headers["x-ms-signature-algorithm"] == "rsa-sha256"
    assert headers["Authorization"].startswith("Signature ")
    cert_url = headers["x-ms-certificate-url"]
    assert cert_url == "https://portal.test/webhooks/v1/certificate"
    served = client.get(cert_url.removeprefix("https://portal.test")).content.decode()
    signature = headers["Authorization"].removeprefix("Signature ")
    assert signing.verify(body, signature, served)
    # A tampered body (or a signature of another body) does not verify.
    assert not signing.verify(body.replace(b"approved", b"rejected"), signature, served)
    assert not signing.verify(body + b" ", signature, served)


def test_the_key_pair_is_generated_once_per_installation():
    first = signing.signing_key()
    assert signing.signing_key().pk == first.pk
    assert signing.certificate_pem() == first.certificate_pem


def test_receiver_down_is_retried_with_backoff_and_delivered_once_it_is_up(receiver):
    profile, _user, registration = registered(receiver.url)
    approve(profile)
    receiver.stop()

    assert services.sweep() == 0
    delivery = WebhookDelivery.objects.get(registration=registration)
    assert delivery.status == "retrying" and delivery.attempts == 1
    first_retry = delivery.next_attempt_at - clock.now()
    assert dt.timedelta(seconds=25) <= first_retry <= dt.timedelta(seconds=35)
    [attempt] = delivery.attempt_log.all()
    assert attempt.status_code is None and "Connection" in attempt.error

    assert services.sweep() == 0  # not due yet: nothing is tried
    assert WebhookDelivery.objects.get(pk=delivery.pk).attempts == 1
    with later(1):
        services.sweep()  # still down: the second retry waits twice as long
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert delivery.next_attempt_at - clock.now() >= dt.timedelta(seconds=55)

    receiver.start()
    with later(3):
        assert services.sweep() == 1
        assert services.sweep() == 0
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.attempts == 3
    assert len(receiver.requests) == 1
    assert [a.succeeded for a in delivery.attempt_log.order_by("number")] == [False, False, True]


def test_backoff_doubles_up_to_a_day():
    assert services.backoff(1) == dt.timedelta(seconds=30)
    assert services.backoff(2) == dt.timedelta(seconds=60)
    assert services.backoff(30) == dt.timedelta(days=1)


def test_a_redelivered_event_carries_the_same_id(receiver):
    profile, user, registration = registered(receiver.url)
    approve(profile)
    services.sweep()
    delivery = WebhookDelivery.objects.get(registration=registration)

    services.delivery_redeliver(user=user, delivery_id=delivery.pk)
    services.sweep()

    first, second = receiver.requests
    assert first["body"] == second["body"]
    assert (
        first["headers"]["x-ms-webhook-id"]
        == second["headers"]["x-ms-webhook-id"]
        == str(delivery.delivery_id)
    )
    assert (first["headers"]["x-ms-webhook-attempt"], second["headers"]["x-ms-webhook-attempt"]) == ("1", "2")


def test_events_go_out_in_order_and_a_failing_one_holds_back_the_rest(receiver):
    profile, _user, registration = registered(receiver.url)
    receiver.answer = (500, b"boom", {})
    approve(profile, 3)

    services.sweep()
    assert len(receiver.requests) == 1  # the first failed: the others wait behind it
    receiver.answer = (200, b"ok", {})
    with later(1):
        assert services.sweep() == 3
    sent = [json.loads(r["body"])["ResourceChangeUtcDate"] for r in receiver.requests[1:]]
    assert sent == sorted(sent)
    ids = [r["headers"]["x-ms-webhook-id"] for r in receiver.requests]
    assert ids[0] == ids[1] and len(set(ids)) == 3
    assert (
        list(
            WebhookDelivery.objects.filter(registration=registration)
            .order_by("sequence")
            .values_list("status", flat=True)
        )
        == ["delivered"] * 3
    )


def test_a_registration_that_keeps_failing_is_marked_unhealthy_and_recovers(receiver, settings):
    settings.WEBHOOK_UNHEALTHY_AFTER = 3
    profile, _user, registration = registered(receiver.url)
    receiver.answer = (503, b"down for maintenance", {})
    approve(profile)
    for minutes in (0, 1, 3):
        with later(minutes):
            services.sweep()
    registration.refresh_from_db()
    assert registration.health == WebhookRegistration.Health.UNHEALTHY
    assert registration.consecutive_failures == 3
    attempt = WebhookDelivery.objects.get(registration=registration).attempt_log.first()
    assert attempt.status_code == 503 and attempt.response_excerpt == "down for maintenance"

    receiver.answer = (200, b"", {})
    with later(10):
        services.sweep()
    registration.refresh_from_db()
    assert registration.health == WebhookRegistration.Health.HEALTHY


def test_after_the_last_attempt_a_delivery_fails_and_the_line_moves_on(receiver, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    profile, _user, registration = registered(receiver.url)
    receiver.answer = (500, b"", {})
    approve(profile, 2)
    services.sweep()
    with later(1):
        services.sweep()
    receiver.answer = (200, b"", {})
    with later(2):
        services.sweep()
    statuses = list(
        WebhookDelivery.objects.filter(registration=registration)
        .order_by("sequence")
        .values_list("status", flat=True)
    )
    assert statuses == ["failed", "delivered"]


def test_redirects_are_not_followed(receiver):
    profile, _user, registration = registered(receiver.url)
    receiver.answer = (302, b"", {"Location": "http://169.254.169.254/latest/meta-data/"})
    approve(profile)
    services.sweep()
    delivery = WebhookDelivery.objects.get(registration=registration)
    assert delivery.status == "retrying"
    assert delivery.attempt_log.get().status_code == 302
    assert len(receiver.requests) == 1


def test_the_answer_is_read_with_a_size_limit_and_kept_short(receiver, settings):
    settings.WEBHOOK_RESPONSE_MAX_BYTES = 4096
    profile, _user, registration = registered(receiver.url)
    receiver.answer = (200, b"x" * 200_000, {})
    approve(profile)
    services.sweep()
    attempt = WebhookDelivery.objects.get(registration=registration).attempt_log.get()
    assert attempt.succeeded and len(attempt.response_excerpt) == 1000


def test_a_slow_receiver_times_out(receiver, settings):
    settings.WEBHOOK_TIMEOUT = 0.5
    profile, _user, registration = registered(receiver.url)
    receiver.delay = 2
    approve(profile)
    services.sweep()
    delivery = WebhookDelivery.objects.get(registration=registration)
    attempt = delivery.attempt_log.get()
    assert delivery.status == "retrying" and not attempt.succeeded
    assert "timed out" in attempt.error.lower() or "timeout" in attempt.error.lower()
    assert attempt.latency_ms < 1900


def test_an_attempt_a_crash_interrupted_is_retried_with_the_same_id(receiver):
    profile, _user, registration = registered(receiver.url)
    approve(profile)
    services.fan_out()
    delivery = WebhookDelivery.objects.get(registration=registration)
    # A worker claimed it and died before recording the answer.
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status="sending", claimed_at=clock.now(), attempts=1
    )
    assert services.sweep() == 0  # within the lease: left alone
    with later(5):
        assert services.sweep() == 1
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert receiver.requests[0]["headers"]["x-ms-webhook-id"] == str(delivery.delivery_id)


def test_events_before_the_registration_and_unsubscribed_names_are_not_sent(receiver):
    from tenants.models import Program
    from tests.factories import make_partner

    profile, user = make_partner(Program.DIRECT_BILL)
    approve(profile)  # before the registration
    services.registration_create(user=user, url=receiver.url, events_=["customer-created"])
    approve(profile)  # not subscribed
    services.sweep()
    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()
