"""Invite new customers (R11), the customer's authorization (R12), moving direct customers (R15), Store for
Business customers (R16), and the token rules shared with partnership invitations."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from customers.models import CustomerInvitation, ResellerRelationship
from customers.services import customer_invitation_accept, customer_invitation_create
from partnercenter import clock, jobs
from partnercenter.errors import DomainError
from partnercenter.models import Event, SentEmail
from tenants.models import Role
from tests.customers.factories import make_customer, make_partnered, make_reseller, relate
from tests.factories import make_direct_bill_partner, make_provider

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https://portal\.test/customers/invitations/([A-Za-z0-9_\-]+)/")


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _invite(reseller, reseller_user, provider, dap=True):
    return customer_invitation_create(
        reseller=reseller, user=reseller_user, provider=provider, include_delegated_admin=dap
    )


def _state():
    return (
        ResellerRelationship.objects.count(),
        ResellerRelationship.objects.filter(status="active").count(),
        list(CustomerInvitation.objects.values_list("status", flat=True).order_by("pk")),
    )


# --- the reseller's side: draft email page (R11) --------------------------------------------------


def test_invite_page_preselects_provider_and_shows_the_draft_email():
    reseller, ruser, provider, _p = make_partnered()
    c = _client(ruser)
    page = c.get(f"/customers/invite/?provider={provider.tenant_id}")
    assert page.status_code == 200
    assert f'<option value="{provider.tenant_id}" selected' in page.content.decode()
    assert CustomerInvitation.objects.count() == 0  # GET creates nothing

    draft = c.post(
        f"/customers/invite/?provider={provider.tenant_id}",
        {"provider": provider.tenant_id, "include_delegated_admin": "on"},
    )
    assert draft.status_code == 200
    html = draft.content.decode()
    token = LINK.search(html).group(1)
    assert "Open in email" in html and "Copy to clipboard" in html and "Done" in html
    assert 'href="mailto:?subject=' in html
    assert reseller.legal_name in html and provider.legal_name in html
    assert CustomerInvitation.objects.count() == 0  # nothing is stored before Done
    assert c.post("/customers/invite/done/", draft.context["form"].initial).status_code == 302
    inv = CustomerInvitation.objects.get()
    # Only the hash is stored, and the stored draft never contains the clear link.
    assert inv.token_hash != token and len(inv.token_hash) == 64
    assert token not in inv.email_body and "[personalized invitation link]" in inv.email_body
    assert inv.include_delegated_admin and inv.expires_at > clock.now() + dt.timedelta(days=29)
    assert Event.objects.filter(kind="customer_invitation.created").count() == 1


def test_done_requires_the_link_to_stay_and_can_email_the_customer():
    reseller, ruser, provider, _p = make_partnered()
    c = _client(ruser)
    page = c.post("/customers/invite/", {"provider": provider.tenant_id, "include_delegated_admin": "on"})
    token = LINK.search(page.content.decode()).group(1)
    signed = page.context["form"].initial["draft"]
    url = f"https://portal.test/customers/invitations/{token}/"
    done = reverse("customers:invite_done")
    removed = c.post(done, {"subject": "Hi", "body": "Please authorize us.", "draft": signed})
    assert removed.status_code == 400
    assert "must stay" in removed.content.decode()
    assert SentEmail.objects.filter(kind="customer_invitation").count() == 0
    altered = c.post(done, {"subject": "Hi", "body": url.replace(token, token[:-2] + "xx"), "draft": signed})
    assert altered.status_code == 400
    assert CustomerInvitation.objects.count() == 0

    ok = c.post(
        done,
        {
            "subject": "Join us",
            "body": f"Edited text.\n{url}\nThanks",
            "draft": signed,
            "email_to": "it@cust.example",
        },
    )
    assert ok.status_code == 302
    inv = CustomerInvitation.objects.get()
    assert inv.email_subject == "Join us" and "Edited text." in inv.email_body and token not in inv.email_body
    email = SentEmail.objects.get(kind="customer_invitation")
    assert (
        email.to == "it@cust.example" and email.body == "Edited text.\n[personalized invitation link]\nThanks"
    )


def test_invite_refuses_unpartnered_provider_and_non_reseller():
    reseller, ruser, _provider, _p = make_partnered()
    stranger, _su = make_provider()
    c = _client(ruser)
    resp = c.post("/customers/invite/", {"provider": stranger.tenant_id})
    assert resp.status_code == 400
    direct_only, duser = make_direct_bill_partner()
    assert _client(duser).get("/customers/invite/").status_code == 403
    with pytest.raises(DomainError) as exc:
        _invite(reseller, ruser, stranger)
    assert exc.value.rule == "R11"
    assert CustomerInvitation.objects.count() == 0


def test_sales_agent_cannot_invite():
    reseller, _ruser, provider, _p = make_partnered()
    from tests.factories import UserFactory

    agent = UserFactory(tenant=reseller.tenant, role=Role.SALES_AGENT)
    with pytest.raises(DomainError):
        _invite(reseller, agent, provider)


# --- the customer's side (R12) ---------------------------------------------------------------------


def test_landing_get_three_times_changes_nothing_then_authorize():
    reseller, ruser, provider, _p = make_partnered()
    inv, token = _invite(reseller, ruser, provider)
    tenant, admin = make_customer()
    c = _client(admin)
    before = _state()
    for _ in range(3):
        page = c.get(f"/customers/invitations/{token}/")
        assert page.status_code == 200
        assert reseller.legal_name in page.content.decode() and provider.legal_name in page.content.decode()
    assert _state() == before
    resp = c.post(f"/customers/invitations/{token}/", {"action": "accept"})
    assert resp.status_code == 302 and resp["Location"] == reverse("customers:my_partners")
    rel = ResellerRelationship.objects.get(customer__tenant=tenant)
    assert (
        rel.kind == "indirect"
        and rel.partner == reseller
        and rel.provider == provider
        and rel.delegated_admin
    )
    inv.refresh_from_db()
    assert inv.status == "accepted" and inv.finished_by == admin
    assert Event.objects.filter(kind="customer_relationship.established", object_id=str(rel.pk)).exists()
    assert SentEmail.objects.filter(kind="customer_relationship.established").count() == 2
    page = c.get(reverse("customers:my_partners")).content.decode()
    assert reseller.legal_name in page and "Granted" in page


def test_signed_out_visitor_signs_in_and_comes_back():
    reseller, ruser, provider, _p = make_partnered()
    _inv, token = _invite(reseller, ruser, provider)
    resp = Client().get(f"/customers/invitations/{token}/")
    assert resp.status_code == 302
    assert resp["Location"].startswith("/signin/?next=/customers/invitations/")


def test_tampered_and_unknown_tokens_look_the_same():
    reseller, ruser, provider, _p = make_partnered()
    _inv, token = _invite(reseller, ruser, provider)
    _tenant, admin = make_customer()
    c = _client(admin)
    tampered = c.get(f"/customers/invitations/{token[:-1]}{'A' if token[-1] != 'A' else 'B'}/")
    unknown = c.get("/customers/invitations/nonsense-token-that-is-long-enough/")
    assert tampered.status_code == unknown.status_code == 404
    assert 'data-state="unknown"' in tampered.content.decode()
    before = _state()
    c.post(f"/customers/invitations/{token[:-1]}x/", {"action": "accept"})
    assert _state() == before


def test_expired_link():
    reseller, ruser, provider, _p = make_partnered()
    inv, token = _invite(reseller, ruser, provider)
    _tenant, admin = make_customer()
    later = inv.expires_at + dt.timedelta(seconds=1)
    with clock.frozen_at(later):
        page = _client(admin).get(f"/customers/invitations/{token}/")
        assert page.status_code == 410 and 'data-state="expired"' in page.content.decode()
        before = _state()
        with pytest.raises(DomainError) as exc:
            customer_invitation_accept(token=token, user=admin)
        # The one answer for an expired link, the same as a partnership invitation's.
        assert (exc.value.status, exc.value.code, exc.value.reason) == (410, 4100, "invitation.expired")
        assert _state() == before
        # The expiry job marks it expired, once.
        assert jobs.sweep() == 1
    inv.refresh_from_db()
    assert inv.status == "expired"
    assert Event.objects.filter(kind="customer_invitation.expired").count() == 1


def test_reused_link_is_already_used():
    reseller, ruser, provider, _p = make_partnered()
    _inv, token = _invite(reseller, ruser, provider)
    _t1, admin1 = make_customer()
    _t2, admin2 = make_customer()
    customer_invitation_accept(token=token, user=admin1)
    before = _state()
    page = _client(admin2).post(f"/customers/invitations/{token}/", {"action": "accept"})
    assert page.status_code == 409 and 'data-state="used"' in page.content.decode()
    assert _state() == before
    with pytest.raises(DomainError) as exc:
        customer_invitation_accept(token=token, user=admin2)
    assert (exc.value.status, exc.value.code, exc.value.reason) == (409, 4101, "invitation.used")


def test_revoked_link():
    reseller, ruser, provider, _p = make_partnered()
    inv, token = _invite(reseller, ruser, provider)
    _tenant, admin = make_customer()
    resp = _client(ruser).post(reverse("customers:invitation_revoke", args=[inv.pk]))
    assert resp.status_code == 302
    before = _state()
    page = _client(admin).post(f"/customers/invitations/{token}/", {"action": "accept"})
    assert page.status_code == 410 and 'data-state="revoked"' in page.content.decode()
    assert _state() == before
    with pytest.raises(DomainError) as exc:
        customer_invitation_accept(token=token, user=admin)
    assert (exc.value.status, exc.value.code, exc.value.reason) == (410, 4102, "invitation.revoked")


def test_non_global_admin_gets_a_reason_and_nothing_changes():
    reseller, ruser, provider, _p = make_partnered()
    _inv, token = _invite(reseller, ruser, provider)
    _tenant, billing = make_customer(role=Role.BILLING_ADMIN)
    before = _state()
    c = _client(billing)
    page = c.get(f"/customers/invitations/{token}/")
    assert page.status_code == 403
    assert "Only a global admin" in page.content.decode()
    assert "Authorize</button>" not in page.content.decode()
    c.post(f"/customers/invitations/{token}/", {"action": "accept"})
    assert _state() == before


def test_partner_user_cannot_accept_a_customer_invitation():
    reseller, ruser, provider, puser = make_partnered()
    _inv, token = _invite(reseller, ruser, provider)
    before = _state()
    page = _client(puser).post(f"/customers/invitations/{token}/", {"action": "accept"})
    assert page.status_code == 403  # refused, as the API answers (SPEC §10)
    assert "customer" in page.content.decode()
    assert _state() == before


def test_post_without_csrf_is_refused():
    reseller, ruser, provider, _p = make_partnered()
    _inv, token = _invite(reseller, ruser, provider)
    _tenant, admin = make_customer()
    c = Client(enforce_csrf_checks=True)
    c.force_login(admin)
    before = _state()
    assert c.post(f"/customers/invitations/{token}/", {"action": "accept"}).status_code == 403
    assert _state() == before


def test_decline():
    reseller, ruser, provider, _p = make_partnered()
    inv, token = _invite(reseller, ruser, provider)
    _tenant, admin = make_customer()
    resp = _client(admin).post(f"/customers/invitations/{token}/", {"action": "decline"})
    assert resp.status_code == 302
    inv.refresh_from_db()
    assert inv.status == "declined" and inv.finished_by == admin and inv.finished_at
    assert not ResellerRelationship.objects.exists()
    assert Event.objects.filter(kind="customer_invitation.declined", object_id=str(inv.pk)).count() == 1
    page = _client(admin).post(f"/customers/invitations/{token}/", {"action": "accept"})
    assert page.status_code == 409 and 'data-state="declined"' in page.content.decode()


# --- R15: existing direct-bill customers move the same way -------------------------------------------


def test_existing_direct_customer_moves_and_provider_orders_only_after():
    reseller, ruser, provider, puser = make_partnered()
    tenant, admin = make_customer()
    relate(tenant, reseller, kind="direct")
    from customers.selectors import customer_access
    from partnercenter.errors import NotFound

    with pytest.raises(NotFound):  # until the customer moves, the provider cannot even see it (R15)
        customer_access(profile=provider, customer_id=tenant.id)
    _inv, token = _invite(reseller, ruser, provider)
    page = _client(admin).get(f"/customers/invitations/{token}/")
    assert 'data-testid="moving-note"' in page.content.decode()
    rel = customer_invitation_accept(token=token, user=admin)
    assert rel.source == "direct_bill"
    assert Event.objects.filter(kind="customer_relationship.moved_to_indirect").count() == 1
    # The direct relationship keeps its existing subscriptions managed and billed as before (R7).
    assert ResellerRelationship.objects.filter(customer__tenant=tenant, status="active").count() == 2
    access = customer_access(profile=provider, customer_id=tenant.id)
    assert access.can_order_as_provider


# --- R16: Microsoft Store for Business -------------------------------------------------------------


def test_store_for_business_customer_cannot_accept_from_a_direct_bill_partner():
    reseller, ruser, provider, _p = make_partnered()  # the reseller is also a direct-bill partner
    tenant, admin = make_customer(store_for_business=True)
    relate(tenant, reseller, kind="direct")
    inv, token = _invite(reseller, ruser, provider)
    before = _state()
    c = _client(admin)
    page = c.get(f"/customers/invitations/{token}/")
    html = page.content.decode()
    assert page.status_code == 403
    assert "Microsoft Store for Business" in html and 'data-rule="R16"' in html
    resp = c.post(f"/customers/invitations/{token}/", {"action": "accept"})
    assert resp.status_code == 400 and "R16" in resp.content.decode()
    with pytest.raises(DomainError) as exc:
        customer_invitation_accept(token=token, user=admin)
    assert exc.value.rule == "R16"
    assert _state() == before
    inv.refresh_from_db()
    assert inv.status == "pending"
    assert not ResellerRelationship.objects.filter(kind="indirect").exists()


def test_store_for_business_customer_of_a_reseller_without_direct_bill_can_accept():
    from tenants.models import Program
    from tests.factories import make_partner

    only_reseller, ruser = make_partner(Program.INDIRECT_RESELLER)
    reseller, ruser, provider, _p = make_partnered(only_reseller)
    _tenant, admin = make_customer(store_for_business=True)
    _inv, token = _invite(reseller, ruser, provider)
    rel = customer_invitation_accept(token=token, user=admin)
    assert rel.kind == "indirect"


def test_second_invitation_for_an_already_indirect_customer_is_refused():
    reseller, ruser, provider, _p = make_partnered()
    _tenant, admin = make_customer()
    _inv, token = _invite(reseller, ruser, provider)
    customer_invitation_accept(token=token, user=admin)
    inv2, token2 = _invite(reseller, ruser, provider)
    with pytest.raises(DomainError) as exc:
        customer_invitation_accept(token=token2, user=admin)
    assert exc.value.status == 409
    inv2.refresh_from_db()
    assert inv2.status == "pending"


def test_direct_relationship_request_link():
    partner, _u = make_reseller()
    tenant, admin = make_customer()
    url = f"/customers/relationship-request/{partner.tenant_id}/?dap=1"
    c = _client(admin)
    assert c.get(url).status_code == 200
    assert not ResellerRelationship.objects.exists()
    assert c.post(url).status_code == 302
    assert c.post(url).status_code == 302  # idempotent
    rel = ResellerRelationship.objects.get()
    assert rel.kind == "direct" and rel.partner == partner and rel.customer.tenant == tenant


def test_a_provider_that_is_not_partnered_answers_the_same_and_is_never_named(api_client_for):
    """providerId (and the invite page's ?provider=) is a partnered provider's tenant id; anything else
    — another provider, an unknown tenant id, a sequential row id, garbage — gets the same answer, which
    does not say whether such a partner exists, nor its name (R11)."""
    import uuid

    reseller, ruser, provider, _p = make_partnered()
    stranger, _su = make_provider()
    api = api_client_for(ruser)
    answers = []
    for value in (str(stranger.tenant_id), str(uuid.uuid4()), str(stranger.pk), str(provider.pk), "x"):
        response = api.post("/v1/customerinvitations", {"providerId": value}, format="json")
        assert stranger.legal_name not in response.content.decode()
        answers.append((response.status_code, response.json()))
    assert len({(status, str(body)) for status, body in answers}) == 1 and answers[0][0] == 400
    ok = api.post("/v1/customerinvitations", {"providerId": str(provider.tenant_id)}, format="json")
    assert ok.status_code == 201 and ok.json()["provider"]["id"] == str(provider.tenant_id)

    c = _client(ruser)
    pages = []
    for value in (str(stranger.tenant_id), str(uuid.uuid4()), str(provider.pk)):
        html = c.get("/customers/invite/", {"provider": value}).content.decode()
        assert stranger.legal_name not in html and "not one of your indirect providers" in html
        assert f'value="{provider.tenant_id}" selected' not in html
        pages.append(html.count("not one of your indirect providers"))
    refused = c.post("/customers/invite/", {"provider": stranger.tenant_id})
    assert refused.status_code == 400 and stranger.legal_name not in refused.content.decode()
    with pytest.raises(DomainError) as exc:
        _invite(reseller, ruser, stranger)
    assert stranger.legal_name not in exc.value.text
    assert CustomerInvitation.objects.count() == 1
