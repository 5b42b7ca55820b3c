"""Seek paging: every row once, forwards and back; tokens signed and bound to their path; a deep page is
the same query as the first (no OFFSET); totals counted only up to a cap, and say so."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partnercenter import paging
from tenants.models import Tenant
from tests.factories import TenantFactory

pytestmark = pytest.mark.django_db


def _walk(qs, size, path="/list/"):
    seen, token, pages = [], None, []
    while True:
        page = paging.seek_page(qs, path=path, token=token, size=size)
        pages.append(page)
        seen += [t.pk for t in page]
        token = page.next_token
        if not token:
            return seen, pages


@pytest.mark.parametrize("order", [("display_name",), ("-display_name",), ("kind", "-created_at")])
def test_every_row_once_in_order_forwards_and_back(order):
    for i in range(11):
        TenantFactory(display_name=f"Same name {i % 3}")  # ties: the pk breaks them
    qs = Tenant.objects.order_by(*order)
    keys = paging.sort_keys(qs)
    assert keys[:-1] == list(order) and keys[-1] in ("pk", "-pk")  # the pk breaks ties
    expected = list(qs.order_by(*keys).values_list("pk", flat=True))
    seen, pages = _walk(qs, 4)
    assert seen == expected and len(pages) == 3
    assert not pages[0].has_previous and pages[1].has_previous and not pages[-1].has_next
    # Back from the last page: the same pages, in order, and the first has no previous link.
    back, token = [], pages[-1].previous_token
    while token:
        page = paging.seek_page(qs, path="/list/", token=token, size=4)
        back = [t.pk for t in page] + back
        token = page.previous_token
    assert back == expected[: len(back)] and len(back) == 8


def test_tokens_are_signed_and_bound_to_their_path():
    for _ in range(3):
        TenantFactory()
    token = paging.seek_page(Tenant.objects.all(), path="/a/", token=None, size=1).next_token
    for bad in [token + "x", "abc", token[:-3] + "AAA"]:
        with pytest.raises(paging.BadCursor):
            paging.seek_page(Tenant.objects.all(), path="/a/", token=bad, size=1)
    with pytest.raises(paging.BadCursor):
        paging.seek_page(Tenant.objects.all(), path="/b/", token=token, size=1)
    with pytest.raises(paging.BadCursor):  # a token of a list with another sort key
        paging.seek_page(Tenant.objects.order_by("kind", "display_name"), path="/a/", token=token, size=1)


def test_a_deep_page_is_the_same_query_as_the_first():
    for _ in range(30):
        TenantFactory()
    qs = Tenant.objects.order_by("display_name")
    _seen, pages = _walk(qs, 5)
    with CaptureQueriesContext(connection) as first:
        paging.seek_page(qs, path="/list/", token=None, size=5)
    with CaptureQueriesContext(connection) as deep:
        paging.seek_page(qs, path="/list/", token=pages[-2].next_token, size=5)
    assert len(first.captured_queries) == len(deep.captured_queries) == 2
    for q in first.captured_queries + deep.captured_queries:
        assert "OFFSET" not in q["sql"].upper()


def test_the_total_is_counted_up_to_a_cap(monkeypatch):
    for _ in range(7):
        TenantFactory()
    page = paging.seek_page(Tenant.objects.all(), path="/l/", token=None, size=2)
    assert (page.total, page.total_exact) == (7, True)
    monkeypatch.setattr(paging, "COUNT_CAP", 5)
    assert paging.capped_count(Tenant.objects.all(), paging.COUNT_CAP) == (5, False)


def test_a_first_page_holding_the_whole_set_is_its_own_total():
    for i in range(3):
        TenantFactory(display_name=f"Few {i}")
    qs = Tenant.objects.order_by("display_name")
    with CaptureQueriesContext(connection) as whole:
        page = paging.seek_page(qs, path="/list/", token=None, size=10)
    assert (page.total, page.total_exact, len(whole.captured_queries)) == (3, True, 1)
    # A first page with more behind it, and any later page, count (up to the cap).
    with CaptureQueriesContext(connection) as partial:
        first = paging.seek_page(qs, path="/list/", token=None, size=2)
    assert (first.total, first.total_exact, len(partial.captured_queries)) == (3, True, 2)
    with CaptureQueriesContext(connection) as later:
        last = paging.seek_page(qs, path="/list/", token=first.next_token, size=2)
    assert (last.total, len(last.object_list), len(later.captured_queries)) == (3, 1, 2)
