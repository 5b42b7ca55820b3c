"""Customer invitations are deliberate (R11): nothing is pending until the reseller selects Done, a revoke
asks first, and a pending invitation offers "Copy link again" and "Resend"."""

import datetime as dt
import re

import pytest
from django.test import Client

from customers.models import CustomerInvitation
from customers.services import invitations as invitation_services
from invitations import links
from invitations.models import InvitationLink
from partnercenter import clock
from partnercenter.errors import DomainError
from partnercenter.models import Event, ScheduledJob, SentEmail
from tenants.models import Partnership, Role
from tests.customers.factories import make_partnered
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(
    r'id="invitation-link" value="(https://portal\.test/customers/invitations/([A-Za-z0-9_\-]+)/)"'
)


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _nothing_stored():
    return (
        CustomerInvitation.objects.count(),
        InvitationLink.objects.count(),
        ScheduledJob.objects.count(),
        Event.objects.filter(kind__startswith="customer_invitation").count(),
        SentEmail.objects.filter(kind="customer_invitation").count(),
    ) == (0, 0, 0, 0, 0)


def _draft(client, provider, dap=True):
    data = {"provider": provider.tenant_id}
    if dap:
        data["include_delegated_admin"] = "on"
    page = client.post("/customers/invite/", data)
    assert page.status_code == 200
    url, token = LINK.search(page.content.decode()).groups()
    return page.context["form"].initial, url, token


def test_next_draft_email_stores_nothing_and_its_link_does_not_work_yet():
    reseller, ruser, provider, _ = make_partnered()
    client = _client(ruser)
    initial, url, token = _draft(client, provider)
    assert url in initial["body"] and provider.legal_name in initial["body"]
    assert _nothing_stored()
    assert links.lookup(CustomerInvitation, token) == (None, links.UNKNOWN)
    assert client.get(f"/customers/invitations/{token}/").status_code == 404
    assert "data-invitation=" not in client.get("/customers/invitations/").content.decode()


def test_done_stores_the_invitation_and_the_drafts_link_works(django_capture_on_commit_callbacks):
    reseller, ruser, provider, _ = make_partnered()
    client = _client(ruser)
    initial, url, token = _draft(client, provider, dap=False)
    body = f"Edited.\n{url}\nThanks"
    data = {**initial, "body": body, "email_to": "it@cust.example"}
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post("/customers/invite/done/", data)
    assert done.status_code == 302 and done["Location"] == "/customers/invitations/"
    inv = CustomerInvitation.objects.get()
    assert inv.status == "pending" and inv.provider == provider and inv.reseller == reseller
    assert inv.include_delegated_admin is False and inv.email_to == "it@cust.example"
    assert inv.email_body == "Edited.\n[personalized invitation link]\nThanks" and token not in inv.email_body
    assert links.lookup(CustomerInvitation, token) == (inv, links.PENDING)
    assert SentEmail.objects.filter(kind="customer_invitation", to="it@cust.example").count() == 1
    kinds = set(Event.objects.values_list("kind", flat=True))
    assert {"customer_invitation.created", "customer_invitation.drafted"} <= kinds
    # the same draft again (a double click): nothing more
    again = client.post("/customers/invite/done/", data)
    assert again.status_code == 302
    assert CustomerInvitation.objects.count() == 1
    assert SentEmail.objects.filter(kind="customer_invitation").count() == 1


def test_done_refuses_a_missing_link_a_tampered_draft_or_an_ended_partnership():
    reseller, ruser, provider, _ = make_partnered()
    client = _client(ruser)
    initial, url, token = _draft(client, provider)
    removed = client.post("/customers/invite/done/", {**initial, "body": "Please authorize us."})
    assert removed.status_code == 400 and "must stay" in removed.content.decode()
    assert LINK.search(removed.content.decode()).group(1) == url  # the same draft, to try again
    tampered = client.post("/customers/invite/done/", {**initial, "draft": initial["draft"] + "x"})
    assert tampered.status_code == 302 and tampered["Location"] == "/customers/invite/"
    colleague = UserFactory(tenant=reseller.tenant, role=Role.GLOBAL_ADMIN)
    assert _client(colleague).post("/customers/invite/done/", initial).status_code == 302
    Partnership.objects.filter(provider=provider, reseller=reseller).update(status=Partnership.Status.REMOVED)
    with pytest.raises(DomainError) as exc:
        invitation_services.customer_invitation_send_draft(
            reseller=reseller, user=ruser, draft=initial["draft"], subject="Hi", body=initial["body"]
        )
    assert exc.value.reason == invitation_services.REASON_PROVIDER_NOT_PARTNERED
    assert _nothing_stored()


def test_a_sales_agent_cannot_finish_a_draft():
    reseller, ruser, provider, _ = make_partnered()
    initial, _url, _token = _draft(_client(ruser), provider)
    sales = UserFactory(tenant=reseller.tenant, role=Role.SALES_AGENT)
    assert _client(sales).post("/customers/invite/done/", initial).status_code == 403
    assert _nothing_stored()


def test_the_api_create_is_the_deliberate_step():
    reseller, ruser, provider, _ = make_partnered()
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(ruser)
    response = api.post("/v1/customerinvitations", {"providerId": str(provider.tenant_id)}, format="json")
    assert response.status_code == 201
    token = response.json()["url"].rstrip("/").rsplit("/", 1)[1]
    assert links.lookup(CustomerInvitation, token)[1] == links.PENDING


# --- revoke asks first; copy link again; resend -----------------------------------------------------


def _done(client, provider, email_to="", capture=None):
    initial, url, token = _draft(client, provider)
    if capture is not None:
        with capture(execute=True):
            client.post("/customers/invite/done/", {**initial, "email_to": email_to})
    else:
        client.post("/customers/invite/done/", {**initial, "email_to": email_to})
    return CustomerInvitation.objects.latest("pk"), url, token


def test_revoke_asks_for_confirmation_first():
    reseller, ruser, provider, _ = make_partnered()
    client = _client(ruser)
    inv, _url, token = _done(client, provider)
    revoke = f"/customers/invitations/{inv.pk}/revoke/"
    listing = client.get("/customers/invitations/").content.decode()
    assert f'href="{revoke}"' in listing and f'action="{revoke}"' not in listing
    page = client.get(revoke)
    assert page.status_code == 200 and 'data-testid="revoke-confirm"' in page.content.decode()
    assert CustomerInvitation.objects.get(pk=inv.pk).status == "pending"
    assert client.post(revoke).status_code == 302
    assert CustomerInvitation.objects.get(pk=inv.pk).status == "revoked"
    assert links.lookup(CustomerInvitation, token)[1] == links.REVOKED
    # another reseller's invitation does not exist for this user; a sales agent is refused
    other, other_user, _p, _ = make_partnered()
    assert _client(other_user).get(revoke).status_code == 404
    sales = UserFactory(tenant=reseller.tenant, role=Role.SALES_AGENT)
    assert _client(sales).get(revoke).status_code == 403


def test_copy_link_again_adds_a_working_link_and_keeps_the_old_one():
    reseller, ruser, provider, _ = make_partnered()
    client = _client(ruser)
    inv, first_url, first = _done(client, provider)
    listing = client.get("/customers/invitations/").content.decode()
    assert "Copy link again" in listing and "Resend" not in listing  # not emailed by the portal
    page = client.post(f"/customers/invitations/{inv.pk}/link/")
    assert page.status_code == 200
    _url, again = LINK.search(page.content.decode()).groups()
    assert again != first
    for token in (first, again):
        assert links.lookup(CustomerInvitation, token) == (inv, links.PENDING)
    assert Event.objects.filter(kind="customer_invitation.link_issued", object_id=str(inv.pk)).count() == 1
    other, other_user, _p, _ = make_partnered()
    assert _client(other_user).post(f"/customers/invitations/{inv.pk}/link/").status_code == 404
    sales = UserFactory(tenant=reseller.tenant, role=Role.SALES_AGENT)
    assert _client(sales).post(f"/customers/invitations/{inv.pk}/link/").status_code == 403
    assert InvitationLink.objects.count() == 1


def test_resend_emails_the_same_text_again(django_capture_on_commit_callbacks):
    reseller, ruser, provider, _ = make_partnered()
    client = _client(ruser)
    inv, _url, _token = _done(client, provider, "it@cust.example", django_capture_on_commit_callbacks)
    assert "Resend" in client.get("/customers/invitations/").content.decode()
    resend = f"/customers/invitations/{inv.pk}/resend/"
    client.post(resend)  # right after the first email: refused
    assert SentEmail.objects.filter(kind="customer_invitation").count() == 1
    with clock.frozen_at(clock.now() + dt.timedelta(minutes=2)):
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(resend).status_code == 302
    emails = list(SentEmail.objects.filter(kind="customer_invitation").order_by("pk"))
    assert len(emails) == 2 and emails[1].to == "it@cust.example" and emails[1].body == emails[0].body
    assert Event.objects.filter(kind="customer_invitation.resent", object_id=str(inv.pk)).count() == 1
    other, other_user, _p, _ = make_partnered()
    assert _client(other_user).post(resend).status_code == 404


def test_resend_refuses_an_invitation_not_emailed_and_an_ended_one():
    reseller, ruser, provider, _ = make_partnered()
    client = _client(ruser)
    inv, _url, _token = _done(client, provider)
    with pytest.raises(DomainError) as exc:
        invitation_services.customer_invitation_resend(invitation=inv, user=ruser)
    assert exc.value.reason == invitation_services.REASON_NOT_EMAILED
    invitation_services.customer_invitation_revoke(invitation=inv, user=ruser)
    with pytest.raises(DomainError) as ended:
        invitation_services.customer_invitation_link_again(invitation=inv, user=ruser)
    assert ended.value.reason == links.REASON_NOT_PENDING
    assert not InvitationLink.objects.exists()
