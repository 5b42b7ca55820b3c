"""The Customers list (R17) and customer detail: badges, row options, search and filters, paging, and a
query count that does not grow with the list."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from customers.models import CustomerAccount, CustomerUser, ResellerRelationship, Subscription
from partnercenter import clock
from tenants.models import Tenant
from tests.customers.factories import make_customer, make_partnered, order, relate

pytestmark = pytest.mark.django_db


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _rows(html: str) -> int:
    return html.count('class="customer-row"')


def test_direct_and_indirect_rows_offer_different_options():
    reseller, ruser, provider, puser = make_partnered()
    direct_t, _a = make_customer(name="Wingtip Toys")
    relate(direct_t, reseller, kind="direct")
    indirect_t, _b = make_customer(name="Tailspin Toys")
    relate(indirect_t, reseller, kind="indirect", provider=provider)
    html = _client(ruser).get("/customers/").content.decode()
    assert _rows(html) == 2
    wingtip = html[html.index('data-company="Wingtip Toys"') :]
    wingtip = wingtip[: wingtip.index("</details>")]
    tailspin = html[html.index('data-company="Tailspin Toys"') :]
    tailspin = tailspin[: tailspin.index("</details>")]
    assert 'data-badge="direct"' in wingtip and 'data-badge="indirect"' not in wingtip
    for action in ("add-products", "view-products", "subscriptions"):
        assert f'data-action="{action}"' in wingtip
    assert 'data-badge="indirect"' in tailspin and 'data-badge="direct"' not in tailspin
    for action in ("licenses", "users", "renewals"):
        assert f'data-action="{action}"' in tailspin
    assert 'data-action="add-products"' not in tailspin and 'data-action="view-products"' not in tailspin
    # Each row opens; its account, services, users and licenses are read when it is opened.
    assert "▾" in tailspin and f'data-row-src="/customers/{indirect_t.id}/row/"' in tailspin
    assert f'href="/customers/{indirect_t.id}/"' in tailspin  # without script: the customer's page
    opened = _client(ruser).get(f"/customers/{indirect_t.id}/row/", headers={"X-Requested-With": "fetch"})
    for heading in ("Account", "Services", "Users", "Licenses"):
        assert f"<h3>{heading}</h3>" in opened.content.decode()


def test_an_opened_row_shows_services_users_and_licenses_of_mine_only():
    reseller, ruser, provider, puser = make_partnered()
    other, ouser, _op, _opu = make_partnered()
    t, _ = make_customer(name="Tailspin Toys")
    relate(t, reseller, kind="indirect", provider=provider, delegated_admin=True)
    order(provider, puser, t, pior=reseller.mpn_id, quantity=4)
    fetch = {"X-Requested-With": "fetch"}
    html = _client(ruser).get(f"/customers/{t.id}/row/", headers=fetch).content.decode()
    assert "Microsoft 365 Business Basic × 4" in html and "0 of 4 assigned" in html
    assert "<html" not in html  # a fragment, not a page
    # Another partner's customer: the same 404 as its page, nothing of it shown.
    assert _client(ouser).get(f"/customers/{t.id}/row/", headers=fetch).status_code == 404
    # Opened as a page of its own it leads to the customer's page.
    response = _client(ruser).get(f"/customers/{t.id}/row/")
    assert response.status_code == 302 and response["Location"] == f"/customers/{t.id}/"


@pytest.mark.parametrize("users", [2, 12])
def test_an_opened_row_costs_the_same_whatever_the_customer_size(users, django_assert_max_num_queries):
    reseller, ruser, provider, puser = make_partnered()
    t, _ = make_customer(name="Big Co")
    relate(t, reseller, kind="indirect", provider=provider, delegated_admin=True)
    order(provider, puser, t, pior=reseller.mpn_id)
    account = CustomerAccount.objects.get(tenant=t)
    CustomerUser.objects.bulk_create(
        [
            CustomerUser(
                customer=account, user_principal_name=f"u{i}@{t.default_domain}", display_name=f"U{i}"
            )
            for i in range(users)
        ]
    )
    client = _client(ruser)
    client.get(f"/customers/{t.id}/row/", headers={"X-Requested-With": "fetch"})
    with django_assert_max_num_queries(12):
        html = client.get(f"/customers/{t.id}/row/", headers={"X-Requested-With": "fetch"}).content.decode()
    total = CustomerUser.objects.filter(customer=account).count()  # with the tenant's own admin
    assert html.split("<h3>Users</h3>")[1].split("</ul>")[0].count("<li>") == min(total, 5)
    assert (f"All {total} users" in html) == (total > 5)


def test_search_and_filters():
    reseller, ruser, provider, _p = make_partnered()
    _r2, _u2, other_provider, _p2 = make_partnered(reseller)
    a, _ = make_customer(name="Wingtip Toys")
    relate(a, reseller, kind="direct")
    b, _ = make_customer(name="Tailspin Toys")
    relate(b, reseller, kind="indirect", provider=provider)
    c_, _ = make_customer(name="Litware")
    relate(c_, reseller, kind="indirect", provider=other_provider)
    c = _client(ruser)
    assert _rows(c.get("/customers/?q=wing").content.decode()) == 1
    assert _rows(c.get(f"/customers/?q={b.default_domain[:8]}").content.decode()) == 3  # "customer" prefix
    assert _rows(c.get(f"/customers/?q={b.default_domain}").content.decode()) == 1
    assert _rows(c.get("/customers/?relationship=direct").content.decode()) == 1
    assert _rows(c.get("/customers/?relationship=indirect").content.decode()) == 2
    html = c.get(f"/customers/?provider={provider.pk}").content.decode()
    assert _rows(html) == 1 and "Tailspin Toys" in html
    # Bad input never crashes the page.
    assert c.get("/customers/?provider=abc&relationship=zzz&page=-4").status_code == 200


def test_no_leak_between_partners():
    reseller, ruser, provider, puser = make_partnered()
    other, ouser, _op, _opu = make_partnered()
    mine, _ = make_customer(name="Mine Inc")
    relate(mine, reseller, kind="direct")
    theirs, _ = make_customer(name="Theirs Inc")
    relate(theirs, other, kind="direct")
    html = _client(ruser).get("/customers/").content.decode()
    assert "Mine Inc" in html and "Theirs Inc" not in html
    assert _client(ruser).get(f"/customers/{theirs.id}/").status_code == 404
    assert _client(puser).get(f"/customers/{mine.id}/").status_code == 404


def test_removed_relationship_hides_the_customer():
    reseller, ruser, _provider, _p = make_partnered()
    t, _ = make_customer(name="Gone Co")
    rel = relate(t, reseller, kind="direct")
    rel.status = "removed"
    rel.save()
    assert "Gone Co" not in _client(ruser).get("/customers/").content.decode()


def test_provider_sees_the_resellers_customer_with_place_order():
    reseller, ruser, provider, puser = make_partnered()
    t, _ = make_customer(name="Tailspin Toys")
    relate(t, reseller, kind="indirect", provider=provider)
    html = _client(puser).get("/customers/").content.decode()
    assert 'data-action="place-order"' in html and 'data-badge="provider"' in html
    assert 'data-testid="create-customer"' in html


def test_detail_shows_subscriptions_users_and_licenses():
    reseller, ruser, provider, puser = make_partnered()
    t, admin = make_customer(name="Tailspin Toys")
    relate(t, reseller, kind="indirect", provider=provider)
    order(provider, puser, t, pior=reseller.mpn_id)
    html = _client(ruser).get(f"/customers/{t.id}/").content.decode()
    assert 'id="renewals"' in html and 'id="users"' in html and 'id="licenses"' in html
    assert "Microsoft 365 Business Basic" in html and admin.email in html
    assert 'data-action="add-products"' not in html


def _bulk_customers(reseller, provider, n):
    now = clock.now()
    tenants = Tenant.objects.bulk_create(
        [
            Tenant(default_domain=f"bulk{i}.onmicrosoft.com", display_name=f"Bulk {i:04d}", kind="customer")
            for i in range(n)
        ]
    )
    accounts = CustomerAccount.objects.bulk_create(
        [CustomerAccount(tenant=t, company_name=t.display_name, created_at=now) for t in tenants]
    )
    ResellerRelationship.objects.bulk_create(
        [
            ResellerRelationship(
                customer=a,
                partner=reseller,
                kind="indirect" if i % 2 else "direct",
                provider=provider if i % 2 else None,
                delegated_admin=True,
                source="invitation",
                established_at=now,
            )
            for i, a in enumerate(accounts)
        ]
    )
    CustomerUser.objects.bulk_create(
        [
            CustomerUser(
                customer=a,
                user_principal_name=f"u@{a.tenant.default_domain}",
                display_name="U",
                created_at=now,
            )
            for a in accounts
        ]
    )


def _list_queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        resp = client.get(path)
    assert resp.status_code == 200
    return len(ctx.captured_queries), resp


@pytest.mark.parametrize("n", [5, 500])
def test_list_query_count_is_constant(n, django_assert_max_num_queries):
    reseller, ruser, provider, puser = make_partnered()
    _bulk_customers(reseller, provider, n)
    # A couple of customers with subscriptions too.
    t, _ = make_customer(name="Aaa With Subs")
    relate(t, reseller, kind="indirect", provider=provider)
    order(provider, puser, t, pior=reseller.mpn_id)
    client = _client(ruser)
    queries, resp = _list_queries(client, "/customers/")
    assert _rows(resp.content.decode()) == min(n + 1, 25)
    with django_assert_max_num_queries(16):
        client.get("/customers/")
    with django_assert_max_num_queries(16):
        client.get("/customers/?page=2&relationship=indirect")


def test_list_query_count_same_at_5_and_500():
    reseller, ruser, provider, _p = make_partnered()
    _bulk_customers(reseller, provider, 5)
    client = _client(ruser)
    small, _ = _list_queries(client, "/customers/")
    now = clock.now()
    more = Tenant.objects.bulk_create(
        [
            Tenant(default_domain=f"more{i}.onmicrosoft.com", display_name=f"More {i}", kind="customer")
            for i in range(495)
        ]
    )
    accts = CustomerAccount.objects.bulk_create(
        [CustomerAccount(tenant=t, company_name=t.display_name) for t in more]
    )
    ResellerRelationship.objects.bulk_create(
        [
            ResellerRelationship(
                customer=a, partner=reseller, kind="direct", source="direct_bill", established_at=now
            )
            for a in accts
        ]
    )
    large, resp = _list_queries(client, "/customers/")
    html = resp.content.decode()
    assert "500 customers" in html and 'rel="next"' in html and 'rel="prev"' not in html
    # One page's worth of rows or five hundred: the same queries, but for the total, which a first
    # page holding the whole set takes from its rows.
    assert large == small + 1


def test_subscription_actions_from_the_detail_page():
    reseller, ruser, provider, puser = make_partnered()
    t, _ = make_customer()
    relate(t, reseller, kind="direct")
    o = order(reseller, ruser, t, quantity=3)
    sub = Subscription.objects.get(order=o)
    c = _client(ruser)
    url = f"/customers/{t.id}/subscriptions/{sub.pk}/"
    c.post(url, {"action": "quantity", "quantity": 7})
    c.post(url, {"action": "autorenew_off"})
    c.post(url, {"action": "suspend"})
    sub.refresh_from_db()
    assert (sub.quantity, sub.auto_renew, sub.status) == (7, False, "suspended")
    c.post(url, {"action": "reactivate"})
    sub.refresh_from_db()
    assert sub.status == "active"
    assert c.post(url, {"action": "quantity", "quantity": "lots"}).status_code == 302
    sub.refresh_from_db()
    assert sub.quantity == 7


def test_a_shared_customer_shows_only_my_subscriptions():
    reseller, ruser, provider, puser = make_partnered()
    other, ouser, _op, _opu = make_partnered()
    t, _ = make_customer(name="Shared Co")
    relate(t, reseller, kind="indirect", provider=provider)
    relate(t, other, kind="direct")
    order(other, ouser, t, offer_id="CFQ7TTC0LF8Q:0001")
    order(provider, puser, t, pior=reseller.mpn_id)
    fetch = {"X-Requested-With": "fetch"}
    mine = _client(ruser).get(f"/customers/{t.id}/row/", headers=fetch).content.decode()
    assert "Microsoft 365 Business Basic" in mine and "Office 365 E3" not in mine
    theirs = _client(ouser).get(f"/customers/{t.id}/row/", headers=fetch).content.decode()
    assert "Office 365 E3" in theirs and "Microsoft 365 Business Basic" not in theirs
    detail = _client(ruser).get(f"/customers/{t.id}/").content.decode()
    assert "Office 365 E3" not in detail


def _next_link(html: str) -> str | None:
    import html as html_lib
    import re

    found = re.search(r'<a href="([^"]+)" rel="next">', html)
    return html_lib.unescape(found.group(1)) if found else None


def test_pages_are_found_by_key_every_customer_once_and_back():
    reseller, ruser, provider, _p = make_partnered()
    _bulk_customers(reseller, provider, 60)
    client = _client(ruser)
    names, url, pages = [], "/customers/", []
    while url:
        html = client.get(url if url.startswith("/") else f"/customers/{url}").content.decode()
        pages.append(html)
        names += [
            line.split('data-company="')[1].split('"')[0]
            for line in html.split("\n")
            if 'data-company="' in line
        ]
        url = _next_link(html)
    assert len(pages) == 3 and len(names) == 60 and names == sorted(names)
    assert "page=" not in "".join(pages) and 'rel="prev"' in pages[-1]
    # A tampered cursor starts from the top instead of failing.
    assert _rows(client.get("/customers/?cursor=forged").content.decode()) == 25


@pytest.mark.parametrize("n", [30, 600])
def test_a_deep_page_costs_what_the_first_does(n):
    reseller, ruser, provider, _p = make_partnered()
    _bulk_customers(reseller, provider, n)
    client = _client(ruser)
    client.get("/customers/")
    first, resp = _list_queries(client, "/customers/")
    url = _next_link(resp.content.decode())
    html = ""
    while url:  # to the last page
        last_url = url
        html = client.get(f"/customers/{url}").content.decode()
        url = _next_link(html)
    deep, resp = _list_queries(client, f"/customers/{last_url}")
    assert _rows(resp.content.decode()) == (n % 25 or 25)
    assert deep == first
    # The same number of queries at both sizes (16 is the fixed budget of the page).
    assert first <= 16


def test_the_total_says_more_than_when_not_counted(monkeypatch):
    from partnercenter import paging

    reseller, ruser, provider, _p = make_partnered()
    _bulk_customers(reseller, provider, 30)
    monkeypatch.setattr(paging.capped_count, "__defaults__", (20,))
    html = _client(ruser).get("/customers/").content.decode()
    assert "More than 20 customers" in html


def test_an_opened_row_answers_only_reads():
    reseller, ruser, _provider, _p = make_partnered()
    t, _ = make_customer(name="Post Co")
    relate(t, reseller, kind="direct")
    response = _client(ruser).post(f"/customers/{t.id}/row/", headers={"X-Requested-With": "fetch"})
    assert response.status_code == 405
