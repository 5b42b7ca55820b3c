"""Demo data for customers (SPEC §8), idempotent:

- the offers catalog;
- Wingtip Toys: an existing direct-bill customer of Contoso with a Microsoft 365 subscription and users;
- Litware: a Microsoft Store for Business direct-bill customer of Contoso (R16: it keeps direct bill);
- Contoso's open invoice of the current month to each of its direct-bill customers (R18);
- Tailspin Toys: its own tenant, no partner yet. Once Contoso has enrolled and partnered with Fabrikam,
  Contoso invites Tailspin with Fabrikam, Tailspin's global admin authorizes, and Fabrikam orders.

Running it again never recreates a relationship or subscription that was removed or changed meanwhile.
"""

from __future__ import annotations

from django.db import transaction

from partnercenter import clock
from tenants.models import PartnerProfile, Role, User

from .catalog import offers_seed
from .models import CustomerAccount, CustomerUser, LicenseAssignment, ResellerRelationship, Subscription
from .selectors import customer_access
from .services import customer_account_ensure, invoice_build, license_assign, order_create
from .services.invoices import invoicing_job_ensure, month_of

DIRECT_CUSTOMERS = [
    # key, store for business, offer, quantity, extra directory users
    ("wingtip", False, "CFQ7TTC0LDPB:0001", 15, [("maria", "Maria Campos"), ("dev", "Dev Patel")]),
    ("litware", True, "CFQ7TTC0LH18:0001", 8, []),
]


@transaction.atomic
def seed(tenants: dict) -> None:
    offers_seed()
    contoso = PartnerProfile.objects.filter(tenant=tenants.get("contoso")).first()
    contoso_admin = (
        User.objects.filter(tenant=tenants.get("contoso"), role=Role.GLOBAL_ADMIN).order_by("pk").first()
        if tenants.get("contoso") is not None
        else None
    )
    for key, store, offer_id, quantity, users in DIRECT_CUSTOMERS:
        tenant = tenants.get(key)
        if tenant is None or contoso is None:
            continue
        account = customer_account_ensure(tenant=tenant, store_for_business=store)
        rel, created = ResellerRelationship.objects.get_or_create(
            customer=account,
            partner=contoso,
            kind="direct",
            defaults={
                "delegated_admin": True,
                "source": ResellerRelationship.Source.DIRECT_BILL,
                "established_at": clock.now(),
            },
        )
        if not created or contoso_admin is None or rel.status != "active":
            continue
        access = customer_access(profile=contoso, customer_id=tenant.id)
        if not Subscription.objects.filter(customer=account).exists():
            order_create(
                access=access, user=contoso_admin, line_items=[{"offerId": offer_id, "quantity": quantity}]
            )
        sub = Subscription.objects.filter(customer=account, relationship=rel).first()
        for name, display in users:
            upn = f"{name}@{tenant.default_domain}"
            cu, _new = CustomerUser.objects.get_or_create(
                user_principal_name=upn,
                defaults={"customer": account, "display_name": display, "created_at": clock.now()},
            )
            if sub and not LicenseAssignment.objects.filter(user=cu, subscription=sub).exists():
                license_assign(access=access, user=contoso_admin, customer_user=cu, subscription=sub)
    if tenants.get("tailspin") is not None:
        customer_account_ensure(tenant=tenants["tailspin"])
    if contoso is not None:
        # R18 "bill customers directly": this month's (open) invoice to each direct-bill customer.
        month = month_of(clock.now())
        for account in CustomerAccount.objects.filter(
            relationships__partner=contoso, relationships__kind="direct", relationships__status="active"
        ).distinct():
            invoice_build(partner=contoso, customer=account, month=month)
        invoicing_job_ensure()  # issues them on the 1st, then every month
