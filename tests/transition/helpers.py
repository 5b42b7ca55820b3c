"""Transition test helpers: a reseller with a provider, and direct-bill customers in each move state."""

from __future__ import annotations

from django.db import transaction

from customers.models import CustomerAccount, ResellerRelationship
from customers.services.invitations import (
    customer_invitation_create,
    customer_invitation_finish_draft,
    draft_text,
)
from partnercenter import clock
from tenants.models import Role, Tenant
from tests.customers.factories import make_customer, make_partnered, order, relate


def setup():
    """(reseller profile, its global admin, a partnered provider)."""
    reseller, user, provider, _provider_user = make_partnered()
    return reseller, user, provider


def direct_customer(reseller, *, name=None, email=True, store_for_business=False, role=Role.GLOBAL_ADMIN):
    tenant, _admin = make_customer(name=name, store_for_business=store_for_business, role=role)
    account = CustomerAccount.objects.get(tenant=tenant)
    if email:
        account.contact_email = f"it@{tenant.default_domain}"
        account.save(update_fields=["contact_email"])
    relate(tenant, reseller, kind="direct")
    return account


def invite_by_hand(reseller, user, provider, account):
    """What a reseller does on Invite new customers, emailing the draft to the customer's contact."""
    with transaction.atomic():
        invitation, token = customer_invitation_create(reseller=reseller, user=user, provider=provider)
        subject, body = draft_text(invitation, token)
        customer_invitation_finish_draft(
            invitation=invitation,
            user=user,
            token=token,
            subject=subject,
            body=body,
            email_to=account.contact_email,
        )
    return invitation


def authorize(reseller, provider, account):
    return relate(account.tenant, reseller, kind="indirect", provider=provider)


def one_of_each(reseller, user, provider, prefix="") -> dict[str, CustomerAccount]:
    """A customer in every tracker state."""
    accounts = {
        "not_invited": direct_customer(reseller, name=f"{prefix}Alpha"),
        "invited": direct_customer(reseller, name=f"{prefix}Bravo"),
        "authorized": direct_customer(reseller, name=f"{prefix}Charlie"),
        "moved_with_direct_subscriptions": direct_customer(reseller, name=f"{prefix}Delta"),
        "blocked": direct_customer(reseller, name=f"{prefix}Echo", store_for_business=True),
    }
    invite_by_hand(reseller, user, provider, accounts["invited"])
    authorize(reseller, provider, accounts["authorized"])
    moved = accounts["moved_with_direct_subscriptions"]
    order(reseller, user, moved.tenant)  # a direct-bill subscription, bought before the move
    authorize(reseller, provider, moved)
    return accounts


def bulk_direct_customers(reseller, n: int, *, prefix: str = "Bulk") -> list[CustomerAccount]:
    """`n` direct-bill customers written with a few bulk INSERTs (what a large book looks like)."""
    now = clock.now()
    tag = f"{prefix.lower()}{reseller.pk}"
    tenants = Tenant.objects.bulk_create(
        [
            Tenant(
                kind=Tenant.Kind.CUSTOMER,
                display_name=f"{prefix} {i:05d}",
                default_domain=f"{tag}-{i}.onmicrosoft.com",
            )
            for i in range(n)
        ],
        batch_size=2000,
    )
    CustomerAccount.objects.bulk_create(
        [
            CustomerAccount(
                tenant=t,
                company_name=t.display_name,
                contact_email=f"admin@{t.default_domain}",
                created_at=now,
            )
            for t in tenants
        ],
        batch_size=2000,
    )
    accounts = list(CustomerAccount.objects.filter(tenant__in=tenants).order_by("company_name"))
    ResellerRelationship.objects.bulk_create(
        [
            ResellerRelationship(
                customer=a,
                partner=reseller,
                kind="direct",
                delegated_admin=True,
                source="direct_bill",
                established_at=now,
            )
            for a in accounts
        ],
        batch_size=2000,
    )
    return accounts
