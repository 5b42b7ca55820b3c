""" "Why can't I?" for customers: each action is explained by the same refusal functions its service runs
(customers/access.py, services/orders.py, services/subscriptions.py, services/directory.py,
services/invitations.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from partnercenter import explain, ids
from partnercenter.errors import Forbidden, NotFound
from partnercenter.explain import Fact, refusal_of
from tenants.explain import user_facts, yes_no
from tenants.models import Program
from tenants.selectors import partner_profile_for, programs_for
from tenants.services import has_program

from . import selectors
from .models import RelationshipKind, ResellerRelationship, Subscription
from .services import orders, subscriptions
from .services.directory import require_admin_rights
from .services.invitations import require_customer_inviter

ACTIONS = {
    "invite_customers": _("Invite customers to a reseller relationship"),
    "create_tenant": _("Create a customer tenant"),
    "order_for_customer": _("Place an order for a customer"),
    "change_quantity": _("Change a subscription's quantity"),
    "manage_users": _("Manage a customer's users and licenses"),
    "remove_relationship": _("Remove a reseller relationship"),
}

ROLE_RULE = _(
    "Partner roles: global admins and admin agents manage customers, users and invitations; sales agents "
    "also place orders; billing admins only see billing."
)

RULES = {
    "invite_customers": [
        _("Only an active indirect reseller invites customers, naming one of its indirect providers."),
        ROLE_RULE,
    ],
    "create_tenant": [
        _(
            "Indirect resellers cannot create Azure AD tenants for new customers: their indirect provider "
            "creates the tenant and names them as the reseller."
        ),
        _("A direct-bill partner creates tenants for its own direct-bill customers."),
        ROLE_RULE,
    ],
    "order_for_customer": [
        _("An indirect reseller's customer buys through its indirect provider, who submits the orders."),
        _(
            "The direct-bill capability cannot be used to buy for a customer acquired as an indirect reseller "
            "customer, nor for a direct-bill customer moved to the indirect model."
        ),
        ROLE_RULE,
    ],
    "change_quantity": [
        _(
            "Adding licenses to an indirect subscription is an order: its indirect provider changes the "
            "quantity; the reseller manages licenses, users and renewals."
        ),
        _("Only an active subscription's quantity changes; a suspended one is reactivated first."),
        ROLE_RULE,
    ],
    "manage_users": [
        _(
            "A customer's users and licenses are managed by its reseller of record with delegated admin "
            "privileges."
        ),
        ROLE_RULE,
    ],
    "remove_relationship": [
        _("The reseller's or the customer's global admin removes a reseller relationship."),
        _("Every active subscription under it is suspended first."),
    ],
}

REMEDIES = {
    "customer_invitation.not_reseller": _("Enroll as an indirect reseller and accept the agreement first."),
    "customer_invitation.role_cannot_invite": _("Ask a global admin or admin agent of your organization."),
    "customers.create_not_provider": _(
        "Ask your indirect provider to create the tenant and name you as the reseller."
    ),
    "customers.create_not_direct_bill": _(
        "Ask your indirect provider to create the tenant and name you as the reseller."
    ),
    "customers.create_role": _("Ask a global admin or admin agent of your organization."),
    "orders.role_cannot_order": _("Ask a global admin, admin agent or sales agent of your organization."),
    "orders.direct_bill_not_allowed": _("Ask your indirect provider to submit the order."),
    "orders.provider_orders": _("Ask your indirect provider to submit the order."),
    "orders.customer_moved_to_provider": _(
        "Ask your indirect provider to submit new purchases; existing direct-bill subscriptions stay yours."
    ),
    "subscriptions.role_cannot_change": _(
        "Ask a global admin, admin agent or sales agent of your organization."
    ),
    "subscriptions.provider_changes_quantity": _(
        "Ask your indirect provider to change the quantity (an order for more licenses)."
    ),
    "subscriptions.ended": _("Order a new subscription instead."),
    "subscriptions.suspended": _("Reactivate the subscription first."),
    "customers.no_admin_rights": _(
        "Ask the customer to grant you delegated admin privileges through a reseller relationship."
    ),
    "customers.role_cannot_manage_users": _("Ask a global admin or admin agent of your organization."),
    "customers.not_global_admin": _("Ask your tenant's global admin."),
    "customers.relationship_has_active_subscriptions": _(
        "Suspend the relationship's active subscriptions, then remove it."
    ),
}


def _not_partner(name: str) -> explain.Explanation:
    return explain.Explanation(
        action=name,
        label=ACTIONS[name],
        refusals=[Forbidden(_("This is done by a partner's users."), reason="customers.not_partner")],
        rules=RULES[name],
        changes=[_("Sign in with a user of the partner tenant.")],
    )


def _relationship_facts(access) -> list[Fact]:
    facts = []
    for rel in access.relationships:
        if rel.partner_id == access.profile.pk:
            side = _("you are its reseller of record")
        else:
            side = _("you are its indirect provider")
        value = f"{RelationshipKind(rel.kind).label} — {side}"
        if rel.kind == RelationshipKind.INDIRECT and rel.provider_id and rel.partner_id == access.profile.pk:
            value += " — " + str(_("indirect provider: %(name)s") % {"name": rel.provider.legal_name})
        facts.append(Fact(f"relationship.{rel.kind}", _("Relationship with this customer"), value))
        if rel.partner_id == access.profile.pk:
            facts.append(Fact("delegatedAdmin", _("Delegated admin privileges"), yes_no(rel.delegated_admin)))
    if access.direct is not None:
        facts.append(
            Fact("movedToIndirect", _("Moved to the indirect model"), yes_no(access.moved_to_provider))
        )
    return facts


def _context(user, params):
    access = params.get("access")
    # A page passes the access it already holds: its partner profile is the user's, no query needed.
    profile = access.profile if access is not None else partner_profile_for(user)
    if profile is None:
        return None, None, None
    if access is None and params.get("customerId"):
        access = selectors.customer_access(profile=profile, customer_id=params["customerId"], user=user)
    return profile, programs_for(profile), access


def _build(name, user, profile, programs, access, refusal, extra_facts=()):
    facts = user_facts(user, profile, programs)
    if access is not None:
        facts += [Fact("customer", _("Customer"), access.customer.company_name)] + _relationship_facts(access)
    facts += list(extra_facts)
    return explain.build(
        name, ACTIONS[name], refusals=[refusal], rules=RULES[name], facts=facts, remedies=REMEDIES
    )


def explain_invite_customers(user, params):
    profile, programs, _access = _context(user, params)
    if profile is None:
        return _not_partner("invite_customers")
    refusal = refusal_of(lambda: require_customer_inviter(reseller=profile, user=user))
    return _build("invite_customers", user, profile, programs, None, refusal)


def explain_create_tenant(user, params):
    profile, programs, _access = _context(user, params)
    if profile is None:
        return _not_partner("create_tenant")
    kind = (params.get("kind") or "").strip().lower()
    # Without `kind`: a provider creates for its resellers, any other partner for its direct-bill customers.
    if kind == "direct" or (kind == "" and not has_program(profile, Program.INDIRECT_PROVIDER)):
        refusal = selectors.direct_customer_creation_refusal(partner=profile, user=user)
    else:
        refusal = selectors.customer_creation_refusal(provider=profile, user=user)
    return _build("create_tenant", user, profile, programs, None, refusal)


def explain_order_for_customer(user, params):
    profile, programs, access = _context(user, params)
    if profile is None:
        return _not_partner("order_for_customer")
    return _build(
        "order_for_customer", user, profile, programs, access, orders.order_refusal(access=access, user=user)
    )


def _subscription(access, raw) -> Subscription:
    if isinstance(raw, Subscription):
        return raw
    pk = ids.parse_uuid(raw)
    sub = None
    if pk is not None:
        sub = (
            Subscription.objects.select_related("offer", "relationship__provider")
            .filter(pk=pk, relationship__customer=access.customer)
            .first()
        )
    if sub is None or not access.manages(sub):
        raise NotFound(reason="subscriptions.not_found")
    return sub


def explain_change_quantity(user, params):
    profile, programs, access = _context(user, params)
    if profile is None:
        return _not_partner("change_quantity")
    sub = _subscription(access, params.get("subscription") or params.get("subscriptionId"))
    refusal = subscriptions.quantity_refusal(access=access, user=user, subscription=sub)
    facts = [
        Fact("subscription", _("Subscription"), sub.friendly_name),
        Fact("subscriptionStatus", _("Subscription status"), sub.get_status_display()),
    ]
    return _build("change_quantity", user, profile, programs, access, refusal, facts)


def explain_manage_users(user, params):
    profile, programs, access = _context(user, params)
    if profile is None:
        return _not_partner("manage_users")
    refusal = refusal_of(lambda: require_admin_rights(access, user))
    return _build("manage_users", user, profile, programs, access, refusal)


def explain_remove_relationship(user, params):
    profile = partner_profile_for(user)
    raw = params.get("relationship") or params.get("relationshipId")
    if isinstance(raw, ResellerRelationship):
        rel = raw
    else:
        pk = ids.parse_pk(str(raw or ""))
        rel = (
            ResellerRelationship.objects.select_related("partner__tenant", "customer__tenant", "provider")
            .filter(pk=pk)
            .first()
            if pk is not None
            else None
        )
    if rel is None:
        raise NotFound(reason="customers.relationship_not_found")
    refusal = selectors.removal_refusal(relationship=rel, user=user)
    facts = user_facts(user, profile) + [
        Fact("customer", _("Customer"), rel.customer.company_name),
        Fact("relationship", _("Relationship"), RelationshipKind(rel.kind).label),
        Fact("relationshipStatus", _("Relationship status"), rel.get_status_display()),
    ]
    return explain.build(
        "remove_relationship",
        ACTIONS["remove_relationship"],
        refusals=[refusal],
        rules=RULES["remove_relationship"],
        facts=facts,
        remedies=REMEDIES,
    )


def register() -> None:
    table = [
        ("invite_customers", explain_invite_customers, (), 40),
        ("create_tenant", explain_create_tenant, (), 50),
        ("order_for_customer", explain_order_for_customer, ("customerId",), 60),
        ("change_quantity", explain_change_quantity, ("customerId", "subscriptionId"), 70),
        ("manage_users", explain_manage_users, ("customerId",), 80),
        ("remove_relationship", explain_remove_relationship, ("relationshipId",), 90),
    ]
    for name, func, params, order in table:
        explain.register(explain.Action(name, ACTIONS[name], func, params=params, order=order))
