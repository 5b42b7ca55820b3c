"""The Overview and profile pages cost the same number of queries however many programs and events."""

import pytest
from django.urls import reverse

from partnercenter import events
from tenants.models import Program
from tenants.services import api_token_create, program_join
from tests.factories import make_partner

pytestmark = pytest.mark.django_db


def add_history(profile, user, n=40):
    for i in range(n):
        events.record("profile.updated", tenant=profile.tenant, actor=user, obj=profile, payload={"n": i})
    for i in range(10):
        api_token_create(user=user, name=f"key {i}")


def measure(client, url, django_assert_max_num_queries, limit=40) -> int:
    with django_assert_max_num_queries(limit) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url_name", ["profile", "api_keys"])
def test_page_query_count_does_not_grow_with_programs_or_events(
    client, url_name, django_assert_max_num_queries
):
    profile, user = make_partner(Program.DIRECT_BILL)
    api_token_create(user=user, name="first")
    client.force_login(user)
    url = reverse(url_name)
    client.get(url)
    baseline = measure(client, url, django_assert_max_num_queries)

    program_join(profile=profile, program=Program.INDIRECT_RESELLER, actor=user)
    program_join(profile=profile, program=Program.INDIRECT_PROVIDER, actor=user)
    add_history(profile, user)

    assert measure(client, url, django_assert_max_num_queries, limit=baseline) <= baseline


def test_overview_query_count_does_not_grow_with_events(client, django_assert_max_num_queries):
    # Every program from the start: each program can add its own Overview card (a fixed cost per card).
    profile, user = make_partner(Program.DIRECT_BILL, Program.INDIRECT_RESELLER, Program.INDIRECT_PROVIDER)
    client.force_login(user)
    url = reverse("overview")
    client.get(url)
    baseline = measure(client, url, django_assert_max_num_queries)
    add_history(profile, user, n=60)
    assert measure(client, url, django_assert_max_num_queries, limit=baseline) <= baseline


def test_foundation_part_of_overview_is_a_few_queries(client, django_assert_max_num_queries, monkeypatch):
    """Without other apps' cards: session, user, profile, programs (the layout reuses them)."""
    from partnercenter import registry

    monkeypatch.setattr(registry, "overview_cards", lambda: [])
    _profile, user = make_partner(Program.DIRECT_BILL, Program.INDIRECT_PROVIDER)
    client.force_login(user)
    client.get(reverse("overview"))
    assert measure(client, reverse("overview"), django_assert_max_num_queries, limit=4) <= 4
