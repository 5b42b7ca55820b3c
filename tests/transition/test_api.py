"""/v1/transition/...: the tracker and the bulk move over the API, scoped to the caller's partner."""

from __future__ import annotations

import pytest

from partnercenter import jobs
from transition.models import MoveBatch, MoveBatchItem
from transition.selectors import MoveState

from .helpers import direct_customer, one_of_each, setup

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(client):
    reseller, user, provider = setup()
    accounts = one_of_each(reseller, user, provider)
    client.force_login(user)
    return reseller, user, provider, accounts


def post(client, body):
    return client.post("/v1/transition/invitations", body, content_type="application/json")


def test_tracker_list_shape_counts_and_filters(client, world):
    reseller, user, provider, accounts = world
    body = client.get("/v1/transition/customers").json()
    assert body["totalCount"] == 5
    assert body["stateCounts"] == {
        "not_invited": 1,
        "invited": 1,
        "authorized": 1,
        "moved_with_direct_subscriptions": 1,
        "blocked": 1,
    }
    by_state = {item["state"]: item for item in body["items"]}
    invited = by_state["invited"]
    assert invited["id"] == str(accounts["invited"].tenant_id)
    assert invited["invitation"]["provider"] == {"id": str(provider.tenant_id), "name": provider.legal_name}
    assert invited["invitation"]["createdAt"]
    blocked = by_state["blocked"]["blockedReason"]
    assert blocked["code"] == "customer_invitation.store_for_business"
    assert "Store for Business" in blocked["description"]
    assert by_state["not_invited"]["invitation"] is None and by_state["not_invited"]["blockedReason"] is None
    only = client.get("/v1/transition/customers", {"state": "blocked"}).json()
    assert [i["companyName"] for i in only["items"]] == ["Echo"]
    assert client.get("/v1/transition/customers", {"q": "char"}).json()["totalCount"] == 1
    bad = client.get("/v1/transition/customers", {"state": "moved"})
    assert bad.status_code == 400 and {"code", "description", "data"} <= set(bad.json())


def test_tracker_pages_with_a_continuation_token(client, world):
    page = client.get("/v1/transition/customers", {"size": 2}).json()
    names = [i["companyName"] for i in page["items"]]
    while "continuationToken" in page:
        page = client.get(
            "/v1/transition/customers", {"size": 2, "continuationToken": page["continuationToken"]}
        ).json()
        names += [i["companyName"] for i in page["items"]]
    assert names == ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]


def test_create_a_batch_follow_it_and_read_its_items(client, world):
    reseller, user, provider, accounts = world
    ids = [str(a.tenant_id) for a in accounts.values()]
    response = post(client, {"providerId": str(provider.tenant_id), "customerIds": ids})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "queued" and body["totalCount"] == 5 and body["pendingCount"] == 5
    assert body["provider"] == {"id": str(provider.tenant_id), "name": provider.legal_name}
    jobs.sweep_all()
    status = client.get(f"/v1/transition/invitations/{body['id']}").json()
    assert status["state"] == "done"
    assert (
        status["invitedCount"],
        status["skippedCount"],
        status["failedCount"],
        status["pendingCount"],
    ) == (
        1,
        4,
        0,
        0,
    )
    skipped = client.get(f"/v1/transition/invitations/{body['id']}/items", {"state": "skipped"}).json()
    assert skipped["totalCount"] == 4
    reasons = {i["companyName"]: i["reason"]["code"] for i in skipped["items"]}
    assert reasons["Echo"] == "customer_invitation.store_for_business"
    assert reasons["Bravo"] == "transition.already_invited"
    listed = client.get("/v1/transition/invitations").json()
    assert [b["id"] for b in listed["items"]] == [body["id"]]
    tracker = client.get("/v1/transition/customers", {"state": MoveState.INVITED}).json()
    assert tracker["totalCount"] == 2


def test_create_by_filter(client, world):
    reseller, user, provider, accounts = world
    response = post(client, {"providerId": str(provider.tenant_id), "filter": {"state": "not_invited"}})
    assert response.status_code == 201
    batch = MoveBatch.objects.get(pk=response.json()["id"])
    assert list(MoveBatchItem.objects.filter(batch=batch).values_list("customer_id", flat=True)) == [
        accounts["not_invited"].pk
    ]


@pytest.mark.parametrize(
    "body",
    [
        {"customerIds": ["x"]},  # no provider
        {"providerId": "PROVIDER"},  # neither ids nor filter
        {"providerId": "PROVIDER", "customerIds": ["CUSTOMER"], "filter": {"state": "invited"}},
        {"providerId": "PROVIDER", "filter": {"state": "moved"}},
        {"providerId": "PROVIDER", "customerIds": []},
        {"providerId": "PROVIDER", "customerIds": ["CUSTOMER", "4b1c6f8e-0000-4000-8000-000000000000"]},
        {"providerId": "4b1c6f8e-0000-4000-8000-000000000000", "customerIds": ["CUSTOMER"]},
        {"providerId": "PROVIDER", "filter": {"state": "authorized", "q": "nobody-matches"}},
    ],
)
def test_bad_requests_answer_the_error_body_and_change_nothing(client, world, body):
    reseller, user, provider, accounts = world
    raw = str(body).replace("PROVIDER", str(provider.tenant_id))
    raw = raw.replace("CUSTOMER", str(accounts["not_invited"].tenant_id))
    import ast

    response = post(client, ast.literal_eval(raw))
    assert response.status_code == 400, response.content
    assert {"code", "description", "data"} <= set(response.json())
    assert not MoveBatch.objects.exists() and not MoveBatchItem.objects.exists()


def test_another_partner_sees_nothing(client, world):
    reseller, user, provider, accounts = world
    response = post(client, {"providerId": str(provider.tenant_id), "filter": {}})
    batch_id = response.json()["id"]
    other, other_user, other_provider = setup()
    direct_customer(other, name="Theirs")
    client.force_login(other_user)
    assert [i["companyName"] for i in client.get("/v1/transition/customers").json()["items"]] == ["Theirs"]
    assert client.get(f"/v1/transition/invitations/{batch_id}").status_code == 404
    assert client.get(f"/v1/transition/invitations/{batch_id}/items").status_code == 404
    assert client.get("/v1/transition/invitations/not-a-uuid").status_code == 404
    assert client.get("/v1/transition/invitations").json()["items"] == []
    assert client.get(f"/transition/batches/{batch_id}/").status_code == 404
    # Nor can it name the first partner's customers in a batch of its own.
    other_ids = [str(a.tenant_id) for a in accounts.values()]
    denied = post(client, {"providerId": str(other_provider.tenant_id), "customerIds": other_ids})
    assert denied.status_code == 400
    assert MoveBatch.objects.filter(partner=other).count() == 0


def test_page_form_starts_a_batch_and_shows_its_progress(client, world):
    reseller, user, provider, accounts = world
    ids = [str(accounts["not_invited"].tenant_id), str(accounts["blocked"].tenant_id)]
    response = client.post(
        "/transition/move/",
        {
            "provider": str(provider.tenant_id),
            "scope": "selected",
            "customer": ids,
            "include_delegated_admin": "on",
        },
    )
    assert response.status_code == 302
    batch = MoveBatch.objects.get()
    assert response["Location"] == f"/transition/batches/{batch.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "<progress" in page and 'max="2"' in page and "js/transition.js" in page
    assert f'data-status-url="/v1/transition/invitations/{batch.pk}"' in page
    jobs.sweep_all()
    page = client.get(response["Location"]).content.decode()
    assert 'value="2"' in page and "js/transition.js" not in page  # finished: no more polling
    assert "Microsoft Store for Business customers cannot move" in page
    assert "customer_invitation.store_for_business" in page  # as a data attribute only
    assert "R16" not in page


def test_page_form_errors_change_nothing(client, world):
    reseller, user, provider, accounts = world
    response = client.post("/transition/move/", {"provider": str(provider.tenant_id), "scope": "selected"})
    assert response.status_code == 400
    assert "Select the customers to invite" in response.content.decode()
    response = client.post(
        "/transition/move/",
        {"provider": str(provider.tenant_id), "scope": "filter", "state": "authorized", "q": "zzz"},
    )
    assert response.status_code == 400 and "Choose at least one customer" in response.content.decode()
    assert not MoveBatch.objects.exists()


def test_a_sales_agent_may_look_but_not_send(client, world):
    from tenants.models import Role, User

    reseller, user, provider, accounts = world
    sales = User.objects.create(
        email="sales-agent@example.com", tenant=reseller.tenant, role=Role.SALES_AGENT
    )
    client.force_login(sales)
    assert client.get("/transition/").status_code == 200
    assert client.get("/v1/transition/customers").status_code == 200
    denied = post(client, {"providerId": str(provider.tenant_id), "filter": {}})
    assert denied.status_code == 403 and denied.json()["code"] == 403
    assert not MoveBatch.objects.exists()
