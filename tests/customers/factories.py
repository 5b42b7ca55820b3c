"""Customers test helpers: partners in the right programs, customer tenants, relationships."""

from __future__ import annotations

from customers.models import CustomerAccount, ResellerRelationship
from customers.selectors import customer_access
from customers.services import customer_account_ensure, order_create
from partnercenter import clock
from tenants.models import Partnership, Program, Role
from tests.factories import CustomerTenantFactory, UserFactory, make_partner, make_provider


def make_reseller(**kwargs):
    """An enrolled (active) indirect reseller that is also a direct-bill partner."""
    return make_partner(Program.DIRECT_BILL, Program.INDIRECT_RESELLER, **kwargs)


def make_partnered(reseller_profile=None):
    """(reseller profile, reseller user, provider profile, provider user) with an active partnership."""
    if reseller_profile is None:
        reseller_profile, reseller_user = make_reseller()
    else:
        reseller_user = reseller_profile.tenant.users.first()
    provider_profile, provider_user = make_provider()
    Partnership.objects.create(provider=provider_profile, reseller=reseller_profile)
    return reseller_profile, reseller_user, provider_profile, provider_user


def make_customer(*, role=Role.GLOBAL_ADMIN, store_for_business=False, account=True, name=None):
    """A customer tenant with one user of `role`. Returns (tenant, user)."""
    kwargs = {"display_name": name} if name else {}
    tenant = CustomerTenantFactory(**kwargs)
    user = UserFactory(tenant=tenant, role=role)
    if account:
        customer_account_ensure(tenant=tenant, store_for_business=store_for_business)
    return tenant, user


def relate(customer_tenant, partner, *, kind="direct", provider=None, delegated_admin=True):
    account = CustomerAccount.objects.get(tenant=customer_tenant)
    return ResellerRelationship.objects.create(
        customer=account,
        partner=partner,
        kind=kind,
        provider=provider,
        delegated_admin=delegated_admin,
        source="direct_bill" if kind == "direct" else "invitation",
        established_at=clock.now(),
    )


def order(profile, user, customer_tenant, offer_id="CFQ7TTC0LH18:0001", quantity=5, pior=None):
    line = {"offerId": offer_id, "quantity": quantity}
    if pior:
        line["partnerIdOnRecord"] = pior
    access = customer_access(profile=profile, customer_id=customer_tenant.id)
    return order_create(access=access, user=user, line_items=[line])
