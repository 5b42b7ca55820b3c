"""The provider's reseller lists (the Indirect resellers page and /v1/relationships) page by key, and a
page costs the same number of queries with 5 resellers as with 60, on the first page as on the last."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tenants.models import Partnership, Program
from tests.factories import make_partner

pytestmark = pytest.mark.django_db


def _provider_with(n):
    provider, user = make_partner(Program.INDIRECT_PROVIDER)
    for _ in range(n):
        reseller, _u = make_partner(Program.DIRECT_BILL, Program.INDIRECT_RESELLER)
        Partnership.objects.create(provider=provider, reseller=reseller)
    return provider, user


def _queries(client, url, **kwargs):
    with CaptureQueriesContext(connection) as ctx:
        resp = client.get(url, **kwargs)
    assert resp.status_code == 200
    return len(ctx.captured_queries), resp


@pytest.mark.parametrize("n", [5, 60])
def test_indirect_resellers_page_walks_by_key_at_a_constant_cost(n):
    _provider, user = _provider_with(n)
    client = Client()
    client.force_login(user)
    client.get("/indirect-resellers/")
    first, resp = _queries(client, "/indirect-resellers/")
    costs, url, pages = {first}, None, 1
    found = re.search(r'<a href="([^"]+)" rel="next">', resp.content.decode())
    while found:
        url = "/indirect-resellers/" + unescape(found.group(1))
        cost, resp = _queries(client, url)
        costs.add(cost)
        pages += 1
        found = re.search(r'<a href="([^"]+)" rel="next">', resp.content.decode())
    assert pages == -(-n // 20) and "page=" not in resp.content.decode()
    assert len(costs) == 1, costs


@pytest.mark.parametrize("n", [5, 60])
def test_relationships_api_walks_every_reseller_once_at_a_constant_cost(n, api_client_for):
    _provider, user = _provider_with(n)
    client = api_client_for(user)
    url = "/v1/relationships?relationship_type=IsIndirectCloudSolutionProviderOf&size=10"
    client.get(url)
    seen, token, costs = [], None, set()
    while True:
        with CaptureQueriesContext(connection) as ctx:
            body = client.get(url + (f"&continuationToken={token}" if token else "")).json()
        costs.add(len(ctx.captured_queries))
        seen += [item["id"] for item in body["items"]]
        assert body["totalCount"] == n
        token = body.get("continuationToken")
        if not token:
            break
    assert len(seen) == len(set(seen)) == n
    assert len(costs) == 1, costs
