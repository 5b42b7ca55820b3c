"""Invitation links: the token abuse cases, each a test (R1, R10)."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from invitations.links import expire_due
from invitations.models import PartnerInvitation
from invitations.services import invitation_accept
from partnercenter import clock
from partnercenter.errors import DomainError
from partnercenter.tokens import token_hash
from tenants.models import Partnership, Program, Role
from tests.factories import UserFactory, make_partner

pytestmark = pytest.mark.django_db


def _client(user, **kwargs):
    client = Client(**kwargs)
    client.force_login(user)
    return client


def _main(response) -> str:
    """The page's main content (the footer's per-request CSRF token differs between any two pages)."""
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def _partnerships():
    return Partnership.objects.filter(status="active").count()


def test_token_is_256_bit_urlsafe_and_only_its_hash_is_stored(new_invitation):
    invitation, token = new_invitation()
    assert len(token) >= 43  # token_urlsafe(32): 256 bits
    assert invitation.token_hash == token_hash(token)
    stored = PartnerInvitation.objects.filter(pk=invitation.pk).values()[0]
    assert token not in {str(v) for v in stored.values()}


def test_get_opened_three_times_changes_nothing_then_accept_still_works(new_invitation, reseller, link_path):
    invitation, token = new_invitation()
    profile, user = reseller
    client = _client(user)
    for _ in range(3):
        response = client.get(link_path(token))
        assert response.status_code == 200
        assert invitation.provider.legal_name in response.content.decode()
        assert "What accepting means" in response.content.decode()
    fresh = PartnerInvitation.objects.get(pk=invitation.pk)
    assert fresh.status == "pending" and fresh.finished_at is None
    assert _partnerships() == 0
    response = client.post(link_path(token), {"action": "accept"})
    assert response.status_code == 302
    assert (
        Partnership.objects.filter(provider=invitation.provider, reseller=profile, status="active").count()
        == 1
    )


def test_tampered_token_looks_like_unknown(new_invitation, reseller, link_path):
    invitation, token = new_invitation()
    client = _client(reseller[1])
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    unknown = "x" * 43
    r1, r2 = client.get(link_path(tampered)), client.get(link_path(unknown))
    assert r1.status_code == r2.status_code == 404
    assert _main(r1) == _main(r2)
    assert b"not valid" in r1.content
    r3 = client.post(link_path(tampered), {"action": "accept"})
    assert r3.status_code == 404
    assert PartnerInvitation.objects.get(pk=invitation.pk).status == "pending"
    assert _partnerships() == 0


def test_expired_token_shows_expired_page_and_cannot_be_accepted(new_invitation, reseller, link_path):
    invitation, token = new_invitation()
    client = _client(reseller[1])
    later = invitation.expires_at + dt.timedelta(seconds=1)
    with clock.frozen_at(later):
        response = client.get(link_path(token))
        assert response.status_code == 410
        assert b"has expired" in response.content
        response = client.post(link_path(token), {"action": "accept"})
        assert response.status_code == 410
        with pytest.raises(DomainError) as exc:
            invitation_accept(token=token, user=reseller[1])
        assert (exc.value.status, exc.value.code, exc.value.reason) == (410, 4100, "invitation.expired")
        assert _partnerships() == 0
        # the periodic sweep marks it expired, once
        assert expire_due() == 1
        assert expire_due() == 0
    assert PartnerInvitation.objects.get(pk=invitation.pk).status == "expired"


def test_reused_token_is_refused(new_invitation, reseller, make_reseller, link_path):
    invitation, token = new_invitation()
    client = _client(reseller[1])
    assert client.post(link_path(token), {"action": "accept"}).status_code == 302
    again = client.post(link_path(token), {"action": "accept"})
    assert again.status_code == 409
    assert b"already been used" in again.content and b'data-state="used"' in again.content
    # another reseller cannot reuse it either
    other = _client(make_reseller()[1])
    assert other.post(link_path(token), {"action": "accept"}).status_code == 409
    assert _partnerships() == 1


def test_revoked_token_is_refused(new_invitation, provider, reseller, link_path):
    from invitations.services import invitation_revoke

    invitation, token = new_invitation()
    invitation_revoke(provider=provider[0], invitation_id=invitation.pk, user=provider[1])
    client = _client(reseller[1])
    response = client.get(link_path(token))
    assert response.status_code == 410 and b"revoked" in response.content
    response = client.post(link_path(token), {"action": "accept"})
    assert response.status_code == 410
    assert _partnerships() == 0
    assert PartnerInvitation.objects.get(pk=invitation.pk).status == "revoked"


def test_accepted_by_another_tenant_only_an_enrolled_reseller_other_than_the_provider(
    new_invitation, provider, customer_admin, direct_bill_partner, link_path
):
    """The rule (as in Partner Center): the link may be accepted by the global admin of any active indirect
    reseller; never by the provider itself, a customer tenant, or a partner that is not an enrolled reseller
    (which is told to enroll first, with a link)."""
    invitation, token = new_invitation()
    # the provider itself
    response = _client(provider[1]).post(link_path(token), {"action": "accept"})
    assert response.status_code == 403  # refused, as the API answers (SPEC §10)
    assert b"your own organization" in response.content
    # another provider (a partner, but not an indirect reseller)
    other_provider = make_partner(Program.INDIRECT_PROVIDER)[1]
    response = _client(other_provider).post(link_path(token), {"action": "accept"})
    assert b"enroll as an indirect reseller first" in response.content
    # a customer tenant
    response = _client(customer_admin).post(link_path(token), {"action": "accept"})
    assert b"not a partner tenant" in response.content
    # a direct-bill partner not yet enrolled: told to enroll, with a link to the enrollment page
    response = _client(direct_bill_partner[1]).get(link_path(token))
    body = response.content.decode()
    assert "enroll as an indirect reseller first" in body
    assert 'href="/enrollment/' in body
    assert 'value="accept"' not in body
    response = _client(direct_bill_partner[1]).post(link_path(token), {"action": "accept"})
    assert _partnerships() == 0
    assert PartnerInvitation.objects.get(pk=invitation.pk).status == "pending"


def test_accepted_by_a_non_global_admin_is_refused_with_reason(new_invitation, reseller, link_path):
    invitation, token = new_invitation()
    profile, _admin = reseller
    for role in (Role.ADMIN_AGENT, Role.SALES_AGENT, Role.BILLING_ADMIN):
        agent = UserFactory(tenant=profile.tenant, role=role)
        client = _client(agent)
        page = client.get(link_path(token)).content.decode()
        assert "Only the global admin" in page
        assert 'value="accept"' not in page
        response = client.post(link_path(token), {"action": "accept"})
        assert "Only the global admin" in response.content.decode()
        with pytest.raises(DomainError) as exc:
            invitation_accept(token=token, user=agent)
        assert exc.value.rule == "R1" and exc.value.status == 403
    assert _partnerships() == 0
    assert PartnerInvitation.objects.get(pk=invitation.pk).status == "pending"


def test_post_without_csrf_is_403_and_changes_nothing(new_invitation, reseller, link_path):
    invitation, token = new_invitation()
    client = _client(reseller[1], enforce_csrf_checks=True)
    response = client.post(link_path(token), {"action": "accept"})
    assert response.status_code == 403
    assert _partnerships() == 0
    assert PartnerInvitation.objects.get(pk=invitation.pk).status == "pending"
    # with the token from the page's form, the same POST works
    page = client.get(link_path(token))
    csrf = page.context["csrf_token"]
    response = client.post(link_path(token), {"action": "accept", "csrfmiddlewaretoken": str(csrf)})
    assert response.status_code == 302
    assert _partnerships() == 1


def test_a_dead_link_says_why_before_sign_in(new_invitation, provider, link_path):
    """Signed out, a link that cannot be used answers its problem page at once (as a customer link does);
    only a pending link asks to sign in."""
    from invitations.services import invitation_revoke

    invitation, token = new_invitation()
    invitation_revoke(provider=provider[0], invitation_id=invitation.pk, user=provider[1])
    response = Client().get(link_path(token))
    assert response.status_code == 410 and b'data-state="revoked"' in response.content
    assert Client().get(link_path("x" * 43)).status_code == 404


def test_signed_out_visitor_signs_in_and_comes_back(new_invitation, reseller, link_path):
    from tests.factories import PASSWORD

    invitation, token = new_invitation()
    client = Client()
    response = client.get(link_path(token))
    assert response.status_code == 302
    assert response["Location"].startswith("/signin/?next=")
    assert token in response["Location"]
    response = client.post(
        "/signin/?next=" + link_path(token),
        {"username": reseller[1].email, "password": PASSWORD, "next": link_path(token)},
    )
    assert response.status_code == 302
    assert response["Location"] == link_path(token)
    assert client.get(response["Location"]).status_code == 200


def test_links_come_from_portal_base_url_not_the_host(provider, settings):
    from invitations.services import email_draft, invitation_create

    settings.PORTAL_BASE_URL = "https://portal.example.com"
    client = _client(provider[1])
    response = client.post("/indirect-resellers/request/", HTTP_HOST="evil.example")
    assert response.status_code in (302, 400)
    invitation, token = invitation_create(provider=provider[0], user=provider[1])
    subject, body = email_draft(invitation=invitation, token=token)
    assert f"https://portal.example.com/invitations/partner/{token}/" in body
    settings.ALLOWED_HOSTS = ["*"]
    page = client.get("/indirect-resellers/request/", HTTP_HOST="evil.example").content.decode()
    assert "https://portal.example.com/invitations/partner/" in page
    assert "evil.example/invitations" not in page


def test_link_pages_do_not_leak_the_token(new_invitation, reseller, link_path):
    invitation, token = new_invitation()
    response = _client(reseller[1]).get(link_path(token))
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]


def test_declined_link_cannot_be_accepted(new_invitation, reseller, make_reseller, link_path):
    invitation, token = new_invitation()
    client = _client(reseller[1])
    assert client.post(link_path(token), {"action": "decline"}).status_code == 302
    assert PartnerInvitation.objects.get(pk=invitation.pk).status == "declined"
    response = _client(make_reseller()[1]).post(link_path(token), {"action": "accept"})
    assert response.status_code == 409 and b'data-state="declined"' in response.content
    assert _partnerships() == 0


def test_expiry_is_configurable(provider, settings):
    from invitations.services import invitation_create

    settings.INVITATION_EXPIRY_DAYS = 3
    invitation, _ = invitation_create(provider=provider[0], user=provider[1])
    delta = invitation.expires_at - invitation.created_at
    assert delta == dt.timedelta(days=3)
    settings.INVITATION_EXPIRY_DAYS = 30
    invitation, _ = invitation_create(provider=provider[0], user=provider[1])
    assert invitation.expires_at - invitation.created_at == dt.timedelta(days=30)
    assert invitation.created_at <= timezone.now()
