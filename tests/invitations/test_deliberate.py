"""Partnership invitations are deliberate: nothing is pending until the provider selects Send or Done, a
revoke asks first, and a pending invitation offers "Copy link again" and "Resend"."""

import datetime as dt
import re

import pytest
from django.test import Client

from invitations import links, services
from invitations.models import InvitationLink, PartnerInvitation, invitation_url
from partnercenter import clock
from partnercenter.models import Event, ScheduledJob, SentEmail
from tenants.models import Program, Role
from tests.factories import UserFactory, make_partner

pytestmark = pytest.mark.django_db

REQUEST = "/indirect-resellers/request/"
LINK = re.compile(r'id="invitation-link" value="([^"]+)"')


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _token(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[1]


def _nothing_stored():
    return (
        PartnerInvitation.objects.count(),
        InvitationLink.objects.count(),
        ScheduledJob.objects.count(),
        Event.objects.filter(kind__startswith="partner_invitation").count(),
        SentEmail.objects.count(),
    ) == (0, 0, 0, 0, 0)


def _draft(client):
    page = client.get(REQUEST)
    assert page.status_code == 200
    form = page.context["form"]
    url = LINK.search(page.content.decode()).group(1)
    return form.initial, url


def test_an_abandoned_draft_leaves_nothing_and_its_link_does_not_work(provider):
    client = _client(provider[1])
    initial, url = _draft(client)
    # the old button posted without a draft: also only a draft
    assert client.post(REQUEST).status_code == 200
    assert url.startswith("https://portal.test/invitations/partner/")
    assert _nothing_stored()
    # the draft's link is unknown until the provider sends it
    assert links.lookup(PartnerInvitation, _token(url)) == (None, links.UNKNOWN)
    assert client.get(f"/invitations/partner/{_token(url)}/").status_code == 404
    # no list shows it and nothing counts it
    listing = client.get("/indirect-resellers/invitations/").content.decode()
    assert 'data-invitation="' not in listing
    assert services.invitation_by_token(_token(url)) is None


def test_send_stores_the_invitation_and_the_drafts_link_starts_working(
    provider, django_capture_on_commit_callbacks
):
    client = _client(provider[1])
    initial, url = _draft(client)
    data = {**initial, "to": "admin@reseller.example", "action": "send"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(REQUEST, data)
    assert response.status_code == 302
    invitation = PartnerInvitation.objects.get()
    assert response["Location"] == f"/indirect-resellers/invitations/{invitation.pk}/"
    assert invitation.status == "pending" and invitation.email == "admin@reseller.example"
    assert invitation.sent_at is not None and invitation.created_by == provider[1]
    found, state = links.lookup(PartnerInvitation, _token(url))
    assert (found, state) == (invitation, links.PENDING)
    assert SentEmail.objects.filter(kind="partner_invitation", to="admin@reseller.example").count() == 1
    assert ScheduledJob.objects.filter(kind=links.EXPIRE_JOB).count() == 1
    kinds = set(Event.objects.values_list("kind", flat=True))
    assert {"partner_invitation.created", "partner_invitation.sent"} <= kinds
    # a double click (the same draft posted again) creates and sends nothing more
    again = client.post(REQUEST, data)
    assert again.status_code == 302 and again["Location"] == response["Location"]
    assert PartnerInvitation.objects.count() == 1
    assert SentEmail.objects.filter(kind="partner_invitation").count() == 1


def test_done_without_an_address_makes_the_link_work_without_emailing(provider):
    client = _client(provider[1])
    initial, url = _draft(client)
    response = client.post(REQUEST, {**initial, "to": "", "action": "done"})
    assert response.status_code == 302
    invitation = PartnerInvitation.objects.get()
    assert invitation.status == "pending" and invitation.email == "" and invitation.sent_at is not None
    assert links.lookup(PartnerInvitation, _token(url))[1] == links.PENDING
    assert not SentEmail.objects.exists()
    listing = client.get("/indirect-resellers/invitations/").content.decode()
    assert "Link shared by your organization" in listing


def test_send_needs_an_address_and_the_link_in_the_text(provider):
    client = _client(provider[1])
    initial, url = _draft(client)
    no_address = client.post(REQUEST, {**initial, "to": "", "action": "send"})
    assert no_address.status_code == 400
    assert no_address.context["form"].errors["to"]
    no_link = client.post(
        REQUEST, {**initial, "body": "Join us", "to": "a@reseller.example", "action": "send"}
    )
    assert no_link.status_code == 400
    assert "must stay in the message" in no_link.context["form"].errors["body"][0]
    # the page keeps the same draft (the same link) for the next try
    assert LINK.search(no_link.content.decode()).group(1) == url
    own = client.post(REQUEST, {**initial, "to": provider[1].email, "action": "send"})
    assert own.status_code == 400 and own.context["form"].errors["to"]
    assert _nothing_stored()


def test_a_tampered_foreign_or_stale_draft_is_refused_and_changes_nothing(provider):
    initial, _url = _draft(_client(provider[1]))
    # tampered
    client = _client(provider[1])
    tampered = client.post(REQUEST, {**initial, "draft": initial["draft"][:-3] + "abc", "action": "done"})
    assert tampered.status_code == 302 and tampered["Location"] == REQUEST
    # another admin of the same provider, and another provider's admin
    colleague = UserFactory(tenant=provider[0].tenant, role=Role.GLOBAL_ADMIN)
    assert _client(colleague).post(REQUEST, {**initial, "action": "done"}).status_code == 302
    other = make_partner(Program.INDIRECT_PROVIDER)[1]
    assert _client(other).post(REQUEST, {**initial, "action": "done"}).status_code == 302
    # too old
    with clock.frozen_at(clock.now() + links.DRAFT_MAX_AGE + dt.timedelta(minutes=1)):
        with pytest.raises(links.DomainError) as stale:
            services.invitation_finish(
                provider=provider[0],
                user=provider[1],
                draft=initial["draft"],
                to="",
                subject=initial["subject"],
                body=initial["body"],
            )
    assert stale.value.reason == links.REASON_DRAFT_STALE
    assert _nothing_stored()


def test_only_inviter_roles_draft(provider):
    sales = UserFactory(tenant=provider[0].tenant, role=Role.SALES_AGENT)
    assert _client(sales).get(REQUEST).status_code == 403
    reseller = make_partner(Program.DIRECT_BILL, Program.INDIRECT_RESELLER)[1]
    assert _client(reseller).get(REQUEST).status_code == 403


# --- revoke asks first --------------------------------------------------------------------------------


def test_revoke_asks_for_confirmation_without_javascript(provider, new_invitation):
    invitation, token = new_invitation()
    client = _client(provider[1])
    listing = client.get("/indirect-resellers/invitations/").content.decode()
    revoke = f"/indirect-resellers/invitations/{invitation.pk}/revoke/"
    # the list links to the confirmation page; no one-click revoke form
    assert f'href="{revoke}"' in listing
    assert f'action="{revoke}"' not in listing
    confirm = client.get(revoke)
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert 'data-testid="revoke-confirm"' in page and 'method="post"' in page
    assert PartnerInvitation.objects.get(pk=invitation.pk).status == "pending"
    assert client.post(revoke).status_code == 302
    assert PartnerInvitation.objects.get(pk=invitation.pk).status == "revoked"
    assert "can no longer be revoked" in client.get(revoke).content.decode()


def test_revoke_confirmation_is_scoped_and_role_checked(provider, new_invitation):
    invitation, _ = new_invitation()
    revoke = f"/indirect-resellers/invitations/{invitation.pk}/revoke/"
    other = make_partner(Program.INDIRECT_PROVIDER)[1]
    assert _client(other).get(revoke).status_code == 404
    sales = UserFactory(tenant=provider[0].tenant, role=Role.SALES_AGENT)
    assert _client(sales).get(revoke).status_code == 403
    assert _client(sales).post(revoke).status_code == 403
    assert PartnerInvitation.objects.get(pk=invitation.pk).status == "pending"


# --- copy link again, resend ------------------------------------------------------------------------


def _sent(provider, django_capture_on_commit_callbacks, to="admin@reseller.example"):
    client = _client(provider[1])
    initial, url = _draft(client)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(REQUEST, {**initial, "to": to, "action": "send"})
    return client, PartnerInvitation.objects.get(), url


def test_copy_link_again_issues_another_working_link_and_keeps_the_old(
    provider, django_capture_on_commit_callbacks
):
    client, invitation, first = _sent(provider, django_capture_on_commit_callbacks)
    detail = client.get(f"/indirect-resellers/invitations/{invitation.pk}/").content.decode()
    assert "Copy link again" in detail and "Resend" in detail
    page = client.post(f"/indirect-resellers/invitations/{invitation.pk}/link/")
    assert page.status_code == 200
    again = LINK.search(page.content.decode()).group(1)
    assert again != first and again.startswith("https://portal.test/invitations/partner/")
    for url in (first, again):
        assert links.lookup(PartnerInvitation, _token(url)) == (invitation, links.PENDING)
    assert _token(again) not in str(dict(client.session.items()))
    assert (
        Event.objects.filter(kind="partner_invitation.link_issued", object_id=str(invitation.pk)).count() == 1
    )
    # once the invitation ends, every link ends and no new one is issued
    services.invitation_revoke(provider=provider[0], invitation_id=invitation.pk, user=provider[1])
    refused = client.post(f"/indirect-resellers/invitations/{invitation.pk}/link/")
    assert refused.status_code == 302
    assert links.lookup(PartnerInvitation, _token(again))[1] == links.REVOKED
    assert InvitationLink.objects.count() == 2  # the delivered email's link and the one copied


def test_resend_emails_again_through_the_outbox(provider, django_capture_on_commit_callbacks):
    client, invitation, _url = _sent(provider, django_capture_on_commit_callbacks)
    resend = f"/indirect-resellers/invitations/{invitation.pk}/resend/"
    # just sent: a second email right away is refused (a double click sends once)
    client.post(resend)
    assert SentEmail.objects.filter(kind="partner_invitation").count() == 1
    with clock.frozen_at(clock.now() + dt.timedelta(minutes=2)):
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(resend).status_code == 302
    emails = list(SentEmail.objects.filter(kind="partner_invitation").order_by("pk"))
    assert len(emails) == 2
    assert emails[1].to == "admin@reseller.example" and emails[1].body == emails[0].body
    assert links.LINK_PLACEHOLDER in emails[1].body
    assert Event.objects.filter(kind="partner_invitation.resent", object_id=str(invitation.pk)).count() == 1


def test_resend_refuses_a_link_only_invitation_and_other_tenants(provider, new_invitation):
    invitation, _ = new_invitation()
    with pytest.raises(links.DomainError) as exc:
        services.invitation_resend(provider=provider[0], invitation_id=invitation.pk, user=provider[1])
    assert exc.value.reason == services.REASON_NOT_EMAILED
    other, other_admin = make_partner(Program.INDIRECT_PROVIDER)
    client = _client(other_admin)
    assert client.post(f"/indirect-resellers/invitations/{invitation.pk}/resend/").status_code == 404
    assert client.post(f"/indirect-resellers/invitations/{invitation.pk}/link/").status_code == 404
    sales = UserFactory(tenant=provider[0].tenant, role=Role.SALES_AGENT)
    assert _client(sales).post(f"/indirect-resellers/invitations/{invitation.pk}/link/").status_code == 403
    assert not InvitationLink.objects.exists() and not SentEmail.objects.exists()


def test_the_api_creates_only_sent_invitations(provider, api_client_for):
    response = api_client_for(provider[1]).post(
        "/v1/partnerinvitations", {"email": "admin@reseller.example"}, format="json"
    )
    assert response.status_code == 201
    invitation = PartnerInvitation.objects.get()
    assert invitation.email == "admin@reseller.example" and invitation.sent_at is not None
    assert links.lookup(PartnerInvitation, _token(response.json()["url"]))[1] == links.PENDING
    assert invitation_url(_token(response.json()["url"])) == response.json()["url"]
