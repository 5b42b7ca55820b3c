"""Rule gaps of issue 10, each closed in the services: the provider adds licenses to an indirect
subscription (R14/R18), a direct-bill customer moved by the invitation buys through the provider (R15),
removing a partnership leaves the customers associated (R10)."""

import pytest
from django.test import Client

from customers.models import Order, ResellerRelationship, Subscription
from customers.selectors import customer_access, customers_for_partner
from customers.services import customer_create_direct, order_create, subscription_update
from invitations import services as invitation_services
from partnercenter.errors import DomainError
from partnercenter.models import Event
from tenants.models import Partnership, Program, Role, Tenant
from tests.customers.factories import make_customer, make_partnered, order, relate
from tests.factories import UserFactory, make_partner

pytestmark = pytest.mark.django_db

LICENSED_OFFER = "CFQ7TTC0LH18:0001"


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _indirect_subscription(reseller_profile=None):
    reseller, ruser, provider, puser = make_partnered(reseller_profile)
    t, _ = make_customer()
    relate(t, reseller, kind="indirect", provider=provider)
    sub = Subscription.objects.get(order=order(provider, puser, t, pior=reseller.mpn_id, quantity=2))
    return reseller, ruser, provider, puser, t, sub


def _quantity_events(sub):
    return Event.objects.filter(object_id=str(sub.pk), kind="subscription.quantity_changed").count()


def test_r14_r18_reseller_cannot_raise_the_quantity_of_an_indirect_subscription():
    reseller, ruser, _provider, _puser, t, sub = _indirect_subscription()  # reseller is also direct bill
    access = customer_access(profile=reseller, customer_id=t.id, user=ruser)
    with pytest.raises(DomainError) as exc:
        subscription_update(access=access, user=ruser, subscription=sub, quantity=10)
    assert exc.value.status == 403 and exc.value.rule == "R14"
    assert exc.value.reason == "subscriptions.provider_changes_quantity"
    sub.refresh_from_db()
    assert sub.quantity == 2 and _quantity_events(sub) == 0
    assert not access.can_change_indirect_quantity
    # The page offers no "Change quantity" to the reseller, and a forged post is refused.
    c = _client(ruser)
    page = c.get(f"/customers/{t.id}/").content.decode()
    assert 'data-testid="quantity-by-provider"' in page and f'id="q-{sub.pk}"' not in page
    resp = c.post(f"/customers/{t.id}/subscriptions/{sub.pk}/", {"action": "quantity", "quantity": 10})
    assert resp.status_code == 403
    sub.refresh_from_db()
    assert sub.quantity == 2


def test_r18_reseller_without_direct_bill_is_told_the_provider_adds_licenses():
    only_reseller, _u = make_partner(Program.INDIRECT_RESELLER)
    reseller, ruser, provider, _puser, t, sub = _indirect_subscription(only_reseller)
    access = customer_access(profile=reseller, customer_id=t.id, user=ruser)
    with pytest.raises(DomainError) as exc:
        subscription_update(access=access, user=ruser, subscription=sub, quantity=3)
    assert exc.value.rule == "R18" and provider.legal_name in exc.value.text
    sub.refresh_from_db()
    assert sub.quantity == 2


def test_r18_reseller_still_manages_renewals_licenses_and_the_provider_adds_licenses():
    reseller, ruser, provider, puser, t, sub = _indirect_subscription()
    raccess = customer_access(profile=reseller, customer_id=t.id, user=ruser)
    subscription_update(access=raccess, user=ruser, subscription=sub, auto_renew=False)
    subscription_update(access=raccess, user=ruser, subscription=sub, quantity=2)  # unchanged: no refusal
    sub.refresh_from_db()
    assert not sub.auto_renew
    # The provider adds licenses (SPEC §10: a sales agent of the provider too).
    agent = UserFactory(tenant=provider.tenant, role=Role.SALES_AGENT)
    paccess = customer_access(profile=provider, customer_id=t.id, user=agent)
    assert paccess.can_change_indirect_quantity
    subscription_update(access=paccess, user=agent, subscription=sub, quantity=8)
    sub.refresh_from_db()
    assert sub.quantity == 8 and _quantity_events(sub) == 1
    page = _client(puser).get(f"/customers/{t.id}/").content.decode()
    assert f'id="q-{sub.pk}"' in page


def test_r7_direct_bill_partner_still_changes_its_direct_subscription_quantity():
    reseller, ruser, provider, _puser = make_partnered()
    t, _ = make_customer()
    relate(t, reseller, kind="direct")
    sub = Subscription.objects.get(order=order(reseller, ruser, t, quantity=2))
    relate(t, reseller, kind="indirect", provider=provider)  # moved later (R15): existing stays as before
    access = customer_access(profile=reseller, customer_id=t.id, user=ruser)
    subscription_update(access=access, user=ruser, subscription=sub, quantity=4)
    sub.refresh_from_db()
    assert sub.quantity == 4


def test_r15_no_new_direct_bill_orders_for_a_customer_moved_by_the_invitation():
    reseller, ruser, provider, puser = make_partnered()
    t, _ = make_customer()
    relate(t, reseller, kind="direct")
    direct_sub = Subscription.objects.get(order=order(reseller, ruser, t, quantity=2))
    relate(t, reseller, kind="indirect", provider=provider)  # the invitation moved it
    before = (Order.objects.count(), Subscription.objects.count())
    access = customer_access(profile=reseller, customer_id=t.id, user=ruser)
    assert not access.can_add_products and access.can_view_products
    with pytest.raises(DomainError) as exc:
        order_create(access=access, user=ruser, line_items=[{"offerId": LICENSED_OFFER, "quantity": 1}])
    assert exc.value.status == 403 and exc.value.rule == "R15"
    assert exc.value.reason == "orders.customer_moved_to_provider"
    assert provider.legal_name in exc.value.text
    c = _client(ruser)
    page = c.get(f"/customers/{t.id}/orders/new/").content.decode()
    assert 'data-testid="order-refusal"' in page and provider.legal_name in page and "(R15)" not in page
    resp = c.post(
        f"/customers/{t.id}/orders/new/",
        {"offer": LICENSED_OFFER, "quantity": 1, "billing_cycle": "monthly"},
    )
    assert resp.status_code == 403
    detail = c.get(f"/customers/{t.id}/").content.decode()
    assert 'data-action="add-products"' not in detail
    assert (Order.objects.count(), Subscription.objects.count()) == before
    # R7: the existing direct-bill subscription is still managed as before; the provider now orders (R15).
    subscription_update(access=access, user=ruser, subscription=direct_sub, auto_renew=False)
    order(provider, puser, t, pior=reseller.mpn_id, quantity=1)
    assert Subscription.objects.count() == before[1] + 1


def test_r10_removing_a_partnership_leaves_existing_customers_associated():
    reseller, ruser, provider, puser = make_partnered()
    t, _ = make_customer()
    rel = relate(t, reseller, kind="indirect", provider=provider)
    sub = Subscription.objects.get(order=order(provider, puser, t, pior=reseller.mpn_id, quantity=2))
    snapshot = list(ResellerRelationship.objects.order_by("pk").values())
    partnership = Partnership.objects.get(provider=provider, reseller=reseller)
    invitation_services.partnership_remove(provider=provider, partnership_id=partnership.pk, user=puser)
    assert Partnership.objects.get(pk=partnership.pk).status == Partnership.Status.REMOVED
    assert list(ResellerRelationship.objects.order_by("pk").values()) == snapshot
    rel.refresh_from_db()
    assert rel.status == ResellerRelationship.Status.ACTIVE and rel.provider == provider
    for profile in (reseller, provider):
        assert list(customers_for_partner(profile=profile).values_list("tenant_id", flat=True)) == [t.id]
        customer_access(profile=profile, customer_id=t.id)  # still found
    sub.refresh_from_db()
    assert sub.status == Subscription.Status.ACTIVE
    assert f'data-customer="{t.id}"' in _client(ruser).get("/customers/").content.decode()


def test_r13_r18_direct_bill_partner_creates_a_tenant_for_its_direct_bill_customer():
    partner, user = make_partner(Program.DIRECT_BILL)
    account, admin, password = customer_create_direct(
        partner=partner, user=user, company_name="Adatum", domain_prefix="adatum"
    )
    rel = ResellerRelationship.objects.get(customer=account)
    assert rel.partner == partner and rel.kind == "direct" and rel.delegated_admin and rel.provider is None
    assert admin.tenant == account.tenant and admin.is_global_admin and password
    assert customer_access(profile=partner, customer_id=account.tenant_id).can_add_products
    # The page: "Create direct-bill customer" on Customers, then the form (no reseller to name).
    c = _client(user)
    assert 'data-testid="create-direct-customer"' in c.get("/customers/").content.decode()
    resp = c.post("/customers/new/?kind=direct", {"company_name": "Fourth Coffee", "domain_prefix": "fourth"})
    assert resp.status_code == 201 and 'data-testid="customer-created"' in resp.content.decode()
    assert customers_for_partner(profile=partner).count() == 2


def test_r13_indirect_reseller_without_direct_bill_cannot_create_a_direct_customer_tenant():
    only_reseller, user = make_partner(Program.INDIRECT_RESELLER)
    relationships_before = ResellerRelationship.objects.count()
    with pytest.raises(DomainError) as exc:
        customer_create_direct(
            partner=only_reseller, user=user, company_name="Adatum", domain_prefix="adatum"
        )
    assert exc.value.status == 403 and exc.value.rule == "R13"
    assert exc.value.reason == "customers.create_not_direct_bill"
    c = _client(user)
    assert 'data-testid="create-direct-customer"' not in c.get("/customers/").content.decode()
    resp = c.post("/customers/new/?kind=direct", {"company_name": "Adatum", "domain_prefix": "adatum"})
    assert resp.status_code == 403
    assert ResellerRelationship.objects.count() == relationships_before
    assert not Tenant.objects.filter(default_domain="adatum.onmicrosoft.com").exists()
