"""The migration tracker: every direct-bill customer with its move state, filters, counts, chart, CSV,
and a page whose query count does not grow with its length."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customers.models import CustomerAccount
from tests.customers.factories import make_customer, relate
from transition import selectors
from transition.selectors import MoveState

from .helpers import authorize, direct_customer, one_of_each, setup

pytestmark = pytest.mark.django_db


def states(reseller, **kw):
    return {c.company_name: c.move_state for c in selectors.tracker_customers(profile=reseller, **kw)}


def test_each_customer_has_its_state():
    reseller, user, provider = setup()
    one_of_each(reseller, user, provider)
    assert states(reseller) == {
        "Alpha": MoveState.NOT_INVITED,
        "Bravo": MoveState.INVITED,
        "Charlie": MoveState.AUTHORIZED,
        "Delta": MoveState.MOVED_WITH_DIRECT_SUBSCRIPTIONS,
        "Echo": MoveState.BLOCKED,
    }


def test_invited_row_says_when_and_with_which_provider():
    reseller, user, provider = setup()
    one_of_each(reseller, user, provider)
    row = selectors.with_details(
        selectors.tracker_customers(profile=reseller, state=MoveState.INVITED), profile=reseller
    ).get()
    assert row.company_name == "Bravo"
    assert row.invited_provider_name == provider.legal_name
    assert str(row.invited_provider_tenant) == str(provider.tenant_id)
    assert row.invited_at is not None


def test_only_the_partners_direct_bill_customers_are_tracked():
    reseller, user, provider = setup()
    mine = direct_customer(reseller, name="Mine")
    # Another partner's direct customer, and a customer this reseller got as indirect reseller only.
    other, _other_user, _p = setup()
    direct_customer(other, name="Theirs")
    tenant, _ = make_customer(name="Indirect only")
    relate(tenant, reseller, kind="indirect", provider=provider)
    assert states(reseller) == {"Mine": MoveState.NOT_INVITED}
    assert states(other) == {"Theirs": MoveState.NOT_INVITED}
    # A moved customer whose direct relationship later ended stays in the tracker (it moved from direct).
    rel = authorize(reseller, provider, mine)
    rel.source = "direct_bill"
    rel.save(update_fields=["source"])
    mine.relationships.filter(kind="direct").update(status="removed")
    assert states(reseller) == {"Mine": MoveState.AUTHORIZED}


def test_expired_or_revoked_invitations_do_not_count_as_invited():
    from customers.services.invitations import customer_invitation_revoke

    from .helpers import invite_by_hand

    reseller, user, provider = setup()
    account = direct_customer(reseller, name="Alpha")
    invitation = invite_by_hand(reseller, user, provider, account)
    assert states(reseller) == {"Alpha": MoveState.INVITED}
    customer_invitation_revoke(invitation=invitation, user=user)
    assert states(reseller) == {"Alpha": MoveState.NOT_INVITED}


def test_filters_and_counts():
    reseller, user, provider = setup()
    one_of_each(reseller, user, provider)
    direct_customer(reseller, name="Alpine")
    assert list(states(reseller, state=MoveState.NOT_INVITED)) == ["Alpha", "Alpine"]
    assert list(states(reseller, q="alp")) == ["Alpha", "Alpine"]
    assert list(states(reseller, q="echo", state=MoveState.BLOCKED)) == ["Echo"]
    with CaptureQueriesContext(connection) as ctx:
        counts = selectors.state_counts(profile=reseller)
    grouped = [q for q in ctx.captured_queries if "GROUP BY" in q["sql"]]
    assert len(grouped) == 1
    assert counts == {
        MoveState.NOT_INVITED: 2,
        MoveState.INVITED: 1,
        MoveState.AUTHORIZED: 1,
        MoveState.MOVED_WITH_DIRECT_SUBSCRIPTIONS: 1,
        MoveState.BLOCKED: 1,
    }
    assert selectors.state_counts(profile=reseller, q="alp")[MoveState.NOT_INVITED] == 2


def test_page_shows_states_counts_chart_and_blocked_reason(client):
    reseller, user, provider = setup()
    one_of_each(reseller, user, provider)
    client.force_login(user)
    response = client.get("/transition/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="state-counts"' in html and 'data-testid="progress-chart"' in html
    assert "<svg" in html and "bar-invited" in html
    assert "Microsoft Store for Business customers cannot move" in html
    assert f"with {provider.legal_name}" in html
    assert "R16" not in html and "store_for_business" not in html
    for state in MoveState.VALUES:
        assert f'data-state="{state}"' in html
    # The nav entry is there for a direct-bill partner.
    assert 'href="/transition/"' in html
    filtered = client.get("/transition/", {"state": "blocked"}).content.decode()
    assert "Echo" in filtered and "Alpha" not in filtered


def test_chart_counts_invitations_and_moves_per_day():
    reseller, user, provider = setup()
    accounts = one_of_each(reseller, user, provider)
    rel = accounts["authorized"].relationships.get(kind="indirect")
    rel.source = "direct_bill"
    rel.save(update_fields=["source"])
    days = selectors.progress_by_day(profile=reseller)
    assert len(days) == selectors.CHART_DAYS
    assert days[-1].invited == 1 and days[-1].moved == 1
    assert sum(d.invited for d in days[:-1]) == 0


def _page_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_page_and_api_query_counts_do_not_grow_with_the_list(client):
    reseller, user, provider = setup()
    one_of_each(reseller, user, provider, prefix="A ")
    client.force_login(user)
    _page_queries(client, "/transition/")  # warm the per-process caches (content types, sessions)
    _page_queries(client, "/v1/transition/customers")
    small_page, small_api = (
        _page_queries(client, "/transition/"),
        _page_queries(client, "/v1/transition/customers"),
    )
    for i in range(4):
        one_of_each(reseller, user, provider, prefix=f"B{i} ")
    assert CustomerAccount.objects.count() >= 25
    assert _page_queries(client, "/transition/") == small_page
    assert _page_queries(client, "/v1/transition/customers") == small_api


def test_seek_paging_walks_every_customer_once(client):
    from transition import views

    reseller, user, provider = setup()
    for i in range(views.PAGE_SIZE + 5):
        direct_customer(reseller, name=f"C{i:03d}")
    client.force_login(user)
    first = client.get("/transition/")
    names = [r.company_name for r in first.context["page_obj"].object_list]
    token = first.context["page_obj"].next_token
    second = client.get("/transition/", {"cursor": token})
    names += [r.company_name for r in second.context["page_obj"].object_list]
    assert names == [f"C{i:03d}" for i in range(views.PAGE_SIZE + 5)]


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_csv_export_is_streamed_filtered_and_scoped(client):
    reseller, user, provider = setup()
    one_of_each(reseller, user, provider)
    direct_customer(reseller, name="=HYPERLINK(1)")
    other, _u, _p = setup()
    direct_customer(other, name="Theirs")
    client.force_login(user)
    response = client.get("/transition/export.csv")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert rows[0][:4] == ["Company", "Domain", "Customer ID", "State"]
    by_name = {r[0]: r for r in rows[1:]}
    assert "Theirs" not in by_name
    assert "'=HYPERLINK(1)" in by_name  # a spreadsheet will not run it
    assert by_name["Bravo"][3] == "Invited" and by_name["Bravo"][5] == provider.legal_name
    assert by_name["Echo"][3] == "Cannot move" and "Store for Business" in by_name["Echo"][6]
    only_blocked = _csv(client.get("/transition/export.csv", {"state": "blocked"}))
    assert [r[0] for r in only_blocked[1:]] == ["Echo"]


def test_a_customer_tenant_user_cannot_open_the_tracker(client):
    _tenant, customer_admin = make_customer()
    client.force_login(customer_admin)
    assert client.get("/transition/").status_code == 403
    assert client.get("/transition/export.csv").status_code == 403
