"""The two-sided journey in Chromium (R10): the provider requests a reseller relationship and sends it
(nothing exists before Send; revoking asks first; the link can be copied again); the reseller's global admin opens the link from the recorded email, signs in, accepts; both lists show
each other."""

import re

import pytest
from django.core import mail

from invitations import links
from invitations.models import PartnerInvitation
from partnercenter.models import SentEmail
from tenants.models import Partnership, Program
from tests.factories import make_partner

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _token(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[1]


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
    page.get_by_role("link", name="Request a reseller relationship").click()
    link = page.get_by_test_id("invitation-link").input_value()
    assert link.startswith(live_server.url + "/invitations/partner/")
    # A draft is stored nowhere: its link does not work yet.
    assert PartnerInvitation.objects.count() == 0
    assert links.lookup(PartnerInvitation, _token(link)) == (None, links.UNKNOWN)
    body = page.get_by_label("Message")
    assert link in body.input_value()
    # client-side check: removing the link blocks sending
    original = body.input_value()
    body.fill("Please join us.")
    page.get_by_role("button", name="Send", exact=True).click()
    assert page.locator("#link-missing").is_visible()
    assert SentEmail.objects.count() == 0
    body.fill("Hello from Fabrikam!\n\nAccept here: " + link + "\n")
    href = page.locator("#open-in-email").get_attribute("href")
    assert href.startswith("mailto:") and "Accept%20here" in href
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Copy to clipboard").click()
    page.get_by_text("Copied to the clipboard.").wait_for()
    assert link in page.evaluate("navigator.clipboard.readText()")
    # Send without an address: the field says what is missing, nothing is stored.
    page.get_by_role("button", name="Send", exact=True).click()
    page.get_by_text("Enter the reseller's email address to send the invitation.").wait_for()
    assert PartnerInvitation.objects.count() == 0
    page.get_by_label("Reseller email address").fill(reseller_admin.email)
    page.get_by_role("button", name="Send", exact=True).click()
    page.get_by_text("The invitation was sent to").wait_for()
    assert page.get_by_test_id("sent-to").inner_text().startswith(reseller_admin.email)
    assert original  # the default draft had text
    invitation = PartnerInvitation.objects.get()
    assert links.lookup(PartnerInvitation, _token(link)) == (invitation, links.PENDING)
    # Revoke asks first; Cancel keeps the invitation. Resend emails it again; Copy link again shows a link.
    page.get_by_role("link", name="Revoke invitation").click()
    page.get_by_test_id("revoke-confirm").wait_for()
    page.get_by_role("link", name="Cancel").click()
    assert PartnerInvitation.objects.get().status == "pending"
    page.get_by_role("button", name="Copy link again").click()
    again = page.get_by_test_id("invitation-link").input_value()
    assert again != link and links.lookup(PartnerInvitation, _token(again))[1] == links.PENDING
    page.get_by_role("link", name="Back to the invitation").click()
    page.get_by_test_id("invitation-history").wait_for()
    assert "Link copied again" in page.get_by_test_id("invitation-history").inner_text()

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
