"""Orders and subscriptions (R14, R15, R18), users and licenses (R12), the renewal job, relationship removal."""

import datetime as dt

import pytest
from django.test import Client

from customers.models import LicenseAssignment, Order, ResellerRelationship, Subscription
from customers.selectors import customer_access, user_for
from customers.services import (
    customer_user_create,
    license_assign,
    license_remove,
    relationship_remove,
    subscription_update,
)
from partnercenter import clock, jobs
from partnercenter.errors import DomainError, NotFound
from partnercenter.models import Event, ScheduledJob
from tenants.models import Program, ProgramMembership, Role
from tests.customers.factories import make_customer, make_partnered, order, relate
from tests.factories import UserFactory, make_direct_bill_partner, make_partner

pytestmark = pytest.mark.django_db


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _counts():
    return Order.objects.count(), Subscription.objects.count()


def test_direct_bill_partner_orders_for_its_direct_customer():
    partner, user = make_direct_bill_partner()
    t, _ = make_customer()
    relate(t, partner, kind="direct")
    o = order(partner, user, t, quantity=10)
    assert o.status == "completed" and o.placed_by == partner
    sub = Subscription.objects.get(order=o)
    assert sub.quantity == 10 and sub.partner_on_record == partner and sub.status == "active"
    assert ScheduledJob.objects.filter(kind="customers.subscription_term_end", object_id=str(sub.pk)).exists()
    kinds = set(Event.objects.values_list("kind", flat=True))
    assert {"order.created", "order.completed", "subscription.created"} <= kinds


def test_add_products_page_for_a_direct_customer():
    partner, user = make_direct_bill_partner()
    t, _ = make_customer()
    relate(t, partner, kind="direct")
    c = _client(user)
    assert "partner_id_on_record" not in c.get(f"/customers/{t.id}/orders/new/").content.decode()
    resp = c.post(
        f"/customers/{t.id}/orders/new/",
        {"offer": "CFQ7TTC0LDPB:0001", "quantity": 4, "billing_cycle": "annual"},
    )
    assert resp.status_code == 302
    sub = Subscription.objects.get()
    assert sub.offer_id == "CFQ7TTC0LDPB:0001" and sub.billing_cycle == "annual"


def test_r14_direct_bill_refused_for_a_customer_acquired_as_indirect_reseller():
    reseller, ruser, provider, _p = make_partnered()  # reseller is also direct bill
    t, _ = make_customer()
    relate(t, reseller, kind="indirect", provider=provider)
    before = _counts()
    with pytest.raises(DomainError) as exc:
        order(reseller, ruser, t)
    assert exc.value.rule == "R14" and exc.value.status == 403
    c = _client(ruser)
    page = c.get(f"/customers/{t.id}/orders/new/")
    assert 'data-testid="order-refusal"' in page.content.decode() and "(R14)" not in page.content.decode()
    resp = c.post(
        f"/customers/{t.id}/orders/new/",
        {"offer": "CFQ7TTC0LH18:0001", "quantity": 1, "billing_cycle": "monthly"},
    )
    assert resp.status_code == 403
    assert _counts() == before


def test_provider_orders_with_the_resellers_mpn_id_on_record():
    reseller, _ruser, provider, puser = make_partnered()
    t, _ = make_customer()
    relate(t, reseller, kind="indirect", provider=provider)
    o = order(provider, puser, t, pior=reseller.mpn_id, quantity=3)
    assert o.placed_by == provider
    assert o.line_items[0]["partnerIdOnRecord"] == reseller.mpn_id
    assert Subscription.objects.get(order=o).partner_on_record == reseller
    resp = _client(puser).post(
        f"/customers/{t.id}/orders/new/",
        {
            "offer": "DZH318Z0BPS6:0001",
            "quantity": 1,
            "billing_cycle": "monthly",
            "partner_id_on_record": reseller.mpn_id,
        },
    )
    assert resp.status_code == 302
    assert Subscription.objects.count() == 2


@pytest.mark.parametrize(
    "case,code",
    [("unknown", 800015), ("missing", 800015), ("not_reseller", 800016), ("restricted", 800039)],
)
def test_provider_order_errors(case, code):
    reseller, _ruser, provider, puser = make_partnered()
    t, _ = make_customer()
    relate(t, reseller, kind="indirect", provider=provider)
    pior = {"unknown": "9999999", "missing": None}.get(case, reseller.mpn_id)
    if case == "not_reseller":
        direct_only, _u = make_direct_bill_partner()
        pior = direct_only.mpn_id
    if case == "restricted":
        ProgramMembership.objects.filter(partner=reseller, program=Program.INDIRECT_RESELLER).update(
            status="restricted"
        )
    before = _counts()
    access = customer_access(profile=provider, customer_id=t.id)
    line = {"offerId": "CFQ7TTC0LH18:0001", "quantity": 1}
    if pior:
        line["partnerIdOnRecord"] = pior
    from customers.services import order_create

    with pytest.raises(DomainError) as exc:
        order_create(access=access, user=puser, line_items=[line])
    assert exc.value.code == code
    assert _counts() == before


def test_provider_order_for_another_resellers_mpn_is_refused():
    reseller, _ruser, provider, puser = make_partnered()
    other_reseller, _o, _p2, _pu2 = make_partnered()
    t, _ = make_customer()
    relate(t, reseller, kind="indirect", provider=provider)
    before = _counts()
    with pytest.raises(DomainError) as exc:
        order(provider, puser, t, pior=other_reseller.mpn_id)
    assert exc.value.rule == "R15"
    assert _counts() == before


def test_r15_provider_cannot_order_for_an_unmoved_direct_customer():
    reseller, _ruser, provider, puser = make_partnered()
    t, _ = make_customer()
    relate(t, reseller, kind="direct")
    before = _counts()
    with pytest.raises(NotFound):
        order(provider, puser, t, pior=reseller.mpn_id)
    assert _client(puser).get(f"/customers/{t.id}/orders/new/").status_code == 404
    assert _counts() == before


def test_bad_order_input_changes_nothing():
    partner, user = make_direct_bill_partner()
    t, _ = make_customer()
    relate(t, partner, kind="direct")
    access = customer_access(profile=partner, customer_id=t.id)
    from customers.services import order_create

    for lines in (
        [],
        [{"offerId": "nope", "quantity": 1}],
        [{"offerId": "CFQ7TTC0LH18:0001", "quantity": 0}],
        "x",
    ):
        with pytest.raises(DomainError):
            order_create(access=access, user=user, line_items=lines)
    billing = UserFactory(tenant=partner.tenant, role=Role.BILLING_ADMIN)
    with pytest.raises(DomainError):
        order_create(
            access=access, user=billing, line_items=[{"offerId": "CFQ7TTC0LH18:0001", "quantity": 1}]
        )
    assert _counts() == (0, 0)


def test_subscription_changes_record_events_and_respect_seats():
    reseller, ruser, provider, puser = make_partnered()
    t, _ = make_customer()
    relate(t, reseller, kind="indirect", provider=provider)
    o = order(provider, puser, t, pior=reseller.mpn_id, quantity=2)
    sub = Subscription.objects.get(order=o)
    raccess = customer_access(profile=reseller, customer_id=t.id)
    u1 = customer_user_create(access=raccess, user=ruser, user_name="ann", display_name="Ann")
    u2 = customer_user_create(access=raccess, user=ruser, user_name="bob", display_name="Bob")
    u3 = customer_user_create(access=raccess, user=ruser, user_name="cy", display_name="Cy")
    license_assign(access=raccess, user=ruser, customer_user=u1, subscription=sub)
    license_assign(access=raccess, user=ruser, customer_user=u2, subscription=sub)
    with pytest.raises(DomainError) as exc:  # seats cannot exceed the quantity
        license_assign(access=raccess, user=ruser, customer_user=u3, subscription=sub)
    assert exc.value.status == 409
    paccess = customer_access(profile=provider, customer_id=t.id)
    # The reseller does not add licenses itself: the provider does (R18).
    with pytest.raises(DomainError) as exc:
        subscription_update(access=raccess, user=ruser, subscription=sub, quantity=3)
    assert exc.value.reason == "subscriptions.provider_changes_quantity"
    with pytest.raises(DomainError):  # nor can the quantity drop below the assigned seats
        subscription_update(access=paccess, user=puser, subscription=sub, quantity=1)
    subscription_update(access=paccess, user=puser, subscription=sub, quantity=3)
    license_assign(access=raccess, user=ruser, customer_user=u3, subscription=sub)
    assert LicenseAssignment.objects.filter(subscription=sub).count() == 3
    assert license_remove(access=raccess, user=ruser, customer_user=u3, subscription=sub)
    subscription_update(access=paccess, user=puser, subscription=sub, status="suspended", auto_renew=False)
    sub.refresh_from_db()
    assert sub.status == "suspended" and not sub.auto_renew
    with pytest.raises(DomainError):
        subscription_update(access=paccess, user=puser, subscription=sub, quantity=5)
    subscription_update(access=paccess, user=puser, subscription=sub, status="active")
    kinds = list(Event.objects.filter(object_id=str(sub.pk)).values_list("kind", flat=True))
    for kind in (
        "subscription.quantity_changed",
        "subscription.suspended",
        "subscription.reactivated",
        "subscription.auto_renew_changed",
    ):
        assert kind in kinds
    assert user_for(access=raccess, user_id=u1.pk).licenses.count() == 1


def test_users_need_delegated_admin_and_the_customers_domain():
    reseller, ruser, provider, _p = make_partnered()
    t, _ = make_customer()
    relate(t, reseller, kind="indirect", provider=provider, delegated_admin=False)
    access = customer_access(profile=reseller, customer_id=t.id)
    with pytest.raises(DomainError) as exc:
        customer_user_create(access=access, user=ruser, user_name="x", display_name="X")
    assert exc.value.rule == "R12"
    t2, _ = make_customer()
    relate(t2, reseller, kind="direct")
    access2 = customer_access(profile=reseller, customer_id=t2.id)
    with pytest.raises(DomainError):
        customer_user_create(access=access2, user=ruser, user_name="x@elsewhere.com", display_name="X")
    u = customer_user_create(access=access2, user=ruser, user_name=f"x@{t2.default_domain}", display_name="X")
    assert u.user_principal_name == f"x@{t2.default_domain}"
    with pytest.raises(DomainError):
        customer_user_create(access=access2, user=ruser, user_name="x", display_name="X again")


def test_renewal_job_renews_then_expires_idempotently():
    partner, user = make_direct_bill_partner()
    t, _ = make_customer()
    relate(t, partner, kind="direct")
    o = order(partner, user, t, quantity=2)
    sub = Subscription.objects.get(order=o)
    first_end = sub.term_end
    job = ScheduledJob.objects.get(kind="customers.subscription_term_end", object_id=str(sub.pk))
    assert job.due_at == first_end
    assert jobs.job_run(job.pk) is False  # not due yet: nothing happens
    with clock.frozen_at(first_end + dt.timedelta(minutes=1)):
        assert jobs.sweep() == 1
        assert jobs.job_run(job.pk, force=True) is False  # delivered twice: runs once
    sub.refresh_from_db()
    assert sub.status == "active" and sub.renewed_count == 1 and sub.term_end > first_end
    assert Event.objects.filter(kind="subscription.renewed", object_id=str(sub.pk)).count() == 1
    from customers.services import subscription_renew_or_expire

    with clock.frozen_at(first_end + dt.timedelta(minutes=2)):
        assert subscription_renew_or_expire(subscription_id=sub.pk) == "not due"
    access = customer_access(profile=partner, customer_id=t.id)
    subscription_update(access=access, user=user, subscription=sub, auto_renew=False)
    with clock.frozen_at(sub.term_end + dt.timedelta(minutes=1)):
        assert jobs.sweep() == 1
        assert jobs.sweep() == 0
    sub.refresh_from_db()
    assert sub.status == "expired" and sub.renewed_count == 1
    assert Event.objects.filter(kind="subscription.expired", object_id=str(sub.pk)).count() == 1


def test_removing_a_relationship_requires_suspended_subscriptions():
    partner, user = make_direct_bill_partner()
    t, _ = make_customer()
    rel = relate(t, partner, kind="direct")
    o = order(partner, user, t)
    sub = Subscription.objects.get(order=o)
    c = _client(user)
    resp = c.post(f"/customers/{t.id}/relationships/{rel.pk}/remove/")
    assert resp.status_code == 302
    rel.refresh_from_db()
    assert rel.status == "active"
    with pytest.raises(DomainError) as exc:
        relationship_remove(relationship=rel, user=user)
    assert exc.value.status == 409 and str(sub.pk) in exc.value.data
    access = customer_access(profile=partner, customer_id=t.id)
    subscription_update(access=access, user=user, subscription=sub, status="suspended")
    c.post(f"/customers/{t.id}/relationships/{rel.pk}/remove/")
    rel.refresh_from_db()
    assert rel.status == "removed" and not rel.delegated_admin
    assert Event.objects.filter(kind="customer_relationship.removed").count() == 1
    assert c.get(f"/customers/{t.id}/").status_code == 404


def test_customer_global_admin_removes_a_relationship_from_partner_relationships():
    partner, _user = make_direct_bill_partner()
    t, admin = make_customer()
    rel = relate(t, partner, kind="direct")
    _t2, other_admin = make_customer()
    assert _client(other_admin).post(f"/customers/partners/{rel.pk}/remove/").status_code == 404
    assert _client(admin).post(f"/customers/partners/{rel.pk}/remove/").status_code == 302
    assert ResellerRelationship.objects.get(pk=rel.pk).status == "removed"


def test_only_indirect_reseller_relationship_partner_sees_users_page_sections():
    only_reseller, ruser = make_partner(Program.INDIRECT_RESELLER)
    reseller, ruser, provider, puser = make_partnered(only_reseller)
    t, _ = make_customer()
    relate(t, reseller, kind="indirect", provider=provider)
    html = _client(puser).get(f"/customers/{t.id}/").content.decode()
    assert 'id="users"' not in html  # the provider orders; the reseller administers (R12, R18)
    assert 'data-action="place-order"' in html


def test_same_request_id_orders_once():
    partner, user = make_direct_bill_partner()
    t, _ = make_customer()
    relate(t, partner, kind="direct")
    c = _client(user)
    form = {"offer": "CFQ7TTC0LH18:0001", "quantity": 2, "billing_cycle": "monthly"}
    page = c.get(f"/customers/{t.id}/orders/new/").content.decode()
    import re

    request_id = re.search(r'name="request_id" value="([0-9a-f-]+)"', page).group(1)
    for _ in range(2):  # a double click
        assert c.post(f"/customers/{t.id}/orders/new/", {**form, "request_id": request_id}).status_code == 302
    assert _counts() == (1, 1)
    c.post(f"/customers/{t.id}/orders/new/", form)  # a new form, a new order
    assert _counts() == (2, 2)


def test_ms_request_id_header_makes_api_orders_idempotent(api_client_for):
    partner, user = make_direct_bill_partner()
    t, _ = make_customer()
    relate(t, partner, kind="direct")
    client = api_client_for(user)
    body = {"lineItems": [{"offerId": "CFQ7TTC0LH18:0001", "quantity": 1}]}
    first = client.post(f"/v1/customers/{t.id}/orders", body, format="json", HTTP_MS_REQUESTID="abc-1")
    second = client.post(f"/v1/customers/{t.id}/orders", body, format="json", HTTP_MS_REQUESTID="abc-1")
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert _counts() == (1, 1)


def test_reseller_without_direct_bill_is_told_the_provider_orders():
    only_reseller, _u = make_partner(Program.INDIRECT_RESELLER)
    reseller, ruser, provider, _p = make_partnered(only_reseller)
    t, _ = make_customer()
    relate(t, reseller, kind="indirect", provider=provider)
    with pytest.raises(DomainError) as exc:
        order(reseller, ruser, t)
    assert exc.value.rule == "R18" and provider.legal_name in exc.value.text
    page = _client(ruser).get(f"/customers/{t.id}/orders/new/").content.decode()
    assert provider.legal_name in page and "(R18)" not in page  # plain words, no rule number
    assert _counts() == (0, 0)
