"""Webhook URLs: https only, never loopback/private/link-local unless WEBHOOK_ALLOW_PRIVATE_URLS is on;
every resolved address is checked and the connection goes to the checked one."""

from __future__ import annotations

import socket

import pytest

from partnercenter.errors import InvalidInput
from tenants.models import Program
from tests.factories import make_partner
from webhooks import netguard, services
from webhooks.models import WebhookDelivery, WebhookRegistration

from .helpers import approve, registered

pytestmark = pytest.mark.django_db


def _fake_dns(monkeypatch, table: dict[str, list[str]]):
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in table:
            return [
                (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
                for a in table[host]
            ]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://0.0.0.0/hook",
        "https://localhost/hook",
        "https://loopback.example/hook",
        "https://half-private.example/hook",
    ],
)
def test_private_destinations_are_refused_when_the_setting_is_off(url, monkeypatch):
    _fake_dns(
        monkeypatch,
        {"loopback.example": ["127.0.0.1"], "half-private.example": ["93.184.216.34", "10.0.0.7"]},
    )
    _profile, user = make_partner(Program.DIRECT_BILL)
    with pytest.raises(InvalidInput) as refused:
        services.registration_create(user=user, url=url, events_=["customer-created"])
    assert refused.value.reason in ("webhooks.url_private", "webhooks.url_unresolvable")
    assert not WebhookRegistration.objects.exists()


@pytest.mark.parametrize(
    "url, reason",
    [
        ("http://93.184.216.34/hook", "webhooks.url_not_https"),
        ("ftp://example.com/hook", "webhooks.url_not_https"),
        ("https://user:pw@example.com/hook", "webhooks.url_invalid"),
        ("https://no-such-host.invalid/hook", "webhooks.url_unresolvable"),
    ],
)
def test_only_https_urls_with_a_resolvable_host(url, reason):
    with pytest.raises(InvalidInput) as refused:
        netguard.check_url(url)
    assert refused.value.reason == reason


def test_a_public_address_is_allowed(monkeypatch):
    _fake_dns(monkeypatch, {"hooks.example": ["93.184.216.34"]})
    target = netguard.check_url("https://hooks.example:8443/in?x=1")
    assert (target.address, target.port, target.path, target.host) == (
        "93.184.216.34",
        8443,
        "/in?x=1",
        "hooks.example",
    )


def test_a_name_that_later_resolves_to_loopback_is_not_contacted(receiver, monkeypatch, settings):
    """DNS rebinding: registered while public, the name then points at loopback. Each attempt checks the
    address again, and refuses without connecting."""
    _fake_dns(monkeypatch, {"rebind.example": ["93.184.216.34"]})
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    profile, _user, registration = registered(f"http://rebind.example:{receiver.port}/hook")
    _fake_dns(monkeypatch, {"rebind.example": ["127.0.0.1"]})
    approve(profile)
    services.sweep()
    attempt = WebhookDelivery.objects.get(registration=registration).attempt_log.get()
    assert not attempt.succeeded and "private" in attempt.error
    assert receiver.requests == []


def test_the_connection_goes_to_the_checked_address_with_the_host_header(receiver, monkeypatch):
    _fake_dns(monkeypatch, {"hooks.example": ["127.0.0.1"]})
    profile, _user, _registration = registered(f"http://hooks.example:{receiver.port}/hook")
    approve(profile)
    services.sweep()
    [request] = receiver.requests
    assert request["headers"]["Host"] == f"hooks.example:{receiver.port}"
