"""The two-sided journey in Chromium (R10): the provider requests a reseller relationship and sends it;
the reseller's global admin opens the link from the recorded email, signs in, accepts; both lists show
each other."""

import re

import pytest
from django.core import mail

from partnercenter.models import SentEmail
from tenants.models import Partnership, Program
from tests.factories import make_partner

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_provider_invites_and_reseller_accepts(page, sign_in, live_server):
    provider, provider_admin = make_partner(Program.INDIRECT_PROVIDER)
    provider.legal_name = "Fabrikam Test Distribution"
    provider.save()
    reseller, reseller_admin = make_partner(Program.DIRECT_BILL, Program.INDIRECT_RESELLER)
    reseller.legal_name = "Contoso Test Reseller"
    reseller.save()

    # Provider: Indirect resellers → Request a reseller relationship → draft email → Send
    sign_in(provider_admin.email)
    page.locator('[data-nav="invitations:indirect_resellers"]').click()
    page.get_by_role("button", name="Request a reseller relationship").click()
    link = page.get_by_test_id("invitation-link").input_value()
    assert link.startswith(live_server.url + "/invitations/partner/")
    body = page.get_by_label("Message")
    assert link in body.input_value()
    # client-side check: removing the link blocks sending
    original = body.input_value()
    body.fill("Please join us.")
    page.get_by_role("button", name="Send").click()
    assert page.locator("#link-missing").is_visible()
    assert SentEmail.objects.count() == 0
    body.fill("Hello from Fabrikam!\n\nAccept here: " + link + "\n")
    href = page.locator("#open-in-email").get_attribute("href")
    assert href.startswith("mailto:") and "Accept%20here" in href
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Copy to clipboard").click()
    page.get_by_text("Copied to the clipboard.").wait_for()
    assert link in page.evaluate("navigator.clipboard.readText()")
    page.get_by_label("Reseller email address").fill(reseller_admin.email)
    page.get_by_role("button", name="Send").click()
    page.get_by_text("The invitation was sent to").wait_for()
    assert page.get_by_test_id("sent-to").inner_text().startswith(reseller_admin.email)
    assert original  # the default draft had text

    # The stored email holds no link (a placeholder); the delivered one carries a fresh, working link.
    email = SentEmail.objects.get(kind="partner_invitation")
    assert email.to == reseller_admin.email and "[personalized invitation link]" in email.body
    assert re.search(r"/invitations/partner/", email.body) is None
    delivered = [m for m in mail.outbox if m.to == [reseller_admin.email]]
    emailed_link = re.search(r"https?://\S+/invitations/partner/\S+/", delivered[-1].body).group(0)
    assert emailed_link != link
    page.get_by_role("button", name="Sign out").click()

    # Reseller: opens the link from the email signed out → sign in → back on the invitation → Accept
    page.goto(emailed_link)
    page.get_by_label("Email").fill(reseller_admin.email)
    from tests.factories import PASSWORD

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_test_id("inviting-provider").wait_for()
    assert page.get_by_test_id("inviting-provider").inner_text() == "Fabrikam Test Distribution"
    assert Partnership.objects.count() == 0  # opening the link changed nothing
    page.get_by_role("button", name="Accept").click()
    page.get_by_text("You accepted the invitation").wait_for()
    providers = page.get_by_test_id("provider-list")
    assert "Fabrikam Test Distribution" in providers.inner_text()
    assert providers.get_by_role("link", name="Invite new customers").get_attribute("href") == (
        f"/customers/invite/?provider={provider.tenant_id}"
    )
    assert providers.get_by_role("link", name="View customers").count() == 1
    # The link is single use: opened again it answers the one "already used" page of every invitation link.
    response = page.goto(emailed_link)
    assert response.status == 409
    assert page.get_by_test_id("link-problem").get_attribute("data-state") == "used"
    assert "This invitation has already been used" in page.get_by_test_id("link-problem").inner_text()
    page.get_by_role("button", name="Sign out").click()

    # Provider: the reseller is in Indirect resellers, the invitation is accepted
    sign_in(provider_admin.email)
    page.goto("/indirect-resellers/")
    assert "Contoso Test Reseller" in page.get_by_test_id("reseller-list").inner_text()
    assert "Accepted" in page.get_by_test_id("invitation-list").inner_text()
    assert Partnership.objects.filter(provider=provider, reseller=reseller, status="active").count() == 1
