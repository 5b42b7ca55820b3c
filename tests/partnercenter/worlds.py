"""A small book of business for the hostile-input tests: an active indirect reseller (also direct bill)
partnered with an indirect provider, a direct customer with a subscription and a user, an indirect
customer, and pending invitations both ways."""

from __future__ import annotations

from dataclasses import dataclass, field

from customers.catalog import offers_seed
from customers.models import CustomerUser, Subscription
from customers.selectors import customer_access
from customers.services import customer_invitation_create, customer_user_create
from invitations.services import invitation_create
from tests.customers.factories import make_customer, make_partnered, order, relate


@dataclass
class World:
    reseller: object
    reseller_user: object
    provider: object
    provider_user: object
    direct: object  # the direct customer's tenant
    indirect: object
    subscription: Subscription
    customer_user: CustomerUser
    customer_invitation: object
    partner_invitation: object
    partner_invitation_token: str
    customers: list = field(default_factory=list)


def make_world(prefix: str = "Fuzz") -> World:
    offers_seed()
    reseller, reseller_user, provider, provider_user = make_partnered()
    direct, _admin = make_customer(name=f"{prefix} Direct Ltd")
    relate(direct, reseller, kind="direct")
    order(reseller, reseller_user, direct)
    indirect, _admin2 = make_customer(name=f"{prefix} Indirect Ltd")
    relate(indirect, reseller, kind="indirect", provider=provider)
    access = customer_access(profile=reseller, customer_id=direct.id)
    customer_user = customer_user_create(
        access=access, user=reseller_user, user_name=f"{prefix.lower()}.user", display_name="Fuzz User"
    )
    customer_invitation, _token = customer_invitation_create(
        reseller=reseller, user=reseller_user, provider=provider
    )
    partner_invitation, partner_token = invitation_create(provider=provider, user=provider_user)
    return World(
        reseller=reseller,
        reseller_user=reseller_user,
        provider=provider,
        provider_user=provider_user,
        direct=direct,
        indirect=indirect,
        subscription=Subscription.objects.get(order__customer__tenant=direct),
        customer_user=customer_user,
        customer_invitation=customer_invitation,
        partner_invitation=partner_invitation,
        partner_invitation_token=partner_token,
        customers=[direct, indirect],
    )
