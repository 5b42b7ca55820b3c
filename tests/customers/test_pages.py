"""Overview cards, the customer's Partner relationships page, navigation and the ops admin pages."""

import pytest
from django.test import Client

from tests.customers.factories import make_customer, make_partnered, order, relate

pytestmark = pytest.mark.django_db


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def test_overview_cards_and_navigation():
    reseller, ruser, provider, _p = make_partnered()
    t, admin = make_customer(name="Card Co")
    relate(t, reseller, kind="indirect", provider=provider)
    html = _client(ruser).get("/").content.decode()
    assert 'data-testid="customers-card"' in html and "You serve 1 customer." in html
    assert 'data-nav="customers:list"' in html
    html = _client(admin).get("/").content.decode()
    assert 'data-testid="partners-card"' in html and 'data-nav="customers:my_partners"' in html


def test_partner_relationships_page_is_for_customers():
    reseller, ruser, _provider, _p = make_partnered()
    assert _client(ruser).get("/customers/partners/").status_code == 403
    t, admin = make_customer()
    relate(t, reseller, kind="direct", delegated_admin=False)
    html = _client(admin).get("/customers/partners/").content.decode()
    assert reseller.legal_name in html and "Not granted" in html


def test_customer_users_cannot_open_partner_pages():
    _t, admin = make_customer()
    c = _client(admin)
    assert c.get("/customers/").status_code == 403
    assert c.get("/customers/invite/").status_code == 403
    assert c.get("/customers/new/").status_code == 403


def test_admin_pages_load():
    from tenants.models import User

    reseller, ruser, provider, puser = make_partnered()
    t, _ = make_customer()
    relate(t, reseller, kind="indirect", provider=provider)
    order(provider, puser, t, pior=reseller.mpn_id)
    ops = User.objects.create_superuser("ops@example.com", "pw-123456789")
    c = _client(ops)
    for model in (
        "customeraccount",
        "resellerrelationship",
        "customerinvitation",
        "offer",
        "order",
        "subscription",
        "customeruser",
        "licenseassignment",
    ):
        assert c.get(f"/admin/customers/{model}/").status_code == 200, model
    assert c.get(f"/admin/customers/customeraccount/{t.customer_account.pk}/change/").status_code == 200


def test_other_resellers_invitations_answer_404():
    from customers.services import customer_invitation_create
    from partnercenter.tokens import token_hash

    reseller, ruser, provider, _p = make_partnered()
    inv, token = customer_invitation_create(reseller=reseller, user=ruser, provider=provider)
    _other, ouser, _op, _opu = make_partnered()
    c = _client(ouser)
    for action in ("revoke", "link", "resend"):
        assert c.post(f"/customers/invitations/{inv.pk}/{action}/").status_code == 404, action
    assert c.get(f"/customers/invitations/{inv.pk}/revoke/").status_code == 404
    inv.refresh_from_db()
    assert inv.status == "pending" and inv.token_hash == token_hash(token)
    assert "Customer invitations" in _client(ruser).get("/customers/invitations/").content.decode()
    assert f'data-invitation="{inv.pk}"' not in c.get("/customers/invitations/").content.decode()
    assert f'data-invitation="{inv.pk}"' in _client(ruser).get("/customers/invitations/").content.decode()


def test_detail_users_are_paginated():
    from customers.models import CustomerUser

    reseller, ruser, _provider, _p = make_partnered()
    t, _ = make_customer()
    relate(t, reseller, kind="direct")
    account = t.customer_account
    CustomerUser.objects.bulk_create(
        [
            CustomerUser(
                customer=account, user_principal_name=f"u{i}@{t.default_domain}", display_name=f"U {i:03d}"
            )
            for i in range(60)
        ]
    )
    html = _client(ruser).get(f"/customers/{t.id}/").content.decode()
    assert "Page 1 of 2" in html
    assert "Page 2 of 2" in _client(ruser).get(f"/customers/{t.id}/?users_page=2").content.decode()


def test_admin_history_and_revoke_action():
    from customers.models import CustomerInvitation
    from customers.services import customer_invitation_create
    from tenants.models import User

    reseller, ruser, provider, _p = make_partnered()
    inv, _token = customer_invitation_create(reseller=reseller, user=ruser, provider=provider)
    ops = User.objects.create_superuser("ops2@example.com", "pw-123456789")
    c = _client(ops)
    page = c.get(f"/admin/customers/customerinvitation/{inv.pk}/change/").content.decode()
    assert "customer_invitation.created" in page and inv.token_hash not in page
    resp = c.post(
        "/admin/customers/customerinvitation/",
        {"action": "revoke_invitations", "_selected_action": [inv.pk]},
    )
    assert resp.status_code == 302
    assert CustomerInvitation.objects.get(pk=inv.pk).status == "revoked"


def test_reseller_manages_users_and_licenses_in_the_browser_forms():
    from customers.models import CustomerUser, LicenseAssignment, Subscription

    reseller, ruser, provider, puser = make_partnered()
    t, _ = make_customer()
    relate(t, reseller, kind="indirect", provider=provider)
    order(provider, puser, t, pior=reseller.mpn_id, quantity=1)
    sub = Subscription.objects.get()
    c = _client(ruser)
    base = f"/customers/{t.id}"
    c.post(f"{base}/users/", {"user_name": "ann", "display_name": "Ann", "usage_location": "US"})
    c.post(f"{base}/users/", {"user_name": "bob", "display_name": "Bob", "usage_location": "US"})
    c.post(f"{base}/users/", {"user_name": "bad name!", "display_name": "X", "usage_location": "US"})
    ann = CustomerUser.objects.get(user_principal_name=f"ann@{t.default_domain}")
    bob = CustomerUser.objects.get(user_principal_name=f"bob@{t.default_domain}")
    assert CustomerUser.objects.filter(customer__tenant=t).count() == 3  # with the customer's admin
    c.post(f"{base}/users/{ann.pk}/licenses/", {"subscription": sub.pk, "action": "assign"})
    resp = c.post(
        f"{base}/users/{bob.pk}/licenses/", {"subscription": sub.pk, "action": "assign"}, follow=True
    )
    assert "All 1 licenses" in resp.content.decode()  # seats never exceed the quantity
    assert LicenseAssignment.objects.count() == 1
    c.post(f"{base}/users/{ann.pk}/delete/")
    assert not CustomerUser.objects.filter(pk=ann.pk).exists() and LicenseAssignment.objects.count() == 0
    # The provider cannot manage users.
    resp = _client(puser).post(f"{base}/users/{bob.pk}/delete/", follow=True)
    assert "delegated admin" in resp.content.decode().lower() and "(R12)" not in resp.content.decode()
    assert CustomerUser.objects.filter(pk=bob.pk).exists()
