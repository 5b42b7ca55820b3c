"""Customers in Chromium (R11–R17): the reseller invites a customer with its provider, the customer's global
admin authorizes both, the customer shows as indirect, the provider orders and the subscription appears.
Plus the R13, R14 and R16 refusals, each showing that nothing changed."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from customers.models import CustomerAccount, CustomerInvitation, Order, ResellerRelationship, Subscription
from invitations import links
from partnercenter.models import SentEmail
from tenants.models import Tenant, User
from tests.customers.factories import make_customer, make_partnered, order, relate
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _offers():
    from customers.catalog import offers_seed

    offers_seed()


def _counts():
    return (
        Tenant.objects.count(),
        User.objects.count(),
        CustomerAccount.objects.count(),
        ResellerRelationship.objects.count(),
        CustomerInvitation.objects.exclude(status="pending").count(),
        Order.objects.count(),
        Subscription.objects.count(),
    )


def _cast():
    reseller, ruser, provider, puser = make_partnered()
    reseller.legal_name = "Contoso Test Reseller"
    reseller.save()
    provider.legal_name = "Fabrikam Test Distribution"
    provider.save()
    return reseller, ruser, provider, puser


def _token(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[1]


def _sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("domcontentloaded")


def test_invite_authorize_order_journey(page, sign_in, live_server):
    reseller, ruser, provider, puser = _cast()
    tenant, customer_admin = make_customer(name="Tailspin Toys", account=False)

    # Reseller: Indirect providers → Invite new customers → draft email → Done
    sign_in(ruser.email)
    page.locator('[data-nav="invitations:indirect_providers"]').click()
    page.get_by_test_id("provider-list").get_by_role("link", name="Invite new customers").click()
    assert page.get_by_label("Indirect provider").input_value() == str(provider.tenant_id)
    page.get_by_role("button", name="Next: draft email").click()
    link = page.get_by_test_id("invitation-link").input_value()
    assert link.startswith(live_server.url + "/customers/invitations/")
    body = page.get_by_label("Email text")
    assert link in body.input_value()
    assert "Fabrikam Test Distribution" in body.input_value()
    # Nothing is stored yet and the draft's link does not work before Done.
    assert CustomerInvitation.objects.count() == 0
    assert links.lookup(CustomerInvitation, _token(link)) == (None, links.UNKNOWN)
    # Removing the link blocks Done; the server checks it too.
    body.fill("Please authorize us.")
    page.get_by_role("button", name="Done").click()
    assert page.locator("#link-missing").is_visible()
    body.fill("Hello Tailspin!\n\nAuthorize us here: " + link + "\n")
    href = page.locator("#open-in-email").get_attribute("href")
    assert href.startswith("mailto:") and "Authorize%20us%20here" in href
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Copy to clipboard").click()
    page.get_by_text("Copied to the clipboard.").wait_for()
    assert link in page.evaluate("navigator.clipboard.readText()")
    page.get_by_label("Customer's email (optional)").fill(customer_admin.email)
    page.get_by_role("button", name="Done").click()
    page.get_by_text("The invitation was emailed to").wait_for()
    invitation = CustomerInvitation.objects.get()
    assert links.lookup(CustomerInvitation, _token(link)) == (invitation, links.PENDING)
    # The sent invitation: revoking asks first (Cancel keeps it); Copy link again shows another link.
    row = page.locator(f'[data-invitation="{invitation.pk}"]')
    row.get_by_role("link", name="Revoke").click()
    page.get_by_test_id("revoke-confirm").wait_for()
    page.get_by_role("link", name="Cancel").click()
    assert CustomerInvitation.objects.get().status == "pending"
    page.locator(f'[data-invitation="{invitation.pk}"]').get_by_role("button", name="Copy link again").click()
    again = page.get_by_test_id("invitation-link").input_value()
    assert again != link and links.lookup(CustomerInvitation, _token(again))[1] == links.PENDING
    # Stored without the link (a placeholder); the delivered email carries a fresh, working link.
    email = SentEmail.objects.get(kind="customer_invitation")
    assert "Authorize us here: [personalized invitation link]" in email.body and link not in email.body
    delivered = [m for m in mail.outbox if m.to == [customer_admin.email]]
    emailed_link = re.search(r"https?://\S+/customers/invitations/\S+/", delivered[-1].body).group(0)
    assert emailed_link != link
    _sign_out(page)

    # Customer's global admin: opens the link signed out → sign in → back on the invitation → Authorize
    page.goto(emailed_link)
    page.get_by_label("Email").fill(customer_admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_test_id("invite-reseller").wait_for()
    assert "Contoso Test Reseller" in page.get_by_test_id("invite-reseller").inner_text()
    assert "Fabrikam Test Distribution" in page.get_by_test_id("invite-provider").inner_text()
    assert ResellerRelationship.objects.count() == 0  # opening the link changed nothing
    page.get_by_role("button", name="Authorize").click()
    page.get_by_text("You authorized Contoso Test Reseller and Fabrikam Test Distribution").wait_for()
    rels = page.get_by_test_id("partner-relationships").inner_text()
    assert "Contoso Test Reseller" in rels and "Fabrikam Test Distribution" in rels and "Granted" in rels
    # Single use: the same "already used" page (and status) as a partnership invitation's link.
    response = page.goto(emailed_link)
    assert response.status == 409
    assert page.get_by_test_id("link-problem").get_attribute("data-state") == "used"
    assert "This invitation has already been used" in page.get_by_test_id("link-problem").inner_text()
    _sign_out(page)

    # Reseller: the customer shows as indirect in the Customers list
    sign_in(ruser.email)
    page.locator('[data-nav="customers:list"]').click()
    row = page.locator(f'[data-customer="{tenant.id}"]')
    assert row.locator('[data-badge="indirect"]').count() == 1
    assert row.locator('[data-action="add-products"]').count() == 0
    row.locator("summary .arrow").click()  # the row reads its details when opened
    expect(row.get_by_role("heading", name="Licenses")).to_be_visible()
    expect(row.locator("details")).to_have_attribute("data-loaded", "true")
    _sign_out(page)

    # Provider: Customers → Place order with the reseller's MPN ID on record
    sign_in(puser.email)
    page.locator('[data-nav="customers:list"]').click()
    page.locator(f'[data-customer="{tenant.id}"] [data-action="place-order"]').click()
    assert page.get_by_label("Partner ID on record (the reseller's MPN ID)").input_value() == reseller.mpn_id
    page.get_by_label("Product").select_option("CFQ7TTC0LH18:0001")
    page.get_by_label("Quantity").fill("12")
    page.get_by_role("button", name="Submit order").click()
    page.locator(".alert-success").get_by_text("Order placed").wait_for()
    sub_row = page.locator('[data-offer="CFQ7TTC0LH18:0001"]')
    assert sub_row.get_by_test_id("quantity").inner_text() == "12"
    sub = Subscription.objects.get(customer__tenant=tenant)
    assert sub.partner_on_record == reseller
    _sign_out(page)

    # Reseller: the subscription appears, with its renewal
    sign_in(ruser.email)
    page.goto(f"/customers/{tenant.id}/#renewals")
    assert page.locator(f'[data-subscription="{sub.pk}"]').get_by_test_id("auto-renew").inner_text() == "On"


def test_r13_reseller_cannot_create_a_tenant(page, sign_in):
    reseller, ruser, _provider, _puser = _cast()
    before = _counts()
    sign_in(ruser.email)
    page.goto("/customers/")
    assert page.get_by_test_id("create-customer").count() == 0
    resp = page.goto("/customers/new/")
    assert resp.status == 403
    assert "cannot create" in page.content().lower() and "(R13)" not in page.content()
    assert _counts() == before


def test_r14_direct_bill_refused_for_an_indirect_customer(page, sign_in):
    reseller, ruser, provider, _puser = _cast()
    tenant, _admin = make_customer(name="Indirect Co")
    relate(tenant, reseller, kind="indirect", provider=provider)
    before = _counts()
    sign_in(ruser.email)
    page.goto(f"/customers/{tenant.id}/orders/new/")
    refusal = page.get_by_test_id("order-refusal").inner_text()
    assert "(R14)" not in refusal and "Fabrikam Test Distribution" in refusal
    assert page.get_by_role("button", name="Submit order").count() == 0
    assert _counts() == before


def test_r16_store_for_business_customer_keeps_direct_bill(page, sign_in):
    reseller, ruser, provider, puser = _cast()
    tenant, admin = make_customer(name="Litware", store_for_business=True)
    relate(tenant, reseller, kind="direct")
    order(reseller, ruser, tenant)
    from customers.services import customer_invitation_create

    _inv, token = customer_invitation_create(reseller=reseller, user=ruser, provider=provider)
    before = _counts()
    sign_in(admin.email)
    resp = page.goto(f"/customers/invitations/{token}/")
    assert resp.status == 403
    refusal = page.get_by_test_id("invite-refusal")
    assert refusal.get_attribute("data-rule") == "R16"
    assert "Microsoft Store for Business" in refusal.inner_text()
    assert page.get_by_role("button", name="Authorize").count() == 0
    assert _counts() == before
    assert CustomerInvitation.objects.get().status == "pending"


def test_provider_creates_a_customer_with_a_pasted_domain_and_a_listed_country(page, sign_in):
    reseller, _ruser, _provider, puser = _cast()
    sign_in(puser.email)
    page.goto(f"/customers/new/?reseller={reseller.pk}")
    assert page.locator(".input-suffix").inner_text() == ".onmicrosoft.com"
    domain = page.get_by_label("Domain")
    box, suffix = domain.bounding_box(), page.locator(".input-suffix").bounding_box()
    assert abs(box["y"] - suffix["y"]) < box["height"] and suffix["x"] > box["x"]  # next to the input
    page.get_by_label("Company name").fill("Adatum Corp")
    domain.fill("contoso.com")
    page.get_by_label("Country/region").select_option("KR")
    page.get_by_role("button", name="Create customer").click()
    assert "Enter only the name that comes before .onmicrosoft.com" in page.content()
    assert not Tenant.objects.filter(default_domain__startswith="contoso").exists()
    page.get_by_label("Domain").fill("  Adatum.OnMicrosoft.com ")
    page.get_by_role("button", name="Create customer").click()
    page.get_by_test_id("admin-password").wait_for()
    account = CustomerAccount.objects.get(tenant__default_domain="adatum.onmicrosoft.com")
    assert account.country == "KR"
