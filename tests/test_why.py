""" "Why can't I?": each action's explanation is checked against the service that refuses (or allows) it.

Every case explains the action first, then runs the real service in a savepoint: the service refuses
exactly when the explanation says it is not allowed, and with the same `reason`. The page panel, the "Why
can't I?" page and `GET /v1/permissions/explain` render the same answer, scoped to the asking tenant.
"""

from __future__ import annotations

import types

import pytest
from django.db import transaction
from django.test import Client

from customers import services as customer_services
from customers.models import CustomerAccount, Subscription
from customers.selectors import customer_access
from enrollment import services as enrollment_services
from invitations import links
from invitations import services as invitation_services
from invitations.models import PartnerInvitation
from partnercenter import explain
from partnercenter.errors import DomainError
from tenants.models import Partnership, Program, Role
from tenants.services import api_token_create
from tests.customers.factories import make_customer, relate
from tests.factories import UserFactory, make_partner

GA, AA, SA, BA = Role.GLOBAL_ADMIN, Role.ADMIN_AGENT, Role.SALES_AGENT, Role.BILLING_ADMIN
OFFER = "CFQ7TTC0LH18:0001"


def _partner(*programs, offboarding=False):
    profile, ga = make_partner(*programs, offboarding=offboarding)
    users = {GA: ga}
    for role in (AA, SA, BA):
        users[role] = UserFactory(tenant=profile.tenant, role=role)
    return profile, users


@pytest.fixture
def w(settings):
    settings.ENROLLMENT_APPROVAL_POLICY = "manual"
    w = types.SimpleNamespace()
    w.candidate, w.candidate_users = _partner(Program.DIRECT_BILL, offboarding=True)
    w.approved, w.approved_users = _partner(Program.DIRECT_BILL, offboarding=True)
    e = enrollment_services.enrollment_submit(profile=w.approved, user=w.approved_users[GA])
    enrollment_services.enrollment_approve(enrollment_id=e.pk, actor_label="test")
    w.reseller, w.reseller_users = _partner(Program.DIRECT_BILL, Program.INDIRECT_RESELLER)
    w.pure_reseller, w.pure_users = _partner(Program.INDIRECT_RESELLER)
    w.provider, w.provider_users = _partner(Program.INDIRECT_PROVIDER)
    w.provider_b, w.provider_b_users = _partner(Program.INDIRECT_PROVIDER)
    Partnership.objects.create(provider=w.provider, reseller=w.reseller)
    Partnership.objects.create(provider=w.provider, reseller=w.pure_reseller)
    # An indirect customer (reseller + provider) with an active subscription the provider ordered.
    w.indirect, _ = make_customer()
    w.indirect_rel = relate(w.indirect, w.reseller, kind="indirect", provider=w.provider)
    access = customer_access(profile=w.provider, customer_id=w.indirect.id)
    order = customer_services.order_create(
        access=access,
        user=w.provider_users[GA],
        line_items=[{"offerId": OFFER, "quantity": 5, "partnerIdOnRecord": w.reseller.mpn_id}],
    )
    w.indirect_sub = Subscription.objects.get(order=order)
    # A direct-bill customer of the reseller with a direct subscription, and one moved to the indirect model.
    w.direct, w.customer_ga = make_customer()
    w.direct_rel = relate(w.direct, w.reseller, kind="direct")
    access = customer_access(profile=w.reseller, customer_id=w.direct.id)
    order = customer_services.order_create(
        access=access, user=w.reseller_users[GA], line_items=[{"offerId": OFFER, "quantity": 3}]
    )
    w.direct_sub = Subscription.objects.get(order=order)
    w.moved, _ = make_customer()
    relate(w.moved, w.reseller, kind="direct")
    relate(w.moved, w.reseller, kind="indirect", provider=w.provider)
    # A customer with no subscription under its direct relationship (removable).
    w.bare, _ = make_customer()
    w.bare_rel = relate(w.bare, w.reseller, kind="direct")
    return w


def _access(profile, tenant, user):
    return customer_access(profile=profile, customer_id=tenant.id, user=user)


def _partner_invitation(w):
    invitation, token = links.issue(PartnerInvitation, user=w.provider_b_users[GA], provider=w.provider_b)
    return invitation, token


# (action, who acts, params for the explanation, the service call) -- allowed and refused cases alike.
CASES = {
    "enroll-ga": ("enroll", lambda w: w.candidate_users[GA], lambda w: {},
                  lambda w, u: enrollment_services.enrollment_submit(profile=w.candidate, user=u)),
    "enroll-agent": ("enroll", lambda w: w.candidate_users[AA], lambda w: {},
                     lambda w, u: enrollment_services.enrollment_submit(profile=w.candidate, user=u)),
    "enroll-provider": ("enroll", lambda w: w.provider_users[GA], lambda w: {},
                        lambda w, u: enrollment_services.enrollment_submit(profile=w.provider, user=u)),
    "enroll-reseller": ("enroll", lambda w: w.reseller_users[GA], lambda w: {},
                        lambda w, u: enrollment_services.enrollment_submit(profile=w.reseller, user=u)),
    "agreement-ga": ("accept_agreement", lambda w: w.approved_users[GA], lambda w: {},
                     lambda w, u: enrollment_services.enrollment_accept_agreement(profile=w.approved, user=u)),
    "agreement-sales": ("accept_agreement", lambda w: w.approved_users[SA], lambda w: {},
                        lambda w, u: enrollment_services.enrollment_accept_agreement(profile=w.approved, user=u)),
    "agreement-not-approved": (
        "accept_agreement", lambda w: w.candidate_users[GA], lambda w: {},
        lambda w, u: enrollment_services.enrollment_accept_agreement(profile=w.candidate, user=u)),
    "partnership-ga": (
        "accept_partnership", lambda w: w.reseller_users[GA], lambda w: {"providerId": str(w.provider_b.pk)},
        lambda w, u: invitation_services.invitation_accept(token=_partner_invitation(w)[1], user=u)),
    "partnership-agent": (
        "accept_partnership", lambda w: w.reseller_users[AA], lambda w: {"providerId": str(w.provider_b.pk)},
        lambda w, u: invitation_services.invitation_accept(token=_partner_invitation(w)[1], user=u)),
    "partnership-candidate": (
        "accept_partnership", lambda w: w.candidate_users[GA], lambda w: {"providerId": str(w.provider_b.pk)},
        lambda w, u: invitation_services.invitation_accept(token=_partner_invitation(w)[1], user=u)),
    "partnership-again": (
        "accept_partnership", lambda w: w.reseller_users[GA], lambda w: {"providerId": str(w.provider.pk)},
        lambda w, u: invitation_services.invitation_accept(
            token=links.issue(PartnerInvitation, user=w.provider_users[GA], provider=w.provider)[1], user=u)),
    "invite-customers-ga": (
        "invite_customers", lambda w: w.reseller_users[GA], lambda w: {},
        lambda w, u: customer_services.invitations.require_customer_inviter(reseller=w.reseller, user=u)),
    "invite-customers-sales": (
        "invite_customers", lambda w: w.reseller_users[SA], lambda w: {},
        lambda w, u: customer_services.invitations.require_customer_inviter(reseller=w.reseller, user=u)),
    "invite-customers-candidate": (
        "invite_customers", lambda w: w.candidate_users[GA], lambda w: {},
        lambda w, u: customer_services.invitations.require_customer_inviter(reseller=w.candidate, user=u)),
    "create-tenant-provider": (
        "create_tenant", lambda w: w.provider_users[AA], lambda w: {},
        lambda w, u: customer_services.customer_create_for_reseller(
            provider=w.provider, user=u, reseller=w.reseller, company_name="New Co", domain_prefix="newco1")),
    "create-tenant-provider-sales": (
        "create_tenant", lambda w: w.provider_users[SA], lambda w: {},
        lambda w, u: customer_services.customer_create_for_reseller(
            provider=w.provider, user=u, reseller=w.reseller, company_name="New Co", domain_prefix="newco2")),
    "create-tenant-direct-bill": (
        "create_tenant", lambda w: w.reseller_users[GA], lambda w: {"kind": "direct"},
        lambda w, u: customer_services.customer_create_direct(
            partner=w.reseller, user=u, company_name="New Co", domain_prefix="newco3")),
    "create-tenant-indirect-reseller": (
        "create_tenant", lambda w: w.pure_users[GA], lambda w: {},
        lambda w, u: customer_services.customer_create_direct(
            partner=w.pure_reseller, user=u, company_name="New Co", domain_prefix="newco4")),
    "order-provider": (
        "order_for_customer", lambda w: w.provider_users[SA], lambda w: {"customerId": str(w.indirect.id)},
        lambda w, u: customer_services.order_create(
            access=_access(w.provider, w.indirect, u), user=u,
            line_items=[{"offerId": OFFER, "quantity": 1, "partnerIdOnRecord": w.reseller.mpn_id}])),
    "order-provider-billing": (
        "order_for_customer", lambda w: w.provider_users[BA], lambda w: {"customerId": str(w.indirect.id)},
        lambda w, u: customer_services.order_create(
            access=_access(w.provider, w.indirect, u), user=u,
            line_items=[{"offerId": OFFER, "quantity": 1, "partnerIdOnRecord": w.reseller.mpn_id}])),
    "order-reseller-indirect": (
        "order_for_customer", lambda w: w.reseller_users[GA], lambda w: {"customerId": str(w.indirect.id)},
        lambda w, u: customer_services.order_create(
            access=_access(w.reseller, w.indirect, u), user=u, line_items=[{"offerId": OFFER, "quantity": 1}])),
    "order-pure-reseller": (
        "order_for_customer", lambda w: w.reseller_users[GA], lambda w: {"customerId": str(w.moved.id)},
        lambda w, u: customer_services.order_create(
            access=_access(w.reseller, w.moved, u), user=u, line_items=[{"offerId": OFFER, "quantity": 1}])),
    "order-direct": (
        "order_for_customer", lambda w: w.reseller_users[GA], lambda w: {"customerId": str(w.direct.id)},
        lambda w, u: customer_services.order_create(
            access=_access(w.reseller, w.direct, u), user=u, line_items=[{"offerId": OFFER, "quantity": 1}])),
    "quantity-provider": (
        "change_quantity", lambda w: w.provider_users[GA],
        lambda w: {"customerId": str(w.indirect.id), "subscriptionId": str(w.indirect_sub.pk)},
        lambda w, u: customer_services.subscription_update(
            access=_access(w.provider, w.indirect, u), user=u, subscription=w.indirect_sub, quantity=7)),
    "quantity-reseller-indirect": (
        "change_quantity", lambda w: w.reseller_users[GA],
        lambda w: {"customerId": str(w.indirect.id), "subscriptionId": str(w.indirect_sub.pk)},
        lambda w, u: customer_services.subscription_update(
            access=_access(w.reseller, w.indirect, u), user=u, subscription=w.indirect_sub, quantity=7)),
    "quantity-direct": (
        "change_quantity", lambda w: w.reseller_users[SA],
        lambda w: {"customerId": str(w.direct.id), "subscriptionId": str(w.direct_sub.pk)},
        lambda w, u: customer_services.subscription_update(
            access=_access(w.reseller, w.direct, u), user=u, subscription=w.direct_sub, quantity=7)),
    "quantity-direct-billing": (
        "change_quantity", lambda w: w.reseller_users[BA],
        lambda w: {"customerId": str(w.direct.id), "subscriptionId": str(w.direct_sub.pk)},
        lambda w, u: customer_services.subscription_update(
            access=_access(w.reseller, w.direct, u), user=u, subscription=w.direct_sub, quantity=7)),
    "users-reseller": (
        "manage_users", lambda w: w.reseller_users[AA], lambda w: {"customerId": str(w.indirect.id)},
        lambda w, u: customer_services.customer_user_create(
            access=_access(w.reseller, w.indirect, u), user=u, user_name="new", display_name="New")),
    "users-reseller-sales": (
        "manage_users", lambda w: w.reseller_users[SA], lambda w: {"customerId": str(w.indirect.id)},
        lambda w, u: customer_services.customer_user_create(
            access=_access(w.reseller, w.indirect, u), user=u, user_name="new", display_name="New")),
    "users-provider": (
        "manage_users", lambda w: w.provider_users[GA], lambda w: {"customerId": str(w.indirect.id)},
        lambda w, u: customer_services.customer_user_create(
            access=_access(w.provider, w.indirect, u), user=u, user_name="new", display_name="New")),
    "remove-bare": (
        "remove_relationship", lambda w: w.reseller_users[GA], lambda w: {"relationshipId": str(w.bare_rel.pk)},
        lambda w, u: customer_services.relationship_remove(relationship=w.bare_rel, user=u)),
    "remove-agent": (
        "remove_relationship", lambda w: w.reseller_users[AA], lambda w: {"relationshipId": str(w.bare_rel.pk)},
        lambda w, u: customer_services.relationship_remove(relationship=w.bare_rel, user=u)),
    "remove-with-subscriptions": (
        "remove_relationship", lambda w: w.reseller_users[GA],
        lambda w: {"relationshipId": str(w.direct_rel.pk)},
        lambda w, u: customer_services.relationship_remove(relationship=w.direct_rel, user=u)),
    "remove-by-customer": (
        "remove_relationship", lambda w: w.customer_ga, lambda w: {"relationshipId": str(w.direct_rel.pk)},
        lambda w, u: customer_services.relationship_remove(relationship=w.direct_rel, user=u)),
}  # fmt: skip

# Each action is covered both ways: at least one allowed and one refused case.
EXPECTED = {
    "enroll-ga": True, "enroll-agent": False, "enroll-provider": False, "enroll-reseller": False,
    "agreement-ga": True, "agreement-sales": False, "agreement-not-approved": False,
    "partnership-ga": True, "partnership-agent": False, "partnership-candidate": False,
    "partnership-again": False,
    "invite-customers-ga": True, "invite-customers-sales": False, "invite-customers-candidate": False,
    "create-tenant-provider": True, "create-tenant-provider-sales": False, "create-tenant-direct-bill": True,
    "create-tenant-indirect-reseller": False,
    "order-provider": True, "order-provider-billing": False, "order-reseller-indirect": False,
    "order-pure-reseller": False, "order-direct": True,
    "quantity-provider": True, "quantity-reseller-indirect": False, "quantity-direct": True,
    "quantity-direct-billing": False,
    "users-reseller": True, "users-reseller-sales": False, "users-provider": False,
    "remove-bare": True, "remove-agent": False, "remove-with-subscriptions": False,
    "remove-by-customer": False,
}  # fmt: skip


def test_every_case_has_an_expectation_and_every_action_is_covered_both_ways():
    assert set(CASES) == set(EXPECTED)
    names = {a.name for a in explain.actions()}
    covered = {CASES[c][0] for c in CASES}
    assert covered <= names
    for action in {"enroll", "accept_agreement", "accept_partnership", "invite_customers", "create_tenant",
                   "order_for_customer", "change_quantity", "manage_users", "remove_relationship"}:  # fmt: skip
        assert action in covered
        outcomes = {EXPECTED[c] for c in CASES if CASES[c][0] == action}
        assert outcomes == {True, False}, action


@pytest.mark.django_db
@pytest.mark.parametrize("case", sorted(CASES))
def test_explanation_agrees_with_the_service(w, case):
    action, actor, params, call = CASES[case]
    user = actor(w)
    why = explain.explain(action, user, params(w))
    refused = None
    try:
        with transaction.atomic():
            call(w, user)
            transaction.set_rollback(True)
    except DomainError as exc:
        refused = exc
    assert why.allowed is (refused is None), (case, why.reasons, refused and refused.reason)
    assert why.allowed is EXPECTED[case], case
    if refused is not None:
        assert why.reason == refused.reason
        assert why.changes, "a refusal says what would change the answer"
    assert why.rules and why.facts


@pytest.mark.django_db
def test_facts_name_the_role_programs_and_relationships(w):
    why = explain.explain(
        "change_quantity",
        w.reseller_users[GA],
        {"customerId": str(w.indirect.id), "subscriptionId": str(w.indirect_sub.pk)},
    )
    facts = {f.key: str(f.value) for f in why.facts}
    assert facts["role"] == "Global admin"
    assert facts["program.indirect_reseller"] == "Active"
    assert "Indirect reseller" in facts["relationship.indirect"]
    assert w.provider.legal_name in facts["relationship.indirect"]
    assert why.reason == "subscriptions.provider_changes_quantity"
    assert any("indirect provider" in str(c) for c in why.changes)


@pytest.mark.django_db
def test_another_tenants_objects_are_not_found_not_explained(w):
    outsider, _ = make_partner(Program.DIRECT_BILL)
    with pytest.raises(DomainError) as exc:
        explain.explain("order_for_customer", outsider.tenant.users.first(), {"customerId": str(w.direct.id)})
    assert exc.value.status == 404
    with pytest.raises(DomainError) as exc:
        explain.explain(
            "remove_relationship", outsider.tenant.users.first(), {"relationshipId": str(w.direct_rel.pk)}
        )
    assert exc.value.status == 404


def _bearer(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=user, name='t')[1]}")


@pytest.mark.django_db
def test_api_explains_with_the_same_reason(w):
    client = _bearer(w.reseller_users[GA])
    r = client.get(
        "/v1/permissions/explain",
        {"action": "order_for_customer", "customerId": str(w.indirect.id)},
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["allowed"] is False
    assert body["reason"] == "orders.direct_bill_not_allowed"
    assert body["rules"] and body["facts"] and body["whatWouldChange"]
    assert {"name", "label", "value"} <= set(body["facts"][0])
    assert "R14" not in r.content.decode()
    r = client.get(
        "/v1/permissions/explain", {"action": "order_for_customer", "customerId": str(w.direct.id)}
    )
    assert r.json()["allowed"] is True and r.json()["reason"] is None


@pytest.mark.django_db
def test_api_bad_questions_get_the_error_body(w):
    client = _bearer(w.reseller_users[GA])
    for query, status in [
        ({}, 400),
        ({"action": "fly"}, 400),
        ({"action": "order_for_customer"}, 400),
        ({"action": "order_for_customer", "customerId": "not-a-uuid"}, 404),
        ({"action": "change_quantity", "customerId": str(w.indirect.id), "subscriptionId": "x"}, 404),
        ({"action": "remove_relationship", "relationshipId": "99999999"}, 404),
    ]:
        r = client.get("/v1/permissions/explain", query)
        assert r.status_code == status, (query, r.content)
        assert {"code", "description"} <= set(r.json())
    assert Client().get("/v1/permissions/explain", {"action": "enroll"}).status_code == 401


@pytest.mark.django_db
def test_page_lists_the_actions_and_explains_one(w):
    client = Client()
    client.force_login(w.candidate_users[AA])
    page = client.get("/why/").content.decode()
    assert "Enroll in the indirect reseller program" in page
    assert 'data-reason="enrollment.not_global_admin"' in page
    assert "Ask your tenant&#x27;s global admin to enroll." in page
    one = client.get("/why/", {"action": "create_tenant", "kind": "direct"}).content.decode()
    assert 'data-testid="why-create_tenant"' in one
    assert "You can do this now." in one  # an admin agent creates direct-bill customers' tenants
    client.force_login(w.candidate_users[BA])
    one = client.get("/why/", {"action": "create_tenant", "kind": "direct"}).content.decode()
    assert 'data-reason="customers.create_role"' in one
    assert client.get("/why/", {"action": "nope"}).status_code == 200


@pytest.mark.django_db
def test_panel_renders_only_when_refused(w, rf):
    from django.template import Context, Template

    template = Template('{% load why %}{% why_panel "order_for_customer" customerId=cid %}')
    request = rf.get("/")
    request.user = w.reseller_users[GA]
    refused = template.render(Context({"request": request, "cid": w.indirect.id}))
    assert 'data-reason="orders.direct_bill_not_allowed"' in refused
    allowed = template.render(Context({"request": request, "cid": w.direct.id}))
    assert allowed.strip() == ""
    account = CustomerAccount.objects.get(tenant=w.indirect)
    assert account.company_name in refused


@pytest.mark.django_db
def test_pages_show_the_panel_where_the_action_is_refused(w):
    client = Client()
    client.force_login(w.reseller_users[SA])
    page = client.get(f"/customers/{w.indirect.id}/").content.decode()
    assert 'data-testid="why-order_for_customer"' in page
    assert 'data-reason="orders.direct_bill_not_allowed"' in page
    assert 'data-reason="customers.role_cannot_manage_users"' in page
    direct = client.get(f"/customers/{w.direct.id}/").content.decode()
    assert 'data-testid="why-order_for_customer"' not in direct  # a sales agent orders for it
    client.force_login(w.candidate_users[SA])
    enroll = client.get("/enrollment/").content.decode()
    assert 'data-testid="why-enroll"' in enroll and 'data-reason="enrollment.not_global_admin"' in enroll
    forbidden = client.get("/customers/new/?kind=direct")
    assert forbidden.status_code == 403 and 'data-testid="why-link"' in forbidden.content.decode()
