"""The customers API (SPEC §6) in the real Partner Center API's shapes, with cross-tenant 404s."""

import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customers.models import CustomerAccount, CustomerUser, Order, ResellerRelationship, Subscription
from partnercenter import clock
from tenants.models import Program, ProgramMembership, Tenant, User
from tests.customers.factories import make_customer, make_partnered, order, relate
from tests.factories import make_direct_bill_partner, make_partner, make_provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(api_client_for):
    """A reseller + provider pair with one direct and one indirect customer, and an unrelated partner."""
    reseller, ruser, provider, puser = make_partnered()
    direct_t, _ = make_customer(name="Wingtip Toys")
    relate(direct_t, reseller, kind="direct")
    indirect_t, cadmin = make_customer(name="Tailspin Toys")
    relate(indirect_t, reseller, kind="indirect", provider=provider)
    o = order(provider, puser, indirect_t, pior=reseller.mpn_id, quantity=3)
    other, ouser, oprov, opuser = make_partnered()
    foreign_t, _ = make_customer(name="Foreign Co")
    relate(foreign_t, other, kind="indirect", provider=oprov)
    fo = order(oprov, opuser, foreign_t, pior=other.mpn_id)
    return {
        "reseller": reseller,
        "provider": provider,
        "r": api_client_for(ruser),
        "p": api_client_for(puser),
        "o": api_client_for(ouser),
        "op": api_client_for(opuser),
        "direct": direct_t,
        "indirect": indirect_t,
        "foreign": foreign_t,
        "sub": Subscription.objects.get(order=o),
        "foreign_sub": Subscription.objects.get(order=fo),
        "foreign_user": CustomerUser.objects.filter(customer__tenant=foreign_t).first(),
        "customer_admin": cadmin,
        "customer_client": api_client_for(cadmin),
    }


def test_list_shape_filter_and_continuation(world):
    r = world["r"]
    body = r.get("/v1/customers").json()
    assert body["totalCount"] == 2
    names = {c["companyProfile"]["companyName"] for c in body["items"]}
    assert names == {"Wingtip Toys", "Tailspin Toys"}
    item = next(c for c in body["items"] if c["companyProfile"]["companyName"] == "Tailspin Toys")
    assert item["id"] == str(world["indirect"].id) and item["portal"]["relationships"] == ["indirect"]
    assert item["relationshipToPartner"] == "reseller"
    assert item["links"]["self"]["uri"] == f"/customers/{world['indirect'].id}"
    assert item["attributes"]["objectType"] == "Customer"
    f = json.dumps({"Field": "CompanyName", "Value": "Wing", "Operator": "starts_with"})
    filtered = r.get("/v1/customers", {"filter": f}).json()
    assert [c["companyProfile"]["companyName"] for c in filtered["items"]] == ["Wingtip Toys"]
    page1 = r.get("/v1/customers", {"size": 1}).json()
    assert len(page1["items"]) == 1 and page1["continuationToken"]
    page2 = r.get("/v1/customers", {"size": 1, "continuationToken": page1["continuationToken"]}).json()
    assert len(page2["items"]) == 1 and "continuationToken" not in page2
    assert page1["items"][0]["id"] != page2["items"][0]["id"]
    # The provider filters by indirect reseller.
    f = json.dumps(
        {"Field": "IndirectReseller", "Value": str(world["reseller"].tenant_id), "Operator": "starts_with"}
    )
    assert world["p"].get("/v1/customers", {"filter": f}).json()["totalCount"] == 1


@pytest.mark.parametrize(
    "bad",
    [
        "nojson",
        json.dumps({"Field": "Nope", "Value": "x"}),
        json.dumps({"Field": "Domain", "Value": ""}),
        "[]",
    ],
)
def test_bad_filter_is_a_400_error_body(world, bad):
    resp = world["r"].get("/v1/customers", {"filter": bad})
    assert resp.status_code == 400
    body = resp.json()
    assert set(body) == {"code", "description", "data", "source", "reason"}
    assert body["source"] == "PartnerFD" and body["reason"] == "customers.bad_filter"


def test_lists_do_not_leak(world):
    for client in (world["r"], world["p"]):
        ids = {c["id"] for c in client.get("/v1/customers", {"size": 500}).json()["items"]}
        assert str(world["foreign"].id) not in ids
    ids = {c["id"] for c in world["o"].get("/v1/customers").json()["items"]}
    assert ids == {str(world["foreign"].id)}


def test_cross_tenant_ids_answer_404_everywhere(world):
    f, fs, fu = world["foreign"].id, world["foreign_sub"].pk, world["foreign_user"].pk
    own_sub = world["sub"].pk
    for client in (world["r"], world["p"]):
        for method, path, data in [
            ("get", f"/v1/customers/{f}", None),
            ("patch", f"/v1/customers/{f}", {"relationshipToPartner": "none"}),
            ("get", f"/v1/customers/{f}/relationships", None),
            ("get", f"/v1/customers/{f}/orders", None),
            (
                "post",
                f"/v1/customers/{f}/orders",
                {"lineItems": [{"offerId": "CFQ7TTC0LH18:0001", "quantity": 1}]},
            ),
            ("get", f"/v1/customers/{f}/subscriptions", None),
            ("get", f"/v1/customers/{f}/subscriptions/{fs}", None),
            ("patch", f"/v1/customers/{f}/subscriptions/{fs}", {"quantity": 9}),
            ("get", f"/v1/customers/{world['indirect'].id}/subscriptions/{fs}", None),
            ("patch", f"/v1/customers/{world['indirect'].id}/subscriptions/{fs}", {"quantity": 9}),
            ("get", f"/v1/customers/{f}/users", None),
            ("post", f"/v1/customers/{f}/users", {"userPrincipalName": "a", "displayName": "A"}),
            ("get", f"/v1/customers/{f}/users/{fu}/licenses", None),
            ("post", f"/v1/customers/{f}/users/{fu}/licenseupdates", {"licensesToAssign": []}),
            ("get", f"/v1/customers/{world['indirect'].id}/users/{fu}/licenses", None),
            ("get", f"/v1/customers/{world['direct'].id}/subscriptions/{own_sub}", None),
            ("get", "/v1/customers/not-a-uuid", None),
            ("get", f"/v1/customers/{uuid.uuid4()}/subscriptions", None),
            ("get", f"/v1/customers/{world['indirect'].id}/subscriptions/not-a-uuid", None),
        ]:
            kwargs = {"format": "json"} if data is not None else {}
            resp = (
                getattr(client, method)(path, data, **kwargs)
                if data is not None
                else getattr(client, method)(path)
            )
            if client is world["p"] and path.startswith(f"/v1/customers/{world['indirect'].id}/users"):
                # The provider sees this customer but has no admin rights on its users (R12).
                assert resp.status_code == 403, (method, path)
                continue
            assert resp.status_code == 404, (method, path, resp.status_code, resp.content)
            assert resp.json()["code"] == 404
    world["foreign_sub"].refresh_from_db()
    assert world["foreign_sub"].quantity == 5
    assert Order.objects.filter(customer__tenant=world["foreign"]).count() == 1


def test_customer_get_and_relationships(world):
    body = world["p"].get(f"/v1/customers/{world['indirect'].id}").json()
    assert body["associatedPartnerId"] == str(world["reseller"].tenant_id)
    rels = world["r"].get(f"/v1/customers/{world['indirect'].id}/relationships").json()
    assert rels["totalCount"] == 1
    item = rels["items"][0]
    # The real PartnerRelationship values (get-indirect-resellers-of-a-customer); no invented IsDirectResellerOf.
    assert item["relationshipType"] == "is_indirect_cloud_solution_provider_of"
    assert item["mpnId"] == world["reseller"].mpn_id
    assert item["attributes"] == {"objectType": "PartnerRelationship"}
    assert item["portal"]["relationshipKind"] == "indirect"
    assert item["portal"]["indirectProvider"]["mpnId"] == world["provider"].mpn_id


def test_relationship_request_link(world, api_client_for):
    url = world["r"].get("/v1/customers/relationshiprequests").json()["url"]
    assert url.startswith("https://portal.test/customers/relationship-request/")
    assert (
        world["p"].get("/v1/customers/relationshiprequests").status_code == 403
    )  # a provider is not direct bill
    assert world["customer_client"].get("/v1/customers/relationshiprequests").status_code == 403


def test_provider_creates_a_customer(world):
    before = Tenant.objects.count()
    body = {
        "companyProfile": {"domain": "adatum.onmicrosoft.com"},
        "billingProfile": {
            "companyName": "Adatum",
            "email": "it@adatum.example",
            "defaultAddress": {"country": "US"},
        },
        "associatedPartnerId": str(world["reseller"].tenant_id),
    }
    resp = world["p"].post("/v1/customers", body, format="json")
    assert resp.status_code == 201, resp.content
    data = resp.json()
    assert (
        data["userCredentials"]["userName"] == "admin@adatum.onmicrosoft.com"
        and data["userCredentials"]["password"]
    )
    assert data["associatedPartnerId"] == str(world["reseller"].tenant_id)
    assert Tenant.objects.count() == before + 1
    ids = {c["id"] for c in world["r"].get("/v1/customers").json()["items"]}
    assert data["id"] in ids


def test_r13_reseller_gets_403_and_unpartnered_reseller_400(world):
    stranger, _u = make_direct_bill_partner()
    ProgramMembership.objects.create(partner=stranger, program=Program.INDIRECT_RESELLER)
    counts = (Tenant.objects.count(), User.objects.count(), CustomerAccount.objects.count())
    body = {
        "companyProfile": {"domain": "nope.onmicrosoft.com"},
        "billingProfile": {"companyName": "Nope"},
        "associatedPartnerId": str(world["reseller"].tenant_id),
    }
    resp = world["r"].post("/v1/customers", body, format="json")
    assert resp.status_code == 403 and "R13" in resp.json()["description"]
    body["associatedPartnerId"] = str(uuid.uuid4())
    assert world["r"].post("/v1/customers", body, format="json").status_code == 403
    body["associatedPartnerId"] = str(stranger.tenant_id)
    resp = world["p"].post("/v1/customers", body, format="json")
    assert resp.status_code == 400
    assert world["p"].post("/v1/customers", {"associatedPartnerId": "x"}, format="json").status_code == 400
    assert (Tenant.objects.count(), User.objects.count(), CustomerAccount.objects.count()) == counts


def test_customer_invitation_create_and_accept(world, api_client_for):
    resp = world["r"].post(
        "/v1/customerinvitations",
        {"providerId": str(world["provider"].tenant_id), "includeDelegatedAdmin": False},
        format="json",
    )
    assert resp.status_code == 201, resp.content
    data = resp.json()
    assert data["url"] in data["emailDraft"]["body"] and data["emailDraft"]["subject"]
    token = data["url"].rstrip("/").rsplit("/", 1)[1]
    tenant, admin = make_customer(name="Fresh Co")
    client = api_client_for(admin)
    ok = client.post("/v1/customerinvitations/accept", {"token": token}, format="json")
    assert ok.status_code == 200, ok.content
    assert (
        ok.json()["relationshipType"] == "is_indirect_cloud_solution_provider_of"
        and ok.json()["portal"]["delegatedAdminPrivileges"] is False
    )
    again = client.post("/v1/customerinvitations/accept", {"token": token}, format="json")
    assert again.status_code == 409 and again.json()["code"] == 4101  # used: as for partnership links
    unknown = client.post("/v1/customerinvitations/accept", {"token": "x" * 43}, format="json")
    assert unknown.status_code == 404 and unknown.json()["code"] == 4040
    # A partner cannot accept a customer invitation; a provider cannot send one.
    resp = world["p"].post(
        "/v1/customerinvitations", {"providerId": str(world["provider"].tenant_id)}, format="json"
    )
    assert resp.status_code == 403
    assert (
        world["r"].post("/v1/customerinvitations", {"providerId": "999999"}, format="json").status_code == 400
    )


def test_orders_api_and_error_codes(world):
    path = f"/v1/customers/{world['indirect'].id}/orders"
    line = {"offerId": "CFQ7TTC0LDPB:0001", "quantity": 2, "partnerIdOnRecord": world["reseller"].mpn_id}
    resp = world["p"].post(path, {"lineItems": [line]}, format="json")
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert (
        body["lineItems"][0]["partnerIdOnRecord"] == world["reseller"].mpn_id
        and body["status"] == "completed"
    )
    before = Subscription.objects.count()
    for pior, code in (("8888888", 800015), ("", 800015)):
        resp = world["p"].post(path, {"lineItems": [{**line, "partnerIdOnRecord": pior}]}, format="json")
        assert resp.status_code == 400 and resp.json()["code"] == code
    direct_only, _u = make_direct_bill_partner()
    resp = world["p"].post(
        path, {"lineItems": [{**line, "partnerIdOnRecord": direct_only.mpn_id}]}, format="json"
    )
    assert resp.json()["code"] == 800016
    ProgramMembership.objects.filter(partner=world["reseller"], program=Program.INDIRECT_RESELLER).update(
        status="restricted"
    )
    resp = world["p"].post(path, {"lineItems": [line]}, format="json")
    assert resp.json()["code"] == 800039
    # R14: the reseller's direct-bill capability is refused for its indirect customer.
    resp = world["r"].post(
        path, {"lineItems": [{"offerId": "CFQ7TTC0LDPB:0001", "quantity": 1}]}, format="json"
    )
    assert resp.status_code == 403 and "R14" in resp.json()["description"]
    assert world["p"].post(path, {"lineItems": "nope"}, format="json").status_code == 400
    assert Subscription.objects.count() == before
    orders = world["r"].get(path).json()
    assert orders["totalCount"] == 2


def test_subscriptions_api(world):
    base = f"/v1/customers/{world['indirect'].id}/subscriptions"
    listing = world["r"].get(base).json()
    assert listing["totalCount"] == 1 and listing["items"][0]["partnerId"] == world["reseller"].mpn_id
    sid = listing["items"][0]["id"]
    resp = world["p"].patch(f"{base}/{sid}", {"quantity": 6, "autoRenewEnabled": False}, format="json")
    assert (
        resp.status_code == 200 and resp.json()["quantity"] == 6 and resp.json()["autoRenewEnabled"] is False
    )
    assert (
        world["r"].patch(f"{base}/{sid}", {"status": "suspended"}, format="json").json()["status"]
        == "suspended"
    )
    assert world["r"].patch(f"{base}/{sid}", {"status": "deleted"}, format="json").status_code == 400
    assert world["p"].patch(f"{base}/{sid}", {"quantity": 0}, format="json").status_code == 400
    assert world["r"].patch(f"{base}/{sid}", {"quantity": 7}, format="json").status_code == 403  # R18
    assert world["r"].get(f"{base}/{sid}").json()["status"] == "suspended"
    # Removing the relationship needs suspended subscriptions: now it works.
    resp = world["r"].patch(
        f"/v1/customers/{world['indirect'].id}", {"relationshipToPartner": "none"}, format="json"
    )
    assert resp.status_code == 200 and resp.json()["relationshipToPartner"] == "none"
    assert world["r"].get(f"/v1/customers/{world['indirect'].id}").status_code == 404


def test_remove_relationship_with_active_subscriptions_is_refused(world):
    resp = world["r"].patch(
        f"/v1/customers/{world['indirect'].id}", {"relationshipToPartner": "none"}, format="json"
    )
    assert resp.status_code == 409 and resp.json()["data"] == [str(world["sub"].pk)]
    assert (
        ResellerRelationship.objects.filter(customer__tenant=world["indirect"], status="active").count() == 1
    )


def test_users_and_license_updates(world):
    base = f"/v1/customers/{world['indirect'].id}/users"
    resp = world["r"].post(base, {"userPrincipalName": "ann", "displayName": "Ann Lee"}, format="json")
    assert resp.status_code == 201, resp.content
    uid = resp.json()["id"]
    assert resp.json()["userPrincipalName"] == f"ann@{world['indirect'].default_domain}"
    assert world["r"].get(base).json()["totalCount"] == 2  # with the customer's own admin
    upd = world["r"].post(
        f"{base}/{uid}/licenseupdates", {"licensesToAssign": [{"skuId": "CFQ7TTC0LH18:0001"}]}, format="json"
    )
    assert upd.status_code == 201 and upd.json()["licensesToAssign"] == [
        {"skuId": "CFQ7TTC0LH18:0001", "excludedPlans": None}
    ]
    assert upd.json()["portal"]["licenses"][0]["productSku"]["id"] == "CFQ7TTC0LH18:0001"
    assert world["r"].get(f"{base}/{uid}/licenses").json()["totalCount"] == 1
    # The provider orders but does not administer users (R12).
    assert world["p"].get(base).status_code == 403
    assert (
        world["p"].post(base, {"userPrincipalName": "x", "displayName": "X"}, format="json").status_code
        == 403
    )
    rem = world["r"].post(
        f"{base}/{uid}/licenseupdates", {"licensesToRemove": ["CFQ7TTC0LH18:0001"]}, format="json"
    )
    assert rem.json()["licensesToRemove"] == ["CFQ7TTC0LH18:0001"] and rem.json()["portal"]["licenses"] == []
    bad = world["r"].post(
        f"{base}/{uid}/licenseupdates", {"licensesToAssign": [{"skuId": "nope"}]}, format="json"
    )
    assert bad.status_code == 400


def test_seat_limit_through_the_api(world):
    base = f"/v1/customers/{world['indirect'].id}/users"
    sub = world["sub"]  # quantity 3
    uids = [
        world["r"]
        .post(base, {"userPrincipalName": f"u{i}", "displayName": f"U{i}"}, format="json")
        .json()["id"]
        for i in range(4)
    ]
    for uid in uids[:3]:
        ok = world["r"].post(
            f"{base}/{uid}/licenseupdates",
            {"licensesToAssign": [{"portal": {"subscriptionId": str(sub.pk)}}]},
            format="json",
        )
        assert ok.status_code == 201
    full = world["r"].post(
        f"{base}/{uids[3]}/licenseupdates",
        {"licensesToAssign": [{"portal": {"subscriptionId": str(sub.pk)}}]},
        format="json",
    )
    assert full.status_code == 409


def test_offers(world):
    body = world["r"].get("/v1/offers", {"size": 50}).json()
    names = {o["name"] for o in body["items"]}
    assert {"Microsoft 365 Business Basic", "Office 365 E3", "Azure plan"} <= names
    azure = next(o for o in body["items"] if o["name"] == "Azure plan")
    assert azure["billing"] == "usage" and azure["portal"]["termDuration"] == "P1Y"
    assert azure["unitType"] == "Usage-based" and azure["supportedBillingCycles"] == ["monthly"]


def test_customer_tenant_users_cannot_use_partner_endpoints(world):
    assert world["customer_client"].get("/v1/customers").status_code == 403


def _bulk(reseller, n):
    now = clock.now()
    tenants = Tenant.objects.bulk_create(
        [
            Tenant(default_domain=f"api{i}.onmicrosoft.com", display_name=f"Api {i:04d}", kind="customer")
            for i in range(n)
        ]
    )
    accts = CustomerAccount.objects.bulk_create(
        [CustomerAccount(tenant=t, company_name=t.display_name) for t in tenants]
    )
    ResellerRelationship.objects.bulk_create(
        [
            ResellerRelationship(
                customer=a, partner=reseller, kind="direct", source="direct_bill", established_at=now
            )
            for a in accts
        ]
    )


def test_api_list_query_count_same_at_5_and_500(api_client_for):
    reseller, ruser, _provider, _p = make_partnered()
    client = api_client_for(ruser)
    _bulk(reseller, 5)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            resp = client.get("/v1/customers", {"size": 100})
        assert resp.status_code == 200
        return len(ctx.captured_queries), resp.json()

    count()  # warm-up: the first call also records the API token's first use
    small, body = count()
    assert body["totalCount"] == 5
    now = clock.now()
    more = Tenant.objects.bulk_create(
        [
            Tenant(default_domain=f"apimore{i}.onmicrosoft.com", display_name=f"M {i}", kind="customer")
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
    large, body = count()
    assert body["totalCount"] == 500 and len(body["items"]) == 100
    # One page's worth of rows or five hundred: the same queries, but for the total, which a first
    # page holding the whole set takes from its rows.
    assert large == small + 1


def test_openapi_schema_has_no_warnings_for_customers():
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path in (
        "/v1/customers",
        "/v1/customers/{customer_id}",
        "/v1/customers/relationshiprequests",
        "/v1/customerinvitations",
        "/v1/customerinvitations/accept",
        "/v1/customers/{customer_id}/orders",
        "/v1/customers/{customer_id}/subscriptions/{subscription_id}",
        "/v1/customers/{customer_id}/users/{user_id}/licenseupdates",
        "/v1/offers",
    ):
        assert path in schema["paths"], path
    ours = [
        w for w in list(GENERATOR_STATS._warn_cache) + list(GENERATOR_STATS._error_cache) if "customers" in w
    ]
    assert ours == []


def test_customer_invitation_list_and_revoke(world):
    created = (
        world["r"]
        .post("/v1/customerinvitations", {"providerId": str(world["provider"].tenant_id)}, format="json")
        .json()
    )
    listing = world["r"].get("/v1/customerinvitations").json()
    assert listing["totalCount"] == 1 and listing["items"][0]["status"] == "pending"
    assert "url" not in listing["items"][0]  # the link is shown once
    assert world["o"].get("/v1/customerinvitations").json()["totalCount"] == 0
    assert world["o"].post(f"/v1/customerinvitations/{created['id']}/revoke").status_code == 404
    revoked = world["r"].post(f"/v1/customerinvitations/{created['id']}/revoke")
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    again = world["r"].post(f"/v1/customerinvitations/{created['id']}/revoke")
    assert again.status_code == 409 and again.json()["code"] == 4091  # not pending: as for partnerships


def test_delete_user_frees_licenses_and_is_scoped(world):
    base = f"/v1/customers/{world['indirect'].id}/users"
    uid = (
        world["r"].post(base, {"userPrincipalName": "zed", "displayName": "Zed"}, format="json").json()["id"]
    )
    world["r"].post(
        f"{base}/{uid}/licenseupdates", {"licensesToAssign": [{"skuId": "CFQ7TTC0LH18:0001"}]}, format="json"
    )
    assert world["r"].get(f"{base}/{uid}").json()["userPrincipalName"].startswith("zed@")
    f = world["foreign"].id
    assert world["r"].delete(f"/v1/customers/{f}/users/{world['foreign_user'].pk}").status_code == 404
    assert world["r"].delete(f"{base}/{world['foreign_user'].pk}").status_code == 404
    assert world["p"].delete(f"{base}/{uid}").status_code == 403
    own_admin = CustomerUser.objects.get(customer__tenant=world["indirect"], portal_user__isnull=False)
    assert world["r"].delete(f"{base}/{own_admin.pk}").status_code == 409
    assert world["r"].delete(f"{base}/{uid}").status_code == 204
    assert world["r"].get(f"{base}/{uid}").status_code == 404
    assert not CustomerUser.objects.filter(pk=uid).exists()
    assert CustomerUser.objects.filter(pk=world["foreign_user"].pk).exists()


@pytest.mark.parametrize("n", [12, 240])
def test_api_continuation_walks_every_customer_once_at_constant_cost(world, n, monkeypatch):
    from partnercenter import paging

    reseller = world["reseller"]
    client = world["r"]
    _bulk(reseller, n)
    monkeypatch.setattr(paging.capped_count, "__defaults__", (100,))  # the total is counted up to 100
    seen, token, costs, totals = [], None, set(), []
    while True:
        params = {"size": 5}
        if token:
            params["continuationToken"] = token
        with CaptureQueriesContext(connection) as ctx:
            body = client.get("/v1/customers", params).json()
        if token:
            costs.add(len(ctx.captured_queries))
        seen += [c["id"] for c in body["items"]]
        totals.append((body["totalCount"], body.get("totalCountIsLowerBound", False)))
        token = body.get("continuationToken")
        if not token:
            break
    assert len(seen) == len(set(seen)) and len(seen) >= n
    assert set(totals) == {(min(len(seen), 100), len(seen) > 100)}
    assert len(costs) == 1  # page 2 costs what the last page costs


def _new_customer(domain="adatum.onmicrosoft.com", **extra):
    return {
        "companyProfile": {"domain": domain},
        "billingProfile": {
            "companyName": "Adatum",
            "email": "it@adatum.example",
            "defaultAddress": {"country": "US", "city": "Redmond", "firstName": "Gena", "lastName": "Soto"},
        },
        **extra,
    }


def test_direct_bill_partner_creates_a_direct_customer(api_client_for):
    partner, user = make_direct_bill_partner()
    client = api_client_for(user)
    resp = client.post("/v1/customers", _new_customer(), format="json")
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["relationshipToPartner"] == "reseller" and body["allowDelegatedAccess"] is True
    assert body["associatedPartnerId"] is None and body["portal"]["relationships"] == ["direct"]
    assert body["companyProfile"]["domain"] == "adatum.onmicrosoft.com"
    assert body["billingProfile"]["defaultAddress"]["country"] == "US"
    assert body["userCredentials"]["userName"] == "admin@adatum.onmicrosoft.com"
    rel = ResellerRelationship.objects.get(customer__tenant_id=body["id"])
    assert (rel.partner, rel.kind, rel.delegated_admin) == (partner, "direct", True)
    listed = client.get("/v1/customers").json()["items"]
    assert [c["id"] for c in listed] == [body["id"]]
    assert "userCredentials" not in listed[0]  # the password is shown once


def test_create_reads_the_real_sdks_pascal_case_body(api_client_for):
    """The Partner Center SDKs send PascalCase keys (create-a-customer's request example)."""
    _partner, user = make_direct_bill_partner()
    body = {
        "CompanyProfile": {"Domain": "Fabrikam7.onmicrosoft.com"},
        "BillingProfile": {
            "Culture": "EN-US",
            "Email": "test@outlook.com",
            "Language": "en",
            "CompanyName": "Fabrikam Seven",
            "DefaultAddress": {"FirstName": "Test", "City": "Redmond", "State": "WA", "Country": "US"},
        },
        "RelationshipToPartner": "none",
        "Attributes": {"ObjectType": "Customer"},
    }
    resp = api_client_for(user).post("/v1/customers", body, format="json")
    assert resp.status_code == 201, resp.content
    assert resp.json()["companyProfile"]["domain"] == "fabrikam7.onmicrosoft.com"
    assert CustomerAccount.objects.get(tenant__default_domain="fabrikam7.onmicrosoft.com").city == "Redmond"


def test_indirect_reseller_and_provider_cannot_create_a_direct_customer(api_client_for):
    """R13: an indirect reseller without the direct-bill program gets the refusal; so does a provider that
    names no reseller. Nothing is created."""
    reseller, ruser = make_partner(Program.INDIRECT_RESELLER)
    _provider, puser = make_provider()
    counts = (Tenant.objects.count(), User.objects.count(), CustomerAccount.objects.count())
    for user in (ruser, puser):
        resp = api_client_for(user).post("/v1/customers", _new_customer(), format="json")
        assert resp.status_code == 403, resp.content
        assert resp.json()["reason"] == "customers.create_not_direct_bill"
        assert resp.json()["source"] == "PartnerFD"
    assert (Tenant.objects.count(), User.objects.count(), CustomerAccount.objects.count()) == counts


@pytest.mark.parametrize("domain", ["adatum.example.com", ".onmicrosoft.com", "  "])
def test_a_domain_that_is_not_onmicrosoft_is_a_400(api_client_for, domain):
    _partner, user = make_direct_bill_partner()
    before = Tenant.objects.count()
    resp = api_client_for(user).post("/v1/customers", _new_customer(domain), format="json")
    assert resp.status_code == 400 and resp.json()["reason"] == "input.invalid"
    assert "companyProfile" in resp.json()["description"]
    assert Tenant.objects.count() == before


def test_error_bodies_carry_source_and_reason(world, client):
    unauthenticated = client.get("/v1/customers")
    assert unauthenticated.status_code == 401
    assert unauthenticated.json()["source"] == "PartnerFD"
    assert unauthenticated.json()["reason"] == "not_authenticated"
    unknown = world["r"].get(f"/v1/customers/{uuid.uuid4()}")
    assert unknown.status_code == 404 and unknown.json()["reason"]
    assert set(unknown.json()) == {"code", "description", "data", "source", "reason"}


def test_excluded_plans_are_refused_not_ignored(world):
    base = f"/v1/customers/{world['indirect'].id}/users"
    uid = (
        world["r"].post(base, {"userPrincipalName": "pat", "displayName": "Pat"}, format="json").json()["id"]
    )
    resp = world["r"].post(
        f"{base}/{uid}/licenseupdates",
        {"licensesToAssign": [{"skuId": "CFQ7TTC0LH18:0001", "excludedPlans": ["x"]}]},
        format="json",
    )
    assert resp.status_code == 400
    assert world["r"].get(f"{base}/{uid}/licenses").json()["totalCount"] == 0


def test_direct_bill_only_offers_are_not_available_to_an_indirect_only_partner(world, api_client_for):
    from customers.models import Offer

    offer = Offer.objects.filter(is_active=True).first()
    Offer.objects.filter(pk=offer.pk).update(direct_bill_only=True)
    _reseller, ruser = make_partner(Program.INDIRECT_RESELLER)
    for client, available in ((api_client_for(ruser), False), (world["r"], True)):
        items = client.get("/v1/offers", {"size": 500}).json()["items"]
        item = next(o for o in items if o["id"] == offer.pk)
        assert item["isAvailableForPurchase"] is available
        assert item["portal"]["directBillOnly"] is True


@pytest.mark.parametrize("kind", ["orders", "subscriptions", "users"])
def test_order_subscription_and_user_lists_cost_the_same_for_more_rows(world, kind):
    """The real shapes (offers of the line items, links, licenses) are built without a query per row."""
    reseller, provider = world["reseller"], world["provider"]
    puser = provider.tenant.users.first()
    path = f"/v1/customers/{world['indirect'].id}/{kind}"

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert world["r"].get(path).status_code == 200
        return len(ctx.captured_queries)

    queries()  # warm: the token records its last use at most once a minute
    few = queries()
    for i in range(4):
        order(provider, puser, world["indirect"], offer_id="CFQ7TTC0LDPB:0001", pior=reseller.mpn_id)
        world["r"].post(
            f"/v1/customers/{world['indirect'].id}/users",
            {"userPrincipalName": f"q{i}", "displayName": f"Q{i}"},
            format="json",
        )
    assert queries() == few
