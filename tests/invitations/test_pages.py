"""Pages: Find a provider (R9), Indirect providers (R8, R10), Indirect resellers, the draft email."""

import re
from urllib.parse import unquote

import pytest
from django.test import Client

from invitations import links, services
from invitations.models import PartnerInvitation, invitation_url
from partnercenter.models import SentEmail
from tenants.models import Partnership, Program, Region, Role
from tests.factories import UserFactory, make_partner

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _providers(n, **kwargs):
    made = []
    for i in range(n):
        profile, _ = make_partner(Program.INDIRECT_PROVIDER)
        for k, v in kwargs.items():
            setattr(profile, k, v)
        profile.legal_name = f"Provider {i:03d} Distribution"
        profile.save()
        made.append(profile)
    return made


# --- Find a provider ------------------------------------------------------------------------------


def test_directory_lists_providers_with_region_location_and_services(direct_bill_partner):
    p = _providers(1)[0]
    p.region, p.city, p.country = Region.EUROPE, "Berlin", "Germany"
    p.offers_training, p.offers_marketing, p.offers_financing = True, False, True
    p.save()
    make_partner(Program.DIRECT_BILL)  # not a provider: not listed
    page = _client(direct_bill_partner[1]).get("/find-a-provider/").content.decode()
    assert p.legal_name in page
    assert "Europe" in page and "Berlin, Germany" in page
    assert "Technical training and assistance" in page and "Financing and credit terms" in page
    row = re.search(rf'data-provider="{p.mpn_id}".*?</tr>', page, re.S).group(0)
    assert 'data-service="marketing"' not in row
    assert page.count('data-provider="') == 1


def test_directory_search_and_filters(reseller):
    a, b, c = _providers(3)
    a.legal_name, a.region, a.offers_marketing = "Alpine Cloud", Region.EUROPE, True
    b.legal_name, b.region, b.offers_financing = "Bay Distribution", Region.NORTH_AMERICA, True
    c.legal_name, c.region, c.offers_training = "Coral Systems", Region.ASIA_PACIFIC, True
    for p in (a, b, c):
        p.save()
    client = _client(reseller[1])

    def listed(query):
        html = client.get("/find-a-provider/" + query).content.decode()
        return {n for n in ("Alpine Cloud", "Bay Distribution", "Coral Systems") if n in html}

    assert listed("") == {"Alpine Cloud", "Bay Distribution", "Coral Systems"}
    assert listed("?q=bay") == {"Bay Distribution"}
    assert listed("?region=europe") == {"Alpine Cloud"}
    assert listed("?service=financing") == {"Bay Distribution"}
    assert listed("?service=training&region=asia_pacific") == {"Coral Systems"}
    assert listed("?service=training&region=europe") == set()
    # bad input never crashes the page
    assert client.get("/find-a-provider/?region=mars&service=x&page=abc").status_code == 200


def test_directory_is_paginated(reseller):
    _providers(23)
    client = _client(reseller[1])
    first = client.get("/find-a-provider/").content.decode()
    assert "Page 1 of 3" in first and first.count('data-provider="') == 10
    third = client.get("/find-a-provider/?page=3").content.decode()
    assert third.count('data-provider="') == 3
    filtered = client.get("/find-a-provider/?q=Provider&page=2").content.decode()
    assert 'href="?q=Provider&page=3"' in filtered or 'href="?q=Provider&amp;page=3"' in filtered


@pytest.mark.parametrize("count", [3, 30])
def test_directory_query_count_does_not_grow(count, reseller, django_assert_max_num_queries):
    _providers(count, offers_training=True)
    client = _client(reseller[1])
    with django_assert_max_num_queries(10):
        response = client.get("/find-a-provider/?service=training")
    assert response.status_code == 200
    assert response.content.decode().count('data-provider="') == min(count, 10)


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_directory_same_query_count_at_3_and_30(reseller):
    client = _client(reseller[1])
    _providers(3)
    few = _queries(client, "/find-a-provider/")
    _providers(27)
    assert _queries(client, "/find-a-provider/") == few


def test_partner_lists_same_query_count_as_they_grow(provider, make_reseller, new_invitation):
    client = _client(provider[1])

    def grow(n):
        for _ in range(n):
            _, token = new_invitation()
            services.invitation_accept(token=token, user=make_reseller()[1])
            new_invitation()

    grow(2)
    counts = [_queries(client, u) for u in ("/indirect-resellers/", "/indirect-resellers/invitations/")]
    grow(12)
    assert [
        _queries(client, u) for u in ("/indirect-resellers/", "/indirect-resellers/invitations/")
    ] == counts


# --- Indirect providers (reseller) ----------------------------------------------------------------


def test_indirect_providers_only_for_an_active_reseller(direct_bill_partner, provider):
    response = _client(direct_bill_partner[1]).get("/indirect-providers/")
    assert response.status_code == 403
    assert b"Enroll as an indirect reseller" in response.content
    assert b'href="/enrollment/' in response.content
    assert _client(provider[1]).get("/indirect-providers/").status_code == 403


def test_indirect_providers_before_any_partnership_says_so(reseller):
    page = _client(reseller[1]).get("/indirect-providers/").content.decode()
    assert "No indirect providers are linked to your account yet" in page
    assert 'href="/find-a-provider/"' in page


def test_indirect_providers_lists_providers_with_actions(reseller, provider, new_invitation):
    _, token = new_invitation()
    services.invitation_accept(token=token, user=reseller[1])
    page = _client(reseller[1]).get("/indirect-providers/").content.decode()
    assert provider[0].legal_name in page
    assert f'href="/customers/invite/?provider={provider[0].tenant_id}"' in page
    assert f'href="/customers/?provider={provider[0].pk}"' in page
    assert "Invite new customers" in page and "View customers" in page


def test_reseller_answers_invitations_sent_to_its_addresses(reseller, provider, new_invitation):
    profile, admin = reseller
    invitation, token = new_invitation()
    subject, body = services.email_draft(invitation=invitation, token=token)
    services.invitation_send(
        provider=provider[0],
        invitation_id=invitation.pk,
        user=provider[1],
        token=token,
        to=admin.email,
        subject=subject,
        body=body,
    )
    stranger, _ = new_invitation()  # not sent to this reseller: not listed
    client = _client(admin)
    page = client.get("/indirect-providers/").content.decode()
    assert f'data-invitation="{invitation.pk}"' in page
    assert f'data-invitation="{stranger.pk}"' not in page
    # someone else's invitation cannot be answered through this page
    assert (
        client.post(f"/indirect-providers/invitations/{stranger.pk}/", {"action": "accept"}).status_code
        == 404
    )
    # a sales agent sees it but cannot accept (R1)
    agent = UserFactory(tenant=profile.tenant, role=Role.SALES_AGENT)
    _client(agent).post(f"/indirect-providers/invitations/{invitation.pk}/", {"action": "accept"})
    assert not Partnership.objects.exists()
    response = client.post(f"/indirect-providers/invitations/{invitation.pk}/", {"action": "accept"})
    assert response.status_code == 302
    assert Partnership.objects.filter(provider=provider[0], reseller=profile, status="active").count() == 1


def test_overview_card_shows_pending_invitations(reseller, provider, new_invitation):
    invitation, token = new_invitation()
    subject, body = services.email_draft(invitation=invitation, token=token)
    services.invitation_send(
        provider=provider[0],
        invitation_id=invitation.pk,
        user=provider[1],
        token=token,
        to=reseller[0].primary_contact_email,
        subject=subject,
        body=body,
    )
    page = _client(reseller[1]).get("/").content.decode()
    assert "1 partnership invitation is waiting for your answer." in page
    assert provider[0].legal_name in page
    page = _client(provider[1]).get("/").content.decode()
    assert "1 invitation pending." in page


def test_overview_card_tells_a_partner_not_yet_enrolled_to_enroll(
    direct_bill_partner, provider, new_invitation
):
    invitation, token = new_invitation()
    subject, body = services.email_draft(invitation=invitation, token=token)
    services.invitation_send(
        provider=provider[0],
        invitation_id=invitation.pk,
        user=provider[1],
        token=token,
        to=direct_bill_partner[1].email,
        subject=subject,
        body=body,
    )
    page = _client(direct_bill_partner[1]).get("/").content.decode()
    assert "1 partnership invitation is waiting for your answer." in page
    assert "enroll as an indirect reseller first" in page


def test_nav_entries(reseller, provider, direct_bill_partner):
    page = _client(reseller[1]).get("/").content.decode()
    assert 'data-nav="invitations:indirect_providers"' in page
    assert 'data-nav="invitations:find_provider"' in page
    page = _client(direct_bill_partner[1]).get("/").content.decode()
    assert 'data-nav="invitations:indirect_providers"' not in page  # R8
    page = _client(provider[1]).get("/").content.decode()
    assert 'data-nav="invitations:indirect_resellers"' in page


# --- Indirect resellers (provider) ----------------------------------------------------------------


def test_indirect_resellers_only_for_providers(reseller):
    assert _client(reseller[1]).get("/indirect-resellers/").status_code == 403


def test_request_a_reseller_relationship_draft_email(provider):
    client = _client(provider[1])
    response = client.get("/indirect-resellers/request/")
    assert response.status_code == 200
    assert not PartnerInvitation.objects.exists()  # a draft is stored nowhere
    page = response.content.decode()
    link = re.search(r'id="invitation-link" value="([^"]+)"', page).group(1)
    assert link.startswith("https://portal.test/invitations/partner/")
    mailto = re.search(r'id="open-in-email" href="([^"]+)"', page).group(1)
    assert mailto.startswith("mailto:?subject=")
    assert link in unquote(mailto.replace("&amp;", "&"))
    assert "Copy to clipboard" in page and "Send" in page and "Done" in page
    # the Indirect resellers page links to it (no form: opening a draft changes nothing)
    resellers = client.get("/indirect-resellers/").content.decode()
    assert 'href="/indirect-resellers/request/"' in resellers


def test_double_click_on_request_makes_no_invitation_and_send_makes_one(provider):
    client = _client(provider[1])
    first = client.get("/indirect-resellers/request/").context["form"].initial
    second = client.post("/indirect-resellers/request/").context["form"].initial
    assert first["draft"] != second["draft"]
    assert PartnerInvitation.objects.count() == 0
    data = {**first, "to": "r@reseller.example", "action": "send"}
    client.post("/indirect-resellers/request/", data)
    client.post("/indirect-resellers/request/", data)
    assert PartnerInvitation.objects.count() == 1
    # the next request is a new invitation
    client.post("/indirect-resellers/request/", {**second, "to": "r@reseller.example", "action": "send"})
    assert PartnerInvitation.objects.count() == 2


def test_send_from_the_draft_page_validates_and_sends_once(provider, django_capture_on_commit_callbacks):
    client = _client(provider[1])
    location = "/indirect-resellers/request/"
    form = client.get(location).context["form"]
    token = links.draft_open(PartnerInvitation, form.initial["draft"], user=provider[1]).token
    data = {
        "to": "admin@reseller.example",
        "subject": form.initial["subject"],
        "draft": form.initial["draft"],
        "action": "send",
    }
    # the link removed from the body: a form error, nothing sent
    response = client.post(location, {**data, "body": "Please work with us."})
    assert response.status_code == 400
    assert "must stay in the message" in response.content.decode()
    assert not SentEmail.objects.exists() and not PartnerInvitation.objects.exists()
    # a bad address: a form error
    response = client.post(location, {**data, "to": "nope", "body": form.initial["body"]})
    assert response.status_code == 400 and not SentEmail.objects.exists()
    # edited text that keeps the link: sent once
    body = "Hi! Join us as a reseller: " + invitation_url(token)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(location, {**data, "body": body})
    assert response.status_code == 302
    email = SentEmail.objects.get()
    # stored with a placeholder for the link; the sent message carries a fresh link
    assert email.to == "admin@reseller.example"
    assert email.body == "Hi! Join us as a reseller: [personalized invitation link]"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(location, {**data, "body": body})
    assert SentEmail.objects.count() == 1
    invitation = PartnerInvitation.objects.get()
    assert invitation.email == "admin@reseller.example"
    history = client.get(response["Location"]).content.decode().split("invitation-history")[1]
    assert "Invitation created" in history and "Invitation email sent" in history


def _shown_token(page: str) -> str:
    url = page.split('id="invitation-link" value="', 1)[1].split('"', 1)[0]
    return url.rstrip("/").rsplit("/", 1)[1]


def test_the_detail_page_shows_no_link_and_a_new_link_ends_the_old_ones(provider):
    """No live link is kept to be shown again (not even in the session): the detail page shows none;
    "Copy link again" issues one more, and "Create a new link" (never-emailed invitations) ends them all."""
    invitation, created_token = services.invitation_create(provider=provider[0], user=provider[1])
    client = _client(provider[1])
    detail = f"/indirect-resellers/invitations/{invitation.pk}/"
    assert 'id="invitation-link"' not in client.get(detail).content.decode()
    again = _shown_token(client.post(f"{detail}link/").content.decode())
    for token in (created_token, again):
        assert services.invitation_by_token(token) is not None
        assert token not in str(dict(client.session.items()))
    replaced = _shown_token(client.post(f"{detail}new-link/").content.decode())
    assert all(services.invitation_by_token(t) is None for t in (created_token, again))
    assert services.invitation_by_token(replaced) is not None


def test_provider_pages_are_scoped_to_the_provider(provider, new_invitation):
    invitation, _ = new_invitation()
    other = make_partner(Program.INDIRECT_PROVIDER)[1]
    client = _client(other)
    assert client.get(f"/indirect-resellers/invitations/{invitation.pk}/").status_code == 404
    assert client.post(f"/indirect-resellers/invitations/{invitation.pk}/revoke/").status_code == 404
    assert PartnerInvitation.objects.get(pk=invitation.pk).status == "pending"


def test_lists_show_each_other_and_revoke_from_the_list(provider, reseller, new_invitation):
    _, token = new_invitation()
    pending, _ = new_invitation()
    services.invitation_accept(token=token, user=reseller[1])
    client = _client(provider[1])
    page = client.get("/indirect-resellers/").content.decode()
    assert reseller[0].legal_name in page
    assert "Accepted" in page and "Pending" in page
    client.post(f"/indirect-resellers/invitations/{pending.pk}/revoke/")
    assert PartnerInvitation.objects.get(pk=pending.pk).status == "revoked"
    listing = client.get("/indirect-resellers/invitations/?status=revoked").content.decode()
    assert f'data-invitation="{pending.pk}"' in listing
    assert listing.count('data-invitation="') == 1
    assert client.get("/indirect-resellers/invitations/?status=bogus&page=x").status_code == 200


def test_remove_partnership_with_confirmation(provider, reseller, new_invitation):
    _, token = new_invitation()
    partnership = services.invitation_accept(token=token, user=reseller[1])
    client = _client(provider[1])
    page = client.get(f"/indirect-resellers/{partnership.pk}/remove/").content.decode()
    assert "stay associated" in page
    assert Partnership.objects.get(pk=partnership.pk).status == "active"  # GET changes nothing
    agent = UserFactory(tenant=provider[0].tenant, role=Role.ADMIN_AGENT)
    assert _client(agent).post(f"/indirect-resellers/{partnership.pk}/remove/").status_code == 403
    response = client.post(f"/indirect-resellers/{partnership.pk}/remove/")
    assert response.status_code == 302
    assert Partnership.objects.get(pk=partnership.pk).status == "removed"
    assert (
        reseller[0].legal_name
        not in client.get("/indirect-resellers/")
        .content.decode()
        .split("reseller-list")[1]
        .split("</table>")[0]
    )
    assert (
        provider[0].legal_name
        not in _client(reseller[1]).get("/indirect-providers/").content.decode().split("providers-title")[1]
    )
    other = make_partner(Program.INDIRECT_PROVIDER)[1]
    assert _client(other).get(f"/indirect-resellers/{partnership.pk}/remove/").status_code == 404
