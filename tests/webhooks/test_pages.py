"""The Webhooks page in the partner's settings."""

from __future__ import annotations

import pytest

from tenants.models import Program, Role
from tests.factories import UserFactory, make_partner
from webhooks import services
from webhooks.models import WebhookDelivery, WebhookRegistration

from .helpers import approve

pytestmark = pytest.mark.django_db


def test_register_test_see_deliveries_and_redeliver(client, receiver):
    profile, user = make_partner(Program.DIRECT_BILL)
    client.force_login(user)
    page = client.get("/settings/webhooks/")
    assert page.status_code == 200 and "Register a webhook" in page.content.decode()
    assert 'href="/settings/webhooks/"' in page.content.decode()  # the nav entry

    saved = client.post(
        "/settings/webhooks/",
        {
            "action": "save",
            "url": receiver.url,
            "events": ["customer-created", "indirect-reseller-enrollment-approved"],
        },
    )
    assert saved.status_code == 302
    registration = WebhookRegistration.objects.get(tenant=profile.tenant)
    assert registration.events == ["customer-created", "indirect-reseller-enrollment-approved"]

    client.post("/settings/webhooks/", {"action": "test"})
    approve(profile)
    services.sweep()
    page = client.get("/settings/webhooks/").content.decode()
    assert "test-created" in page and "indirect-reseller-enrollment-approved" in page
    assert "Healthy" in page and "Delivered" in page

    delivery = WebhookDelivery.objects.filter(registration=registration).first()
    client.post("/settings/webhooks/", {"action": "redeliver", "delivery": delivery.pk})
    services.sweep()
    assert len(receiver.requests) == 3

    client.post("/settings/webhooks/", {"action": "delete"})
    assert not WebhookRegistration.objects.exists()


def test_a_refused_url_shows_next_to_the_field(client, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    _profile, user = make_partner(Program.DIRECT_BILL)
    client.force_login(user)
    page = client.post(
        "/settings/webhooks/",
        {"action": "save", "url": "https://127.0.0.1/x", "events": ["customer-created"]},
    )
    assert page.status_code == 200 and "must not point at a private address" in page.content.decode()
    assert not WebhookRegistration.objects.exists()


def test_sales_agents_do_not_see_or_open_the_page(client):
    profile, _ = make_partner(Program.DIRECT_BILL)
    agent = UserFactory(tenant=profile.tenant, role=Role.SALES_AGENT)
    client.force_login(agent)
    assert client.get("/settings/webhooks/").status_code == 403
    assert 'href="/settings/webhooks/"' not in client.get("/").content.decode()
