"""The customer page's license table offers only what fits each user: Remove for a license the user has,
Assign for one the user lacks while a seat is free (else a disabled Assign that says why); the service
refuses a request that does not match the user's state and changes nothing."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from customers import selectors
from customers.models import CustomerUser, LicenseAssignment, Subscription
from customers.services.directory import license_change
from partnercenter.errors import Conflict, DomainError
from partnercenter.models import Event
from tests.customers.factories import make_customer, make_partnered, order, relate

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    reseller, ruser, provider, puser = make_partnered()
    tenant, _admin = make_customer()
    relate(tenant, reseller, kind="indirect", provider=provider)
    order(provider, puser, tenant, pior=reseller.mpn_id, quantity=1)
    client = Client()
    client.force_login(ruser)
    base = f"/customers/{tenant.id}"
    for name in ("ann", "bob"):
        client.post(
            f"{base}/users/", {"user_name": name, "display_name": name.title(), "usage_location": "US"}
        )
    users = {u.display_name: u for u in CustomerUser.objects.filter(customer__tenant=tenant)}
    return {
        "client": client,
        "base": base,
        "tenant": tenant,
        "reseller": ruser,
        "sub": Subscription.objects.get(),
        "ann": users["Ann"],
        "bob": users["Bob"],
    }


def license_cell(page: str, user) -> str:
    section = page[page.index('id="licenses"') :]
    start = section.index(f'data-user="{user.pk}"')
    return section[start : section.index("</tr>", start)]


def buttons(cell: str) -> list[tuple[str, bool]]:
    """(what the button does, whether it is enabled)."""
    found = []
    for tag in re.findall(r"<button[^>]*>", cell):
        action = re.search(r'value="(\w+)"', tag)
        found.append((action.group(1) if action else "assign", "disabled" not in tag))
    return found


def post(w, user, action):
    return w["client"].post(
        f"{w['base']}/users/{user.pk}/licenses/", {"subscription": w["sub"].pk, "action": action}, follow=True
    )


def test_a_user_without_the_license_is_offered_assign_only(world):
    page = world["client"].get(world["base"] + "/").content.decode()
    assert buttons(license_cell(page, world["ann"])) == [("assign", True)]


def test_a_user_with_the_license_is_offered_remove_only(world):
    post(world, world["ann"], "assign")
    page = world["client"].get(world["base"] + "/").content.decode()
    assert buttons(license_cell(page, world["ann"])) == [("remove", True)]


def test_with_no_free_seat_assign_is_disabled_and_says_why(world):
    post(world, world["ann"], "assign")
    page = world["client"].get(world["base"] + "/").content.decode()
    bob = license_cell(page, world["bob"])
    assert buttons(bob) == [("assign", False)]
    assert "No free license: increase the subscription's quantity first." in bob
    assert "1 of 1 licenses assigned" in bob


def test_assign_then_remove_through_the_page(world):
    response = post(world, world["ann"], "assign")
    assert "License assigned to ann@" in response.content.decode()
    assert LicenseAssignment.objects.filter(user=world["ann"]).count() == 1
    response = post(world, world["ann"], "remove")
    assert "License removed from ann@" in response.content.decode()
    assert not LicenseAssignment.objects.exists()


def test_assigning_a_license_the_user_has_is_refused_and_changes_nothing(world):
    post(world, world["ann"], "assign")
    events = Event.objects.count()
    response = post(world, world["ann"], "assign")
    assert "already has a license of" in response.content.decode()
    assert LicenseAssignment.objects.filter(user=world["ann"]).count() == 1
    assert Event.objects.count() == events


def test_removing_a_license_the_user_lacks_is_refused_and_changes_nothing(world):
    events = Event.objects.count()
    response = post(world, world["bob"], "remove")
    assert "has no license of" in response.content.decode() and "to remove" in response.content.decode()
    assert Event.objects.count() == events


def test_the_service_names_the_reason(world):
    access = selectors.customer_access(
        profile=world["reseller"].tenant.partner_profile, customer_id=world["tenant"].id
    )
    with pytest.raises(Conflict) as refused:
        license_change(
            access=access,
            user=world["reseller"],
            customer_user=world["bob"],
            subscription_id=world["sub"].pk,
            action="remove",
        )
    assert refused.value.reason == "licenses.not_assigned"
    license_change(
        access=access,
        user=world["reseller"],
        customer_user=world["bob"],
        subscription_id=world["sub"].pk,
        action="assign",
    )
    with pytest.raises(Conflict) as refused:
        license_change(
            access=access,
            user=world["reseller"],
            customer_user=world["bob"],
            subscription_id=world["sub"].pk,
            action="assign",
        )
    assert refused.value.reason == "licenses.already_assigned"
    with pytest.raises(Conflict) as refused:
        license_change(
            access=access,
            user=world["reseller"],
            customer_user=world["ann"],
            subscription_id=world["sub"].pk,
            action="assign",
        )
    assert refused.value.reason == "licenses.no_free_seat"
    with pytest.raises(DomainError) as refused:
        license_change(
            access=access,
            user=world["reseller"],
            customer_user=world["ann"],
            subscription_id=world["sub"].pk,
            action="swap",
        )
    assert refused.value.reason == "licenses.action_unknown"


def test_the_license_table_costs_no_query_per_user(world):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert world["client"].get(world["base"] + "/").status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    for n in range(6):
        world["client"].post(
            f"{world['base']}/users/",
            {"user_name": f"extra{n}", "display_name": f"Extra {n}", "usage_location": "US"},
        )
    assert queries() == few
