"""SPEC §10 roles, generated: every service action × every actor, then the same table through pages and API.

`ROLES` below is the one table (it mirrors SPEC §10). Each case builds one world (a direct-bill partner that
is an active indirect reseller with a provider partnership and customers with delegated admin, a provider,
a direct-bill partner about to enroll, one with an approved enrollment, and a customer tenant), picks the
actor (a user of each of the four partner roles of the partner the action belongs to, or the customer
tenant's global admin), and calls the SERVICE: an allowed actor succeeds; a refused one gets a 403 with a
`reason` and a message naming the role(s) needed, and nothing in the database changed.
"""

from __future__ import annotations

import types

import pytest
from django.apps import apps
from django.test import Client

from customers import services as customer_services
from customers.models import CustomerAccount, CustomerUser, LicenseAssignment, Subscription
from customers.selectors import customer_access
from customers.services.accounts import relationship_request_url
from customers.services.directory import licenses_update
from customers.services.invitations import draft_text
from enrollment import services as enrollment_services
from enrollment.models import IncentiveInvitation
from invitations import services as invitation_services
from partnercenter.errors import DomainError
from partnercenter.models import Event
from tenants import services as tenant_services
from tenants.models import Partnership, Program, Role
from tests.customers.factories import make_customer, relate
from tests.factories import UserFactory, make_partner

GA, AA, SA, BA = Role.GLOBAL_ADMIN, Role.ADMIN_AGENT, Role.SALES_AGENT, Role.BILLING_ADMIN
CGA = "customer_global_admin"
PARTNER_ROLES = (GA, AA, SA, BA)
ACTORS = (*PARTNER_ROLES, CGA)
EVERYONE = frozenset(ACTORS)
ROLE_WORDS = {GA: "global admin", AA: "admin agent", SA: "sales agent", BA: "billing admin"}
LICENSED_OFFER = "CFQ7TTC0LH18:0001"

# SPEC §10: action -> (the partner whose users act, the actors allowed). The customer tenant's global admin
# only authorizes or removes its partners (and owns its API keys); it does no partner action.
ROLES: dict[str, tuple[str, frozenset]] = {
    # enroll, accept the agreement, accept/remove partnerships, accept incentive invitations (R1)
    "enrollment_submit": ("candidate", frozenset({GA})),
    "enrollment_accept_agreement": ("approved", frozenset({GA})),
    "incentive_invitation_accept": ("reseller", frozenset({GA})),
    "partnership_invitation_accept": ("reseller", frozenset({GA})),
    "partnership_invitation_decline": ("reseller", frozenset({GA})),
    "partnership_remove": ("provider", frozenset({GA})),
    # edit/confirm the partner profile
    "profile_update": ("reseller", frozenset({GA})),
    "profile_confirm_current": ("reseller", frozenset({GA})),
    # customer invitations, relationship-request links, customer tenants; partnership invitations (provider)
    "customer_invitation_create": ("reseller", frozenset({GA, AA})),
    "customer_invitation_finish_draft": ("reseller", frozenset({GA, AA})),
    "customer_invitation_revoke": ("reseller", frozenset({GA, AA})),
    "relationship_request_url": ("reseller", frozenset({GA, AA})),
    "customer_create_for_reseller": ("provider", frozenset({GA, AA})),
    # a direct-bill partner creates tenants for its direct-bill customers (unlike indirect resellers, R13)
    "customer_create_as_direct_bill": ("reseller", frozenset({GA, AA})),
    "partner_invitation_create": ("provider", frozenset({GA, AA})),
    "partner_invitation_create_and_send": ("provider", frozenset({GA, AA})),
    "partner_invitation_send": ("provider", frozenset({GA, AA})),
    "partner_invitation_new_link": ("provider", frozenset({GA, AA})),
    "partner_invitation_link_again": ("provider", frozenset({GA, AA})),
    "customer_invitation_link_again": ("reseller", frozenset({GA, AA})),
    "partner_invitation_revoke": ("provider", frozenset({GA, AA})),
    # place orders; change subscriptions (quantity, suspend, auto-renew)
    "order_create_as_provider": ("provider", frozenset({GA, AA, SA})),
    "order_create_direct": ("reseller", frozenset({GA, AA, SA})),
    # the quantity of an indirect subscription is the provider's to change (R14/R18)
    "subscription_quantity": ("provider", frozenset({GA, AA, SA})),
    "subscription_suspend": ("reseller", frozenset({GA, AA, SA})),
    "subscription_auto_renew": ("reseller", frozenset({GA, AA, SA})),
    # a customer's users and licenses (delegated admin, R12)
    "customer_user_create": ("reseller", frozenset({GA, AA})),
    "customer_user_delete": ("reseller", frozenset({GA, AA})),
    "license_assign": ("reseller", frozenset({GA, AA})),
    "license_remove": ("reseller", frozenset({GA, AA})),
    "licenses_update": ("reseller", frozenset({GA, AA})),
    # see customers, subscriptions, relationships
    "customer_view": ("reseller", frozenset(PARTNER_ROLES)),
    # own API keys (a customer tenant's users have theirs too)
    "api_token_create": ("reseller", EVERYONE),
    "api_token_revoke": ("reseller", EVERYONE),
    # a reseller relationship ends by its partner's global admin or the customer's global admin
    "reseller_relationship_remove": ("reseller", frozenset({GA, CGA})),
    # the customer tenant's global admin authorizes its partners
    "customer_invitation_accept": ("reseller", frozenset({CGA})),
    "customer_invitation_decline": ("reseller", frozenset({CGA})),
    "direct_relationship_accept": ("candidate", frozenset({CGA})),
}


# --- the world ---------------------------------------------------------------------------------------


def _partner(*programs, offboarding=False):
    profile, ga = make_partner(*programs, offboarding=offboarding)
    users = {GA: ga}
    for role in (AA, SA, BA):
        users[role] = UserFactory(tenant=profile.tenant, role=role)
    return profile, users


@pytest.fixture
def world(settings):
    settings.ENROLLMENT_APPROVAL_POLICY = "manual"
    w = types.SimpleNamespace()
    # A direct-bill partner identified for offboarding: may enroll.
    w.candidate, candidate_users = _partner(Program.DIRECT_BILL, offboarding=True)
    # A direct-bill partner whose enrollment was approved: may accept the agreement.
    w.approved, approved_users = _partner(Program.DIRECT_BILL, offboarding=True)
    enrollment = enrollment_services.enrollment_submit(profile=w.approved, user=approved_users[GA])
    enrollment_services.enrollment_approve(enrollment_id=enrollment.pk, actor_label="test")
    # The direct-bill partner that became an active indirect reseller, with its incentive invitation sent.
    w.reseller, reseller_users = _partner(Program.DIRECT_BILL, offboarding=True)
    enrollment = enrollment_services.enrollment_submit(profile=w.reseller, user=reseller_users[GA])
    enrollment_services.enrollment_approve(enrollment_id=enrollment.pk, actor_label="test")
    enrollment_services.enrollment_accept_agreement(profile=w.reseller, user=reseller_users[GA])
    w.incentive = IncentiveInvitation.objects.get(partner=w.reseller)
    enrollment_services.incentive_invitation_send(invitation_id=w.incentive.pk, actor_label="test")
    # Its provider, and a second provider whose invitation the reseller has not answered yet.
    w.provider, provider_users = _partner(Program.INDIRECT_PROVIDER)
    w.partnership = Partnership.objects.create(provider=w.provider, reseller=w.reseller)
    w.provider_b, provider_b_users = _partner(Program.INDIRECT_PROVIDER)
    w.partner_invitation_b, w.partner_token_b = invitation_services.invitation_create(
        provider=w.provider_b, user=provider_b_users[GA]
    )
    # The provider's unsent pending invitation.
    w.partner_invitation, w.partner_token = invitation_services.invitation_create(
        provider=w.provider, user=provider_users[GA]
    )
    # An indirect customer of reseller + provider with delegated admin, a subscription and two users.
    w.indirect_tenant, _indirect_ga = make_customer()
    relate(w.indirect_tenant, w.reseller, kind="indirect", provider=w.provider)
    access = customer_access(profile=w.provider, customer_id=w.indirect_tenant.id)
    order = customer_services.order_create(
        access=access,
        user=provider_users[GA],
        line_items=[{"offerId": LICENSED_OFFER, "quantity": 5, "partnerIdOnRecord": w.reseller.mpn_id}],
    )
    w.subscription = Subscription.objects.get(order=order)
    account = CustomerAccount.objects.get(tenant=w.indirect_tenant)
    w.free_user = CustomerUser.objects.create(
        customer=account, user_principal_name=f"free@{account.domain}", display_name="Free"
    )
    w.licensed_user = CustomerUser.objects.create(
        customer=account, user_principal_name=f"licensed@{account.domain}", display_name="Licensed"
    )
    LicenseAssignment.objects.create(user=w.licensed_user, subscription=w.subscription)
    # A direct-bill customer of the reseller (no active subscription); its global admin is the customer actor.
    w.direct_tenant, w.customer_ga = make_customer()
    w.direct_relationship = relate(w.direct_tenant, w.reseller, kind="direct")
    # The reseller's pending customer invitation (to move that direct customer, R15).
    w.customer_invitation, w.customer_token = customer_services.customer_invitation_create(
        reseller=w.reseller, user=reseller_users[GA], provider=w.provider
    )
    w.users = {
        "candidate": candidate_users,
        "approved": approved_users,
        "reseller": reseller_users,
        "provider": provider_users,
    }
    # Everyone's own API key (for api_token_revoke).
    w.tokens = {}
    for user in [*[u for users in w.users.values() for u in users.values()], w.customer_ga]:
        w.tokens[user.pk] = tenant_services.api_token_create(user=user, name="own")[0]
    return w


def actor_of(w, action: str, actor: str):
    return w.customer_ga if actor == CGA else w.users[ROLES[action][0]][actor]


# --- each action, as a call of its service --------------------------------------------------------------


def _reseller_access(w, user, tenant=None):
    return customer_access(profile=w.reseller, customer_id=(tenant or w.indirect_tenant).id, user=user)


def _sub_update(w, user, **change):
    access = _reseller_access(w, user)
    customer_services.subscription_update(access=access, user=user, subscription=w.subscription, **change)


CALLS = {
    "enrollment_submit": lambda w, u: enrollment_services.enrollment_submit(profile=w.candidate, user=u),
    "enrollment_accept_agreement": lambda w, u: enrollment_services.enrollment_accept_agreement(
        profile=w.approved, user=u
    ),
    "incentive_invitation_accept": lambda w, u: enrollment_services.incentive_invitation_accept(
        profile=w.reseller, user=u, invitation_id=w.incentive.pk
    ),
    "partnership_invitation_accept": lambda w, u: invitation_services.invitation_accept(
        token=w.partner_token_b, user=u
    ),
    "partnership_invitation_decline": lambda w, u: invitation_services.invitation_decline(
        token=w.partner_token_b, user=u
    ),
    "partnership_remove": lambda w, u: invitation_services.partnership_remove(
        provider=w.provider, partnership_id=w.partnership.pk, user=u
    ),
    "profile_update": lambda w, u: tenant_services.profile_update(
        profile=w.reseller, user=u, data={"city": "Seoul"}
    ),
    "profile_confirm_current": lambda w, u: tenant_services.profile_confirm_current(
        profile=w.reseller, user=u
    ),
    "customer_invitation_create": lambda w, u: customer_services.customer_invitation_create(
        reseller=w.reseller, user=u, provider=w.provider
    ),
    "customer_invitation_finish_draft": lambda w, u: customer_services.customer_invitation_finish_draft(
        invitation=w.customer_invitation,
        user=u,
        token=w.customer_token,
        subject="Hello",
        body=draft_text(w.customer_invitation, w.customer_token)[1],
    ),
    "customer_invitation_revoke": lambda w, u: customer_services.customer_invitation_revoke(
        invitation=w.customer_invitation, user=u
    ),
    "relationship_request_url": lambda w, u: relationship_request_url(partner=w.reseller, user=u),
    "customer_create_for_reseller": lambda w, u: customer_services.customer_create_for_reseller(
        provider=w.provider, user=u, reseller=w.reseller, company_name="New Co", domain_prefix="newco"
    ),
    "customer_create_as_direct_bill": lambda w, u: customer_services.customer_create_direct(
        partner=w.reseller, user=u, company_name="New Co", domain_prefix="newco"
    ),
    "partner_invitation_create": lambda w, u: invitation_services.invitation_create(
        provider=w.provider, user=u
    ),
    "partner_invitation_create_and_send": lambda w, u: invitation_services.invitation_create_and_send(
        provider=w.provider, user=u, to="someone@reseller.example"
    ),
    "partner_invitation_send": lambda w, u: invitation_services.invitation_send(
        provider=w.provider,
        invitation_id=w.partner_invitation.pk,
        user=u,
        token=w.partner_token,
        to="someone@reseller.example",
        subject="Join us",
        body=invitation_services.email_draft(invitation=w.partner_invitation, token=w.partner_token)[1],
    ),
    "partner_invitation_new_link": lambda w, u: invitation_services.invitation_new_link(
        provider=w.provider, invitation_id=w.partner_invitation.pk, user=u
    ),
    "partner_invitation_link_again": lambda w, u: invitation_services.invitation_link_again(
        provider=w.provider, invitation_id=w.partner_invitation.pk, user=u
    ),
    "customer_invitation_link_again": lambda w, u: (
        customer_services.invitations.customer_invitation_link_again(invitation=w.customer_invitation, user=u)
    ),
    "partner_invitation_revoke": lambda w, u: invitation_services.invitation_revoke(
        provider=w.provider, invitation_id=w.partner_invitation.pk, user=u
    ),
    "order_create_as_provider": lambda w, u: customer_services.order_create(
        access=customer_access(profile=w.provider, customer_id=w.indirect_tenant.id, user=u),
        user=u,
        line_items=[{"offerId": LICENSED_OFFER, "quantity": 1, "partnerIdOnRecord": w.reseller.mpn_id}],
    ),
    "order_create_direct": lambda w, u: customer_services.order_create(
        access=_reseller_access(w, u, w.direct_tenant),
        user=u,
        line_items=[{"offerId": LICENSED_OFFER, "quantity": 1}],
    ),
    "subscription_quantity": lambda w, u: customer_services.subscription_update(
        access=customer_access(profile=w.provider, customer_id=w.indirect_tenant.id, user=u),
        user=u,
        subscription=w.subscription,
        quantity=7,
    ),
    "subscription_suspend": lambda w, u: _sub_update(w, u, status=Subscription.Status.SUSPENDED),
    "subscription_auto_renew": lambda w, u: _sub_update(w, u, auto_renew=False),
    "customer_user_create": lambda w, u: customer_services.customer_user_create(
        access=_reseller_access(w, u), user=u, user_name="new.user", display_name="New User"
    ),
    "customer_user_delete": lambda w, u: customer_services.customer_user_delete(
        access=_reseller_access(w, u), user=u, customer_user=w.free_user
    ),
    "license_assign": lambda w, u: customer_services.license_assign(
        access=_reseller_access(w, u), user=u, customer_user=w.free_user, subscription=w.subscription
    ),
    "license_remove": lambda w, u: customer_services.license_remove(
        access=_reseller_access(w, u), user=u, customer_user=w.licensed_user, subscription=w.subscription
    ),
    "licenses_update": lambda w, u: licenses_update(
        access=_reseller_access(w, u),
        user=u,
        customer_user=w.free_user,
        assign=[{"subscription_id": w.subscription.pk}],
    ),
    "customer_view": lambda w, u: _view_customer(w, u),
    "api_token_create": lambda w, u: tenant_services.api_token_create(user=u, name="mine"),
    "api_token_revoke": lambda w, u: _must(
        tenant_services.api_token_revoke(user=u, token_id=w.tokens[u.pk].pk)
    ),
    "reseller_relationship_remove": lambda w, u: customer_services.relationship_remove(
        relationship=w.direct_relationship, user=u
    ),
    "customer_invitation_accept": lambda w, u: customer_services.customer_invitation_accept(
        token=w.customer_token, user=u
    ),
    "customer_invitation_decline": lambda w, u: customer_services.customer_invitation_decline(
        token=w.customer_token, user=u
    ),
    "direct_relationship_accept": lambda w, u: customer_services.direct_relationship_accept(
        partner=w.candidate, user=u
    ),
}


def _must(done: bool) -> None:
    assert done, "the service answered that it did nothing"


def _view_customer(w, user):
    """What the Customers pages and API read: the acting partner is the user's own (none for a customer)."""
    from customers.selectors import customers_for_partner, subscriptions_for
    from partnercenter.errors import Forbidden
    from tenants.selectors import partner_profile_for

    profile = partner_profile_for(user)
    if profile is None:
        raise Forbidden("This is for partner tenants.", reason="partner.required")
    assert customers_for_partner(profile=profile).exists()
    assert list(subscriptions_for(access=customer_access(profile=profile, customer_id=w.indirect_tenant.id)))


def snapshot() -> dict:
    """Every row of the portal's own tables (a world is small), less the audit entry of a refused
    enrollment (SPEC: a refusal is recorded with its reasons, and changes nothing else)."""
    state = {}
    for label in ("tenants", "enrollment", "invitations", "customers", "partnercenter"):
        for model in apps.get_app_config(label).get_models():
            qs = model.objects.all()
            if model is Event:
                qs = qs.exclude(kind="enrollment.refused")
            state[model._meta.label] = sorted(repr(sorted(row.items())) for row in qs.values())
    return state


def test_table_covers_every_action_and_role():
    assert set(ROLES) == set(CALLS)
    for _partner_key, allowed in ROLES.values():
        assert allowed <= EVERYONE


CASES = [(action, actor) for action in ROLES for actor in ACTORS]


@pytest.mark.parametrize(("action", "actor"), CASES, ids=[f"{a}-{r}" for a, r in CASES])
def test_service_enforces_the_roles_table(world, action, actor):
    user = actor_of(world, action, actor)
    allowed = actor in ROLES[action][1]
    before = snapshot()
    if allowed:
        CALLS[action](world, user)
        return
    with pytest.raises(DomainError) as refused:
        CALLS[action](world, user)
    exc = refused.value
    assert exc.status == 403, f"{action} by {actor}: {exc.status} {exc.reason} {exc.text}"
    assert exc.reason, f"{action} by {actor}: a refusal without a reason code"
    needed = ROLES[action][1] - {CGA}
    if needed and actor in PARTNER_ROLES:
        # The 403 names the role(s) that may do it.
        text = exc.text.lower()
        assert any(ROLE_WORDS[r] in text for r in needed), f"{action}: {exc.text!r} names no role needed"
    assert snapshot() == before, f"{action} by {actor} was refused but changed the database"


# --- pages and API answer as the service does ----------------------------------------------------------


def _cid(w):
    return w.indirect_tenant.id


def _sub_url(w):
    return f"/customers/{_cid(w)}/subscriptions/{w.subscription.pk}/"


def _relationship_remove_url(w):
    """The partner removes it from Customers; the customer's global admin from its Partner relationships."""
    if w.actor == CGA:
        return f"/customers/partners/{w.direct_relationship.pk}/remove/"
    return f"/customers/{w.direct_tenant.id}/relationships/{w.direct_relationship.pk}/remove/"


# action -> (page request, API request); each request is (method, path, data) built from the world.
ENDPOINTS = {
    "enrollment_submit": (
        ("post", lambda w: "/enrollment/", {"acknowledge": "on"}),
        ("post", lambda w: "/v1/enrollments/indirectreseller", {}),
    ),
    "enrollment_accept_agreement": (
        ("post", lambda w: "/enrollment/agreement/", {}),
        ("post", lambda w: "/v1/enrollments/indirectreseller/agreement", {}),
    ),
    "incentive_invitation_accept": (
        ("post", lambda w: f"/enrollment/incentives/{w.incentive.pk}/accept/", {}),
        None,
    ),
    "partnership_invitation_accept": (
        ("post", lambda w: f"/invitations/partner/{w.partner_token_b}/", {"action": "accept"}),
        ("post", lambda w: "/v1/partnerinvitations/accept", lambda w: {"token": w.partner_token_b}),
    ),
    "partnership_remove": (("post", lambda w: f"/indirect-resellers/{w.partnership.pk}/remove/", {}), None),
    "profile_confirm_current": (("post", lambda w: "/profile/confirm/", {}), None),
    "customer_invitation_create": (
        (
            "post",
            lambda w: "/customers/invite/",
            lambda w: {"provider": w.provider.tenant_id, "include_delegated_admin": "on"},
        ),
        ("post", lambda w: "/v1/customerinvitations", lambda w: {"providerId": str(w.provider.tenant_id)}),
    ),
    "customer_invitation_revoke": (
        ("post", lambda w: f"/customers/invitations/{w.customer_invitation.pk}/revoke/", {}),
        ("post", lambda w: f"/v1/customerinvitations/{w.customer_invitation.pk}/revoke", {}),
    ),
    "relationship_request_url": (None, ("get", lambda w: "/v1/customers/relationshiprequests", {})),
    "customer_create_as_direct_bill": (
        (
            "post",
            lambda w: "/customers/new/?kind=direct",
            {"company_name": "New Co", "domain_prefix": "newco"},
        ),
        (
            "post",
            lambda w: "/v1/customers",
            {
                "companyProfile": {"domain": "newco.onmicrosoft.com"},
                "billingProfile": {"companyName": "New Co"},
            },
        ),
    ),
    "customer_create_for_reseller": (
        (
            "post",
            lambda w: "/customers/new/",
            lambda w: {"reseller": w.reseller.pk, "company_name": "New Co", "domain_prefix": "newco"},
        ),
        (
            "post",
            lambda w: "/v1/customers",
            lambda w: {
                "companyProfile": {"domain": "newco.onmicrosoft.com"},
                "billingProfile": {"companyName": "New Co", "defaultAddress": {"country": "US"}},
                "associatedPartnerId": str(w.reseller.tenant_id),
            },
        ),
    ),
    "partner_invitation_create": (("post", lambda w: "/indirect-resellers/request/", {}), None),
    "partner_invitation_create_and_send": (
        None,
        ("post", lambda w: "/v1/partnerinvitations", {"email": "someone@reseller.example"}),
    ),
    "partner_invitation_new_link": (
        ("post", lambda w: f"/indirect-resellers/invitations/{w.partner_invitation.pk}/new-link/", {}),
        None,
    ),
    "partner_invitation_link_again": (
        ("post", lambda w: f"/indirect-resellers/invitations/{w.partner_invitation.pk}/link/", {}),
        None,
    ),
    "customer_invitation_link_again": (
        ("post", lambda w: f"/customers/invitations/{w.customer_invitation.pk}/link/", {}),
        None,
    ),
    "partner_invitation_revoke": (
        ("post", lambda w: f"/indirect-resellers/invitations/{w.partner_invitation.pk}/revoke/", {}),
        ("post", lambda w: f"/v1/partnerinvitations/{w.partner_invitation.pk}/revoke", {}),
    ),
    "order_create_as_provider": (
        (
            "post",
            lambda w: f"/customers/{_cid(w)}/orders/new/",
            lambda w: {
                "offer": LICENSED_OFFER,
                "quantity": 1,
                "billing_cycle": "monthly",
                "partner_id_on_record": w.reseller.mpn_id,
            },
        ),
        (
            "post",
            lambda w: f"/v1/customers/{_cid(w)}/orders",
            lambda w: {
                "lineItems": [
                    {"offerId": LICENSED_OFFER, "quantity": 1, "partnerIdOnRecord": w.reseller.mpn_id}
                ]
            },
        ),
    ),
    "order_create_direct": (
        (
            "post",
            lambda w: f"/customers/{w.direct_tenant.id}/orders/new/",
            {"offer": LICENSED_OFFER, "quantity": 1, "billing_cycle": "monthly"},
        ),
        (
            "post",
            lambda w: f"/v1/customers/{w.direct_tenant.id}/orders",
            {"lineItems": [{"offerId": LICENSED_OFFER, "quantity": 1}]},
        ),
    ),
    "subscription_quantity": (
        ("post", _sub_url, {"action": "quantity", "quantity": 7}),
        ("patch", lambda w: f"/v1/customers/{_cid(w)}/subscriptions/{w.subscription.pk}", {"quantity": 7}),
    ),
    "subscription_suspend": (
        ("post", _sub_url, {"action": "suspend"}),
        (
            "patch",
            lambda w: f"/v1/customers/{_cid(w)}/subscriptions/{w.subscription.pk}",
            {"status": "suspended"},
        ),
    ),
    "subscription_auto_renew": (
        ("post", _sub_url, {"action": "autorenew_off"}),
        (
            "patch",
            lambda w: f"/v1/customers/{_cid(w)}/subscriptions/{w.subscription.pk}",
            {"autoRenewEnabled": False},
        ),
    ),
    "customer_user_create": (
        (
            "post",
            lambda w: f"/customers/{_cid(w)}/users/",
            {"user_name": "new.user", "display_name": "New", "usage_location": "US"},
        ),
        (
            "post",
            lambda w: f"/v1/customers/{_cid(w)}/users",
            lambda w: {
                "userPrincipalName": f"new.user@{w.indirect_tenant.default_domain}",
                "displayName": "New",
            },
        ),
    ),
    "customer_user_delete": (
        ("post", lambda w: f"/customers/{_cid(w)}/users/{w.free_user.pk}/delete/", {}),
        ("delete", lambda w: f"/v1/customers/{_cid(w)}/users/{w.free_user.pk}", {}),
    ),
    "license_assign": (
        (
            "post",
            lambda w: f"/customers/{_cid(w)}/users/{w.free_user.pk}/licenses/",
            lambda w: {"subscription": str(w.subscription.pk), "action": "assign"},
        ),
        (
            "post",
            lambda w: f"/v1/customers/{_cid(w)}/users/{w.free_user.pk}/licenseupdates",
            lambda w: {"licensesToAssign": [{"portal": {"subscriptionId": str(w.subscription.pk)}}]},
        ),
    ),
    "customer_view": (("get", lambda w: "/customers/", {}), ("get", lambda w: "/v1/customers", {})),
    "reseller_relationship_remove": (("post", _relationship_remove_url, {}), None),
    "customer_invitation_accept": (
        ("post", lambda w: f"/customers/invitations/{w.customer_token}/", {"action": "accept"}),
        ("post", lambda w: "/v1/customerinvitations/accept", lambda w: {"token": w.customer_token}),
    ),
    "direct_relationship_accept": (
        ("post", lambda w: f"/customers/relationship-request/{w.candidate.tenant_id}/", {}),
        None,
    ),
}

HTTP_CASES = [
    (action, actor, kind)
    for action, (page, api) in ENDPOINTS.items()
    for kind, endpoint in (("page", page), ("api", api))
    if endpoint is not None
    for actor in ACTORS
]


@pytest.mark.parametrize(
    ("action", "actor", "kind"), HTTP_CASES, ids=[f"{k}-{a}-{r}" for a, r, k in HTTP_CASES]
)
def test_pages_and_api_answer_as_the_service(world, api_client_for, action, actor, kind):
    user = actor_of(world, action, actor)
    world.actor = actor
    method, path, data = ENDPOINTS[action][0 if kind == "page" else 1]
    data = data(world) if callable(data) else data
    if kind == "page":
        client = Client()
        client.force_login(user)
        response = getattr(client, method)(path(world), data)
    else:
        client = api_client_for(user)
        response = getattr(client, method)(path(world), data, format="json")
    allowed = actor in ROLES[action][1]
    body = response.content.decode()[:400]
    if allowed:
        assert response.status_code < 400, f"{kind} {action} by {actor}: {response.status_code} {body}"
    else:
        assert response.status_code == 403, f"{kind} {action} by {actor}: {response.status_code} {body}"
