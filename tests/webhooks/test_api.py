"""The Partner Center webhook registration API, validation events and the event feed."""

from __future__ import annotations

import json

import pytest

from partnercenter import events
from partnercenter.events import EventKind
from tenants.models import Program, Role
from tests.factories import UserFactory, make_partner
from webhooks import catalog, services
from webhooks.models import WebhookRegistration

from .helpers import approve

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(webhook_dev_settings):
    return make_partner(Program.DIRECT_BILL)


def test_register_read_update_delete(api_client_for, partner, receiver):
    profile, user = partner
    api = api_client_for(user)
    body = {"WebhookUrl": receiver.url, "WebhookEvents": ["customer-created", "subscription-updated"]}

    created = api.post("/webhooks/v1/registration", body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["WebhookUrl"] == receiver.url
    assert created.json()["WebhookEvents"] == ["customer-created", "subscription-updated"]
    assert created.json()["SubscriberId"]
    assert api.post("/webhooks/v1/registration", body, format="json").status_code == 409

    assert api.get("/webhooks/v1/registration").json() == created.json()
    updated = api.put(
        "/webhooks/v1/registration", {**body, "WebhookEvents": ["partnership-removed"]}, format="json"
    )
    assert updated.status_code == 200 and updated.json()["WebhookEvents"] == ["partnership-removed"]

    assert api.delete("/webhooks/v1/registration").status_code == 204
    missing = api.get("/webhooks/v1/registration")
    assert missing.status_code == 404 and set(missing.json()) == {
        "code",
        "description",
        "data",
        "source",
        "reason",
    }
    kinds = list(
        events.Event.objects.filter(tenant=profile.tenant, kind__startswith="webhook.")
        .values_list("kind", flat=True)
        .order_by("id")
    )
    assert kinds == ["webhook.registered", "webhook.updated", "webhook.deleted"]


def test_event_names_a_partner_may_register_for(api_client_for, partner):
    names = api_client_for(partner[1]).get("/webhooks/v1/registration/events").json()
    assert "test-created" in names and set(catalog.EVENT_NAMES) <= set(names)
    assert "indirect-reseller-relationship-accepted-by-customer" in names


def test_bad_input_answers_400_with_the_field(api_client_for, partner, settings):
    api = api_client_for(partner[1])
    settings.WEBHOOK_ALLOW_HTTP = False
    answer = api.post(
        "/webhooks/v1/registration",
        {"WebhookUrl": "http://example.com/x", "WebhookEvents": ["customer-created"]},
        format="json",
    )
    assert answer.status_code == 400 and answer.json()["data"][0]["field"] == "WebhookUrl"
    answer = api.post(
        "/webhooks/v1/registration",
        {"WebhookUrl": "https://93.184.216.34/x", "WebhookEvents": ["no-such-event"]},
        format="json",
    )
    assert answer.status_code == 400 and "no-such-event" in json.dumps(answer.json()["data"])


@pytest.mark.parametrize(
    "role, allowed", [(Role.ADMIN_AGENT, True), (Role.SALES_AGENT, False), (Role.BILLING_ADMIN, False)]
)
def test_roles_per_spec_section_10(api_client_for, partner, receiver, role, allowed):
    profile, _admin = partner
    user = UserFactory(tenant=profile.tenant, role=role)
    answer = api_client_for(user).post(
        "/webhooks/v1/registration",
        {"WebhookUrl": receiver.url, "WebhookEvents": ["customer-created"]},
        format="json",
    )
    assert answer.status_code == (201 if allowed else 403)
    if not allowed:
        assert "global admin or admin agent" in answer.json()["description"]
        assert not WebhookRegistration.objects.exists()


def test_a_customer_tenant_cannot_register(api_client_for, webhook_dev_settings):
    from tests.factories import CustomerTenantFactory

    user = UserFactory(tenant=CustomerTenantFactory())
    answer = api_client_for(user).get("/webhooks/v1/registration")
    assert answer.status_code == 403


def test_validation_event_is_delivered_and_its_delivery_can_be_read(api_client_for, partner, receiver):
    _profile, user = partner
    api = api_client_for(user)
    api.post(
        "/webhooks/v1/registration",
        {"WebhookUrl": receiver.url, "WebhookEvents": ["customer-created"]},
        format="json",
    )

    sent = api.post("/webhooks/v1/registration/validationEvents")
    assert sent.status_code == 200
    correlation_id = sent.json()["CorrelationId"]
    services.sweep()

    [request] = receiver.requests
    payload = json.loads(request["body"])
    assert payload["EventName"] == "test-created" and payload["ResourceName"] == "test"
    assert (
        payload["ResourceUri"]
        == f"https://portal.test/webhooks/v1/registration/validationEvents/{correlation_id}"
    )
    status = api.get(f"/webhooks/v1/registration/validationEvents/{correlation_id}").json()
    assert status["status"] == "completed"
    assert status["events"][0]["resultCode"] == "200"
    assert status["events"][0]["attempts"][0]["responseBody"] == "ok"

    other = make_partner(Program.DIRECT_BILL)[1]
    assert (
        api_client_for(other).get(f"/webhooks/v1/registration/validationEvents/{correlation_id}").status_code
        == 404
    )


def test_test_events_are_throttled_to_two_a_minute(api_client_for, partner, receiver):
    api = api_client_for(partner[1])
    api.post(
        "/webhooks/v1/registration",
        {"WebhookUrl": receiver.url, "WebhookEvents": ["customer-created"]},
        format="json",
    )
    assert [api.post("/webhooks/v1/registration/validationEvents").status_code for _ in range(3)] == [
        200,
        200,
        429,
    ]


def test_the_event_feed_pages_by_cursor_and_is_tenant_scoped(api_client_for, partner):
    profile, user = partner
    approve(profile, 3)
    other, other_user = make_partner(Program.DIRECT_BILL)
    approve(other, 1)
    services.fan_out()
    api = api_client_for(user)

    first = api.get("/v1/events?size=2").json()
    assert [i["EventName"] for i in first["items"]] == ["indirect-reseller-enrollment-approved"] * 2
    assert first["hasMore"] is True
    second = api.get(f"/v1/events?size=2&since={first['cursor']}").json()
    assert len(second["items"]) == 1 and second["hasMore"] is False
    caught_up = api.get(f"/v1/events?since={second['cursor']}").json()
    assert caught_up["items"] == [] and caught_up["cursor"] == second["cursor"]
    assert len(api_client_for(other_user).get("/v1/events").json()["items"]) == 1
    assert api.get("/v1/events?since=abc").status_code == 400
    assert api.get("/v1/events?size=0").status_code == 400


def test_the_feed_carries_the_webhook_payload(api_client_for, partner):
    profile, user = partner
    events.record(
        EventKind.CUSTOMER_CREATED,
        tenant=profile.tenant,
        payload={"customer": "11111111-2222-3333-4444-555555555555", "domain": "x.onmicrosoft.com"},
    )
    services.fan_out()
    [item] = api_client_for(user).get("/v1/events").json()["items"]
    assert item["EventName"] == "customer-created"
    assert item["ResourceUri"] == "https://portal.test/v1/customers/11111111-2222-3333-4444-555555555555"
    assert item["ResourceName"] == "Customer" and item["Id"]


def test_the_certificate_is_public(client):
    answer = client.get("/webhooks/v1/certificate")
    assert answer.status_code == 200 and b"BEGIN CERTIFICATE" in answer.content
