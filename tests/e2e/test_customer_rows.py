"""A Customers row reads its details when it is opened: shown in place, read once, and a row whose
customer is gone says so and offers the customer's page instead of showing anything else."""

import pytest
from playwright.sync_api import expect

from customers.models import ResellerRelationship
from tests.customers.factories import make_customer, make_partnered, order, relate

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _offers():
    from customers.catalog import offers_seed

    offers_seed()  # a transactional test starts from empty tables, the catalog included


def test_an_opened_row_shows_its_details_and_a_gone_customer_says_so(page, sign_in, console_errors):
    reseller, ruser, provider, puser = make_partnered()
    kept, _ = make_customer(name="Kept Co")
    relate(kept, reseller, kind="indirect", provider=provider)
    order(provider, puser, kept, pior=reseller.mpn_id, quantity=3)
    gone, _ = make_customer(name="Gone Co")
    relate(gone, reseller, kind="direct")
    sign_in(ruser.email)
    page.goto("/customers/")
    reads = []
    page.on("request", lambda r: reads.append(r.url) if "/row/" in r.url else None)
    row = page.locator(f'[data-customer="{kept.id}"]')
    row.locator("summary").click()
    expect(row.locator("details")).to_have_attribute("data-loaded", "true")
    expect(row.get_by_text("Microsoft 365 Business Basic × 3")).to_be_visible()
    expect(row.get_by_text("0 of 3 assigned")).to_be_visible()
    # Closed and opened again: read once.
    row.locator("summary").click()
    row.locator("summary").click()
    expect(row.get_by_text("0 of 3 assigned")).to_be_visible()
    assert reads == [f"{page.url.split('/customers/')[0]}/customers/{kept.id}/row/"]
    # The relationship ends while the page is open: the row says so and links to the customer's page.
    ResellerRelationship.objects.filter(customer__tenant=gone).update(status="removed")
    other = page.locator(f'[data-customer="{gone.id}"]')
    other.locator("summary").click()
    expect(other.get_by_text("Could not load the details. Open the customer's page instead.")).to_be_visible()
    expect(other.locator("[data-row-fallback] a")).to_have_attribute("href", f"/customers/{gone.id}/")
    console_errors["watch"].errors.clear()  # the 404 of the gone customer's details
