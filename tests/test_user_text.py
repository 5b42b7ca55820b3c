"""What people read: the main pages of every role, rendered, carry no rule numbers (R1..R19), no raw state
values or codes (`pending_approval`, `direct_bill`) in their visible text. Rules may be named in plain
words; attributes (data-*, classes) may carry codes for scripts and tests."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from customers.catalog import offers_seed
from enrollment import services as enrollment_services
from invitations.services import invitation_create_and_send
from tenants.models import Partnership, Program, Role
from tests.customers.factories import make_customer, order, relate
from tests.factories import UserFactory, make_partner

pytestmark = pytest.mark.django_db

RULE_NUMBER = re.compile(r"\bR\d{1,2}\b")
# A raw value: a lowercase snake_case token (`pending_approval`, `moved_to_indirect`, `direct_bill`).
RAW_VALUE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


class VisibleText(HTMLParser):
    """The text a reader sees: text nodes outside <script>, <style> and <template>, not attributes."""

    HIDDEN = {"script", "style", "template", "noscript"}

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def offending(text: str) -> list[str]:
    found = [f"rule number {m.group(0)!r}" for m in RULE_NUMBER.finditer(text)]
    found += [f"raw value {m.group(0)!r}" for m in RAW_VALUE.finditer(text)]
    return found


def check(client, user, urls):
    """Each of `urls` (or `(url, expected status)`) as `user` sees it."""
    client.force_login(user)
    problems = {}
    for url in urls:
        url, status = url if isinstance(url, tuple) else (url, 200)
        response = client.get(url)
        assert response.status_code == status, (url, response.status_code)
        text = visible_text(response.content.decode())
        bad = offending(text)
        if bad:
            problems[url] = bad
    assert problems == {}


@pytest.fixture
def world(settings):
    """A direct-bill partner mid-way (pending approval), a reseller with a provider and an indirect
    customer with an order, the provider, and the customer's admin."""
    settings.ENROLLMENT_APPROVAL_POLICY = "manual"
    offers_seed()
    pending, pending_admin = make_partner(Program.DIRECT_BILL, offboarding=True, confirmed=True)
    enrollment_services.enrollment_submit(profile=pending, user=pending_admin)

    reseller, reseller_admin = make_partner(Program.DIRECT_BILL, offboarding=True, confirmed=True)
    enrollment = enrollment_services.enrollment_submit(profile=reseller, user=reseller_admin)
    enrollment_services.enrollment_approve(enrollment_id=enrollment.pk, actor=None)
    enrollment_services.enrollment_accept_agreement(profile=reseller, user=reseller_admin)
    provider, provider_admin = make_partner(Program.INDIRECT_PROVIDER)
    Partnership.objects.create(provider=provider, reseller=reseller)
    other_provider, other_provider_admin = make_partner(Program.INDIRECT_PROVIDER)
    invitation_create_and_send(provider=other_provider, user=other_provider_admin, to=reseller_admin.email)
    customer, customer_admin = make_customer(name="Wingtip Words")
    relate(customer, reseller, kind="indirect", provider=provider)
    order(provider, provider_admin, customer, pior=reseller.mpn_id)
    direct_customer, _direct_admin = make_customer(name="Litware Words", store_for_business=True)
    relate(direct_customer, reseller, kind="direct")
    return {
        "pending_admin": pending_admin,
        "reseller_admin": reseller_admin,
        "reseller_sales": UserFactory(tenant=reseller.tenant, role=Role.SALES_AGENT),
        "provider_admin": provider_admin,
        "customer_admin": customer_admin,
        "customer": customer,
        "direct_customer": direct_customer,
    }


def test_the_pages_of_a_partner_waiting_for_approval(client, world):
    check(
        client,
        world["pending_admin"],
        ["/", "/profile/", "/enrollment/", "/enrollment/incentives/", reverse("invitations:find_provider")],
    )


def test_the_pages_of_a_partner_that_cannot_enroll(client):
    _profile, admin = make_partner(Program.DIRECT_BILL, offboarding=False, confirmed=False)
    check(client, admin, ["/", "/profile/", "/enrollment/"])


def test_the_pages_of_an_indirect_reseller(client, world):
    detail = reverse("customers:detail", args=[world["customer"].id])
    direct = reverse("customers:detail", args=[world["direct_customer"].id])
    refused_order = reverse("customers:order", args=[world["customer"].id])  # the provider orders
    urls = ["/", "/profile/", "/enrollment/", reverse("invitations:indirect_providers"), "/customers/"]
    check(client, world["reseller_admin"], [*urls, detail, direct, refused_order])
    check(
        client,
        world["reseller_sales"],
        [
            "/",
            "/enrollment/",
            "/customers/",
            detail,
            reverse("invitations:indirect_providers"),
            (reverse("profile_edit"), 403),
        ],
    )


def test_the_pages_of_a_provider(client, world):
    detail = reverse("customers:detail", args=[world["customer"].id])
    check(
        client,
        world["provider_admin"],
        ["/", reverse("invitations:indirect_resellers"), "/customers/", detail],
    )


def test_the_pages_of_a_customer(client, world):
    check(client, world["customer_admin"], ["/", reverse("customers:my_partners")])


def test_the_detectors_catch_what_they_look_for():
    html = (
        "<p>Refused (R16): pending_approval</p><script>var R1 = 'x_y';</script><a data-x='direct_bill'>ok</a>"
    )
    assert offending(visible_text(html)) == ["rule number 'R16'", "raw value 'pending_approval'"]


def test_a_providers_customers_page_fits_a_provider(client, world):
    client.force_login(world["provider_admin"])
    body = client.get("/customers/").content.decode()
    text = visible_text(body)
    assert "side by side" not in text
    assert 'name="relationship"' not in body  # no "Direct bill" filter: its customers are all indirect
    assert "customers of your indirect resellers" in text

    client.force_login(world["reseller_admin"])  # both direct-bill and indirect: the filter fits
    body = client.get("/customers/").content.decode()
    assert 'name="relationship"' in body and "side by side" in visible_text(body)


def test_the_profile_stops_offering_enrollment_once_enrolled(client, world):
    client.force_login(world["pending_admin"])
    text = visible_text(client.get("/profile/").content.decode())
    assert "you can enroll" not in text and "under way" in text
    client.force_login(world["reseller_admin"])
    text = visible_text(client.get("/profile/").content.decode())
    assert "you can enroll" not in text and "both a direct-bill partner and an indirect reseller" in text


def test_orders_name_products_not_offer_ids(client, world):
    client.force_login(world["reseller_admin"])
    body = client.get(reverse("customers:detail", args=[world["customer"].id])).content.decode()
    orders = visible_text(body[body.index('data-testid="orders"') :])
    assert "CFQ7TTC0LH18:0001" not in orders and "× 5" in orders
