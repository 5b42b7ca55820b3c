"""Who may act is decided in the services and selectors (SPEC §10, R12–R18), the same for pages and API:
each test calls the service (or selector) directly with a refused role or partner, checks the refusal's
reason code and that nothing changed, and where it matters that the page and the API answer the same."""

import re
from pathlib import Path

import pytest
from django.test import Client

from customers import selectors
from customers.models import (
    CustomerAccount,
    CustomerUser,
    LicenseAssignment,
    Order,
    ResellerRelationship,
    Subscription,
)
from customers.selectors import customer_access, customer_creation_resellers
from customers.services import customer_create_for_reseller, customer_user_create, customer_user_delete
from customers.services.accounts import (
    relationship_remove,
    relationship_request_url,
    reseller_relationships_remove,
)
from customers.services.directory import licenses_update
from customers.services.orders import order_create, order_refusal
from partnercenter.errors import Conflict, DomainError, Forbidden, NotFound
from partnercenter.models import Event
from tenants.models import Program, Role, Tenant
from tests.customers.factories import make_customer, make_partnered, order, relate
from tests.factories import UserFactory, make_direct_bill_partner, make_partner

pytestmark = pytest.mark.django_db

LICENSE_SKU = "CFQ7TTC0LH18:0001"


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _colleague(profile, role):
    return UserFactory(tenant=profile.tenant, role=role)


@pytest.fixture
def indirect():
    """A reseller (with DAP) and provider serving one customer, with a 2-seat subscription and one user."""
    reseller, ruser, provider, puser = make_partnered()
    tenant, _admin = make_customer(name="Tailspin Toys")
    relate(tenant, reseller, kind="indirect", provider=provider)
    o = order(provider, puser, tenant, offer_id=LICENSE_SKU, pior=reseller.mpn_id, quantity=2)
    access = customer_access(profile=reseller, customer_id=tenant.id)
    ann = customer_user_create(access=access, user=ruser, user_name="ann", display_name="Ann")
    return {
        "reseller": reseller,
        "ruser": ruser,
        "provider": provider,
        "puser": puser,
        "tenant": tenant,
        "sub": Subscription.objects.get(order=o),
        "ann": ann,
    }


def _license_state():
    return (
        sorted(LicenseAssignment.objects.values_list("user_id", "subscription_id")),
        Event.objects.filter(kind__startswith="license.").count(),
    )


# --- users and licenses (R12, SPEC §10) -------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.SALES_AGENT, Role.BILLING_ADMIN])
def test_licenses_update_refuses_a_role_that_does_not_manage_users(indirect, role):
    agent = _colleague(indirect["reseller"], role)
    access = customer_access(profile=indirect["reseller"], customer_id=indirect["tenant"].id)
    before = _license_state()
    with pytest.raises(Forbidden) as exc:
        licenses_update(
            access=access, user=agent, customer_user=indirect["ann"], assign=[{"sku_id": LICENSE_SKU}]
        )
    assert exc.value.reason == "customers.role_cannot_manage_users" and exc.value.rule == "R12"
    with pytest.raises(Forbidden):
        customer_user_create(access=access, user=agent, user_name="bob", display_name="Bob")
    with pytest.raises(Forbidden):
        customer_user_delete(access=access, user=agent, customer_user=indirect["ann"])
    assert _license_state() == before
    assert CustomerUser.objects.filter(pk=indirect["ann"].pk).exists()
    assert not CustomerUser.objects.filter(user_principal_name__startswith="bob@").exists()


def test_licenses_update_refuses_a_partner_without_admin_rights(indirect):
    access = customer_access(profile=indirect["provider"], customer_id=indirect["tenant"].id)
    before = _license_state()
    with pytest.raises(Forbidden) as exc:
        licenses_update(
            access=access,
            user=indirect["puser"],
            customer_user=indirect["ann"],
            assign=[{"sku_id": LICENSE_SKU}],
        )
    assert exc.value.reason == "customers.no_admin_rights" and exc.value.rule == "R12"
    with pytest.raises(Forbidden) as exc:  # the selector that fetches users decides the same
        selectors.users_for(access=access)
    assert exc.value.reason == "customers.no_admin_rights"
    assert _license_state() == before


def test_licenses_update_takes_a_free_seat_first_and_is_all_or_nothing(indirect):
    reseller, ruser, tenant = indirect["reseller"], indirect["ruser"], indirect["tenant"]
    full = indirect["sub"]
    second = Subscription.objects.get(
        order=order(
            indirect["provider"], indirect["puser"], tenant, offer_id=LICENSE_SKU, pior=reseller.mpn_id
        )
    )
    access = customer_access(profile=reseller, customer_id=tenant.id)
    bob = customer_user_create(access=access, user=ruser, user_name="bob", display_name="Bob")
    cy = customer_user_create(access=access, user=ruser, user_name="cy", display_name="Cy")
    for u in (indirect["ann"], bob):
        licenses_update(access=access, user=ruser, customer_user=u, assign=[{"subscription_id": full.pk}])
    licenses_update(access=access, user=ruser, customer_user=cy, assign=[{"sku_id": LICENSE_SKU}])
    assert LicenseAssignment.objects.get(user=cy).subscription == second  # the first one is full
    # Asking again for a SKU the user holds changes nothing.
    licenses_update(access=access, user=ruser, customer_user=cy, assign=[{"sku_id": LICENSE_SKU}])
    assert LicenseAssignment.objects.filter(user=cy).count() == 1
    before = _license_state()
    for refs, reason in (
        ([{"sku_id": LICENSE_SKU}, {"sku_id": "NOPE:0001"}], "licenses.no_subscription_for_sku"),
        ([{}], "licenses.sku_or_subscription_missing"),
    ):
        with pytest.raises(DomainError) as exc:
            licenses_update(
                access=access, user=ruser, customer_user=bob, remove=[{"sku_id": LICENSE_SKU}], assign=refs
            )
        assert exc.value.reason == reason and exc.value.status == 400
    with pytest.raises(NotFound):
        licenses_update(access=access, user=ruser, customer_user=bob, assign=[{"subscription_id": "0" * 32}])
    assert _license_state() == before  # the removal in the same call was rolled back too
    licenses_update(access=access, user=ruser, customer_user=cy, remove=[{"sku_id": LICENSE_SKU}])
    assert not LicenseAssignment.objects.filter(user=cy).exists()


def test_sales_agent_sees_users_but_not_the_forms_to_change_them(indirect):
    agent = _colleague(indirect["reseller"], Role.SALES_AGENT)
    html = _client(agent).get(f"/customers/{indirect['tenant'].id}/").content.decode()
    assert 'data-testid="users"' in html and indirect["ann"].user_principal_name in html
    assert "/users/" not in html.split('data-testid="users"')[1].split("</table>")[0]  # no delete button
    assert 'action="/customers/' + str(indirect["tenant"].id) + '/users/"' not in html  # no "Add a user"
    resp = _client(agent).post(
        f"/customers/{indirect['tenant'].id}/users/{indirect['ann'].pk}/licenses/",
        {"subscription": indirect["sub"].pk, "action": "assign"},
        follow=True,
    )
    assert resp.status_code == 403  # the refusal page names the roles needed (SPEC §10)
    assert "Only a global admin or admin agent" in resp.content.decode()
    assert not LicenseAssignment.objects.exists()


# --- removing a reseller relationship -----------------------------------------------------------------


def test_only_a_global_admin_of_either_side_removes_a_relationship():
    partner, admin = make_direct_bill_partner()
    tenant, customer_admin = make_customer()
    rel = relate(tenant, partner, kind="direct")
    agent = _colleague(partner, Role.ADMIN_AGENT)
    customer_reader = UserFactory(tenant=tenant, role=Role.SALES_AGENT)
    _stranger_profile, stranger = make_direct_bill_partner()
    for user, error, reason in (
        (agent, Forbidden, "customers.not_global_admin"),
        (customer_reader, Forbidden, "customers.not_global_admin"),
        (stranger, NotFound, "customers.relationship_not_found"),
    ):
        with pytest.raises(error) as exc:
            relationship_remove(relationship=rel, user=user)
        assert exc.value.reason == reason
    access = customer_access(profile=partner, customer_id=tenant.id)
    with pytest.raises(Forbidden):
        reseller_relationships_remove(access=access, user=agent)
    rel.refresh_from_db()
    assert rel.status == "active" and not Event.objects.filter(kind="customer_relationship.removed").exists()
    # The page and the API refuse the admin agent the same way.
    assert _client(agent).post(f"/customers/{tenant.id}/relationships/{rel.pk}/remove/").status_code == 403
    assert rel.pk not in [
        r.pk
        for r in customer_access(profile=partner, customer_id=tenant.id, user=agent).removable_relationships
    ]
    assert rel in customer_access(profile=partner, customer_id=tenant.id, user=admin).removable_relationships
    relationship_remove(relationship=rel, user=customer_admin)
    rel.refresh_from_db()
    assert rel.status == "removed"


def test_api_relationship_removal_by_an_admin_agent_is_refused(api_client_for):
    partner, _admin = make_direct_bill_partner()
    tenant, _c = make_customer()
    relate(tenant, partner, kind="direct")
    agent = _colleague(partner, Role.ADMIN_AGENT)
    resp = api_client_for(agent).patch(
        f"/v1/customers/{tenant.id}", {"relationshipToPartner": "none"}, format="json"
    )
    assert resp.status_code == 403 and "global admin" in resp.json()["description"]
    assert ResellerRelationship.objects.get(customer__tenant=tenant).status == "active"


def test_a_partner_that_is_not_reseller_of_record_has_nothing_to_remove(indirect):
    access = customer_access(profile=indirect["provider"], customer_id=indirect["tenant"].id)
    with pytest.raises(Conflict) as exc:
        reseller_relationships_remove(access=access, user=indirect["puser"])
    assert exc.value.reason == "customers.not_reseller_of_record"
    with pytest.raises(NotFound):  # the provider's relationship is not its own to remove by id
        reseller_relationships_remove(
            access=access, user=indirect["puser"], relationship_id=access.relationships[0].pk
        )
    assert ResellerRelationship.objects.filter(status="active").count() == 1


# --- provider-created tenants (R13) ---------------------------------------------------------------------


def _tenant_counts():
    return Tenant.objects.count(), CustomerAccount.objects.count(), ResellerRelationship.objects.count()


def test_r13_and_the_role_are_decided_by_the_service_and_its_selector():
    reseller, ruser, provider, puser = make_partnered()
    sales = _colleague(provider, Role.SALES_AGENT)
    before = _tenant_counts()
    for who, user, reason in (
        (reseller, ruser, "customers.create_not_provider"),
        (provider, sales, "customers.create_role"),
    ):
        with pytest.raises(Forbidden) as exc:
            customer_create_for_reseller(
                provider=who, user=user, reseller=reseller, company_name="X", domain_prefix="xco"
            )
        assert exc.value.reason == reason and exc.value.rule == "R13"
        with pytest.raises(Forbidden) as exc:
            customer_creation_resellers(provider=who, user=user)
        assert exc.value.reason == reason
    with pytest.raises(DomainError) as exc:  # an id that names no partner at all
        customer_create_for_reseller(
            provider=provider, user=puser, reseller=None, company_name="X", domain_prefix="xco"
        )
    assert exc.value.reason == "customers.reseller_not_partnered" and exc.value.status == 400
    assert _tenant_counts() == before
    # The page the sales agent opens, and the list's button, follow the same decision.
    assert _client(sales).get("/customers/new/").status_code == 403
    assert 'data-testid="create-customer"' not in _client(sales).get("/customers/").content.decode()
    assert 'data-testid="create-customer"' in _client(puser).get("/customers/").content.decode()
    assert list(customer_creation_resellers(provider=provider, user=puser)) == [reseller]


def test_taken_domain_is_put_on_the_domain_field_by_its_reason():
    reseller, _ruser, provider, puser = make_partnered()
    customer_create_for_reseller(
        provider=provider, user=puser, reseller=reseller, company_name="A", domain_prefix="dup"
    )
    with pytest.raises(Conflict) as exc:
        customer_create_for_reseller(
            provider=provider, user=puser, reseller=reseller, company_name="B", domain_prefix="dup"
        )
    assert exc.value.reason == "customers.domain_taken"
    html = (
        _client(puser)
        .post("/customers/new/", {"reseller": reseller.pk, "company_name": "B", "domain_prefix": "dup"})
        .content.decode()
    )
    error = re.search(r'id="id_domain_prefix_error">([^<]*)<', html)
    assert error and "already taken" in error.group(1)


# --- orders (R14, R18, SPEC §10) ------------------------------------------------------------------------


def test_order_refusals_carry_reasons_and_change_nothing():
    reseller, ruser, provider, _p = make_partnered()  # the reseller is also direct bill
    indirect_t, _ = make_customer()
    relate(indirect_t, reseller, kind="indirect", provider=provider)
    direct_t, _ = make_customer()
    relate(direct_t, reseller, kind="direct")
    only_reseller, oruser = make_partner(Program.INDIRECT_RESELLER)
    relate(indirect_t, only_reseller, kind="indirect", provider=provider)
    billing = _colleague(reseller, Role.BILLING_ADMIN)
    line = [{"offerId": LICENSE_SKU, "quantity": 1}]
    cases = (
        (reseller, ruser, indirect_t, "orders.direct_bill_not_allowed", "R14"),
        (only_reseller, oruser, indirect_t, "orders.provider_orders", "R18"),
        (reseller, billing, direct_t, "orders.role_cannot_order", "R18"),
    )
    for profile, user, tenant, reason, rule in cases:
        access = customer_access(profile=profile, customer_id=tenant.id)
        refusal = order_refusal(access=access, user=user)
        assert refusal is not None and refusal.reason == reason and refusal.rule == rule
        with pytest.raises(Forbidden) as exc:
            order_create(access=access, user=user, line_items=line)
        assert exc.value.reason == reason
    assert Order.objects.count() == 0 and Subscription.objects.count() == 0
    assert (
        order_refusal(access=customer_access(profile=reseller, customer_id=direct_t.id), user=ruser) is None
    )
    # The billing admin's page shows the refusal instead of the form, and no "Add products".
    c = _client(billing)
    assert 'data-testid="order-refusal"' in c.get(f"/customers/{direct_t.id}/orders/new/").content.decode()
    assert 'data-action="add-products"' not in c.get("/customers/").content.decode()
    assert 'data-action="view-products"' in c.get("/customers/").content.decode()


def test_r17_row_options_come_from_the_access_selector(indirect):
    reseller, provider = indirect["reseller"], indirect["provider"]
    direct_t, _ = make_customer()
    relate(direct_t, reseller, kind="direct")
    as_reseller = customer_access(profile=reseller, customer_id=indirect["tenant"].id, user=indirect["ruser"])
    as_direct = customer_access(profile=reseller, customer_id=direct_t.id, user=indirect["ruser"])
    as_provider = customer_access(profile=provider, customer_id=indirect["tenant"].id, user=indirect["puser"])
    assert (as_direct.can_add_products, as_direct.can_view_products, as_direct.offers_reseller_tools) == (
        True,
        True,
        False,
    )
    assert (
        as_reseller.can_add_products,
        as_reseller.can_view_products,
        as_reseller.offers_reseller_tools,
    ) == (
        False,
        False,
        True,
    )
    assert (as_provider.can_place_order, as_provider.can_see_users, as_provider.order_mode) == (
        True,
        False,
        "provider",
    )


# --- the relationship request link (SPEC §6, §10) -------------------------------------------------------


def test_relationship_request_link_is_for_a_direct_bill_partners_admins():
    partner, admin = make_direct_bill_partner()
    _r, _ru, provider, puser = make_partnered()
    with pytest.raises(Forbidden) as exc:
        relationship_request_url(partner=provider, user=puser)
    assert exc.value.reason == "customers.not_direct_bill"
    with pytest.raises(Forbidden) as exc:
        relationship_request_url(partner=partner, user=_colleague(partner, Role.SALES_AGENT))
    assert exc.value.reason == "customers.role_cannot_request_relationship"
    assert str(partner.tenant_id) in relationship_request_url(partner=partner, user=admin)


# --- one audit trail ------------------------------------------------------------------------------------


def test_customers_code_records_only_typed_event_kinds():
    root = Path(__file__).resolve().parents[2] / "customers"
    files = [root / "services" / n for n in ("accounts.py", "directory.py", "orders.py", "subscriptions.py")]
    files += list((root / "api").glob("*.py")) + [root / "views" / "customers.py"]
    offenders = [f.name for f in files if re.search(r"events\.record\(\s*[\"']", f.read_text())]
    assert offenders == []


def test_admin_history_reads_the_one_audit_trail(indirect):
    from tenants.models import User

    ops = User.objects.create_superuser("ops-history@example.com", "pw-123456789")
    sub = indirect["sub"]
    html = _client(ops).get(f"/admin/customers/subscription/{sub.pk}/change/").content.decode()
    assert 'data-event="subscription.created"' in html and "Subscription created" in html
    account = CustomerAccount.objects.get(tenant=indirect["tenant"])
    html = _client(ops).get(f"/admin/customers/customeraccount/{account.pk}/change/").content.decode()
    assert 'data-event="customer_account.created"' in html and "Customer account created" in html
