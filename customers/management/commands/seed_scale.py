"""SPEC §11's book of business, for measuring: `manage.py seed_scale`.

An indirect provider ("Scale Distributor") with `--resellers` partnered indirect resellers and
`--customers` customers; customer i is served by reseller i mod R (indirect, with the provider) and, as
a direct-bill customer, by one big reseller ("Scale Contoso", itself reseller 0), so one reseller too has
the whole book. Each customer has `--subscriptions-per-customer` subscriptions (one order) under the
indirect relationship and `--users-per-customer` directory users. `--providers` > 1 adds more, smaller
providers with the same shape (customers split between them).

Bulk inserts in batches, with deterministic keys (domains, MPN IDs, uuid5 ids) and conflicts ignored, so
running it again adds only what is missing. Everything it makes is under `*.scale.example` emails and
`scale…onmicrosoft.com` domains with MPN IDs 96xxxxx/97xxxxx; the demo cast is never touched. It bypasses
the services on purpose (no events, no emails, no jobs): it is a data set, not a story.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from customers.models import CustomerAccount, CustomerUser, Offer, Order, ResellerRelationship, Subscription
from partnercenter import clock
from tenants.models import PartnerProfile, Partnership, Program, ProgramMembership, Role, Tenant, User

NS = uuid.UUID("6f1d1f3e-5c0b-4d55-9a51-5ca1e0b00c00")
BATCH = 5000
WORDS = (
    "Northwind Fabrikam Tailspin Wingtip Litware Adatum Contoso Proseware Lucerne Margie Alpine Coho Fourth "
    "Humongous Trey Woodgrove Relecloud Bellows Blue Yonder Lamna Munson Nod Olympia Southridge Wide World"
).split()
TRADES = "Traders Toys Coffee Travel Bank Airlines Winery Insurance Studios Logistics Foods Labs".split()

PASSWORD_DEFAULT = "scale-bench-password"


def _id(*parts) -> uuid.UUID:
    return uuid.uuid5(NS, "/".join(str(p) for p in parts))


def company_name(i: int) -> str:
    return f"{WORDS[i % len(WORDS)]} {TRADES[(i // len(WORDS)) % len(TRADES)]} {i:06d}"


def customer_domain(i: int) -> str:
    return f"scale{i:06d}.onmicrosoft.com"


def _bulk(model, objs, *, log=None) -> None:
    for start in range(0, len(objs), BATCH):
        model.objects.bulk_create(objs[start : start + BATCH], ignore_conflicts=True)
    if log:
        log(f"  {model.__name__}: {len(objs):,} rows offered")


class Command(BaseCommand):
    help = "Build (or complete) the SPEC §11 scale data set: a distributor's book of business."

    def add_arguments(self, parser):
        parser.add_argument("--providers", type=int, default=1)
        parser.add_argument("--resellers", type=int, default=5000)
        parser.add_argument("--customers", type=int, default=100_000)
        parser.add_argument("--subscriptions-per-customer", type=int, default=3)
        parser.add_argument("--users-per-customer", type=int, default=2)
        parser.add_argument("--password", default=PASSWORD_DEFAULT, help="for the sign-ins it creates")

    def handle(
        self,
        *args,
        providers,
        resellers,
        customers,
        subscriptions_per_customer,
        users_per_customer,
        password,
        **options,
    ):
        if providers < 1 or resellers < 1 or customers < 0:
            raise CommandError("--providers and --resellers must be at least 1, --customers at least 0.")
        offers = list(Offer.objects.filter(is_active=True, billing=Offer.Billing.LICENSE).order_by("id")[:5])
        if subscriptions_per_customer and not offers:
            raise CommandError("No offers in the catalog: run migrate first.")
        started = time.monotonic()
        log = self.stdout.write if options["verbosity"] >= 1 else None
        now = clock.now()
        pw = make_password(password)
        with transaction.atomic():
            big, provs, resells = self._partners(providers, resellers, now, pw, log)
        for p_index, provider in enumerate(provs):
            # Each provider's resellers (the big one partners with every provider).
            its_resellers = [big.pk] + resells[1:][p_index::providers]
            with transaction.atomic():
                self._customers(
                    list(range(p_index, customers, providers)),
                    provider,
                    its_resellers,
                    big,
                    offers,
                    subscriptions_per_customer,
                    users_per_customer,
                    now,
                    log,
                )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # fresh statistics: the planner sees a book, not empty tables
                cursor.execute("ANALYZE")
        if log:
            log(self.style.SUCCESS(f"seed_scale: done in {time.monotonic() - started:.1f} s"))

    def _partners(self, providers, resellers, now, pw, log):
        def partner_rows(key, name, mpn, programs):
            tenant = Tenant(
                id=_id("tenant", key),
                default_domain=f"{key}.scale.onmicrosoft.com",
                display_name=name,
                kind=Tenant.Kind.PARTNER,
                created_at=now,
            )
            return tenant, programs, mpn, name, key

        rows = [
            partner_rows(f"provider{p}", f"Scale Distributor {p}", f"96{p:05d}", [Program.INDIRECT_PROVIDER])
            for p in range(1, providers + 1)
        ]
        rows.append(
            partner_rows(
                "contoso", "Scale Contoso", "9500001", [Program.DIRECT_BILL, Program.INDIRECT_RESELLER]
            )
        )
        rows += [
            partner_rows(
                f"reseller{r}",
                f"Scale Reseller {WORDS[r % len(WORDS)]} {r:05d}",
                f"97{r:05d}",
                [Program.INDIRECT_RESELLER],
            )
            for r in range(1, resellers)
        ]
        _bulk(Tenant, [r[0] for r in rows], log=log)
        _bulk(
            PartnerProfile,
            [
                PartnerProfile(
                    tenant_id=t.id,
                    legal_name=name,
                    mpn_id=mpn,
                    primary_contact_email=f"admin@{key}.scale.example",
                    mpn_account_email=f"admin@{key}.scale.example",
                    country="US",
                    city="Seattle",
                    details_confirmed_at=now,
                )
                for t, _programs, mpn, name, key in rows
            ],
            log=log,
        )
        by_tenant = dict(
            PartnerProfile.objects.filter(tenant_id__in=[r[0].id for r in rows]).values_list(
                "tenant_id", "pk"
            )
        )
        _bulk(
            ProgramMembership,
            [
                ProgramMembership(partner_id=by_tenant[t.id], program=program, joined_at=now)
                for t, programs, *_rest in rows
                for program in programs
            ],
            log=log,
        )
        # Sign-ins for the partners a benchmark acts as: each provider's and the big reseller's global admin.
        _bulk(
            User,
            [
                User(
                    email=f"admin@{key}.scale.example",
                    display_name=f"{name} admin",
                    tenant_id=t.id,
                    role=Role.GLOBAL_ADMIN,
                    password=pw,
                    date_joined=now,
                )
                for t, _programs, _mpn, name, key in rows[: providers + 1]
            ]
            + [
                User(
                    email="ops@scale.example",
                    display_name="Scale ops",
                    is_staff=True,
                    is_superuser=True,
                    password=pw,
                    date_joined=now,
                )
            ],
            log=log,
        )
        provs = [PartnerProfile.objects.get(pk=by_tenant[r[0].id]) for r in rows[:providers]]
        big = PartnerProfile.objects.get(pk=by_tenant[rows[providers][0].id])
        resells = [by_tenant[r[0].id] for r in rows[providers:]]  # big reseller first
        _bulk(
            Partnership,
            [
                Partnership(provider=p, reseller_id=r, created_at=now)
                for i, p in enumerate(provs)
                for r in [big.pk] + resells[1:][i::providers]
            ],
            log=log,
        )
        return big, provs, resells

    def _customers(self, indexes, provider, resells, big, offers, subs, users, now, log):
        if not indexes:
            return
        tenants = [
            Tenant(
                id=_id("customer", i),
                default_domain=customer_domain(i),
                display_name=company_name(i),
                kind=Tenant.Kind.CUSTOMER,
                created_at=now,
            )
            for i in indexes
        ]
        _bulk(Tenant, tenants, log=log)
        _bulk(
            CustomerAccount,
            [
                CustomerAccount(
                    tenant_id=t.id,
                    company_name=t.display_name,
                    country="US",
                    city="Redmond",
                    contact_email=f"it@{t.default_domain}",
                    created_at=now,
                )
                for t in tenants
            ],
            log=log,
        )
        account_of = {}
        ids = [t.id for t in tenants]
        for start in range(0, len(ids), 20_000):
            account_of.update(
                CustomerAccount.objects.filter(tenant_id__in=ids[start : start + 20_000]).values_list(
                    "tenant_id", "pk"
                )
            )
        reseller_of = {i: resells[i % len(resells)] for i in indexes}
        rels = []
        for i, t in zip(indexes, tenants, strict=True):
            rels.append(
                ResellerRelationship(
                    customer_id=account_of[t.id],
                    partner_id=reseller_of[i],
                    kind="indirect",
                    provider=provider,
                    delegated_admin=True,
                    source="provider_created",
                    established_at=now,
                )
            )
            if reseller_of[i] != big.pk:
                rels.append(
                    ResellerRelationship(
                        customer_id=account_of[t.id],
                        partner=big,
                        kind="direct",
                        delegated_admin=True,
                        source="direct_bill",
                        established_at=now,
                    )
                )
        _bulk(ResellerRelationship, rels, log=log)
        rel_of = {}
        acc_ids = list(account_of.values())
        for start in range(0, len(acc_ids), 20_000):
            rel_of.update(
                ResellerRelationship.objects.filter(
                    customer_id__in=acc_ids[start : start + 20_000],
                    provider=provider,
                    kind="indirect",
                    status="active",
                ).values_list("customer_id", "pk")
            )
        if subs:
            start_at = now - dt.timedelta(days=30)
            orders, subscriptions = [], []
            for i, t in zip(indexes, tenants, strict=True):
                acc = account_of[t.id]
                order_id = _id("order", i)
                lines = []
                for s in range(subs):
                    offer = offers[(i + s) % len(offers)]
                    sub_id = _id("subscription", i, s)
                    lines.append(
                        {
                            "lineItemNumber": s,
                            "offerId": offer.id,
                            "quantity": 10,
                            "partnerIdOnRecord": "",
                            "subscriptionId": str(sub_id),
                        }
                    )
                    subscriptions.append(
                        Subscription(
                            id=sub_id,
                            customer_id=acc,
                            relationship_id=rel_of[acc],
                            offer=offer,
                            order_id=order_id,
                            partner_on_record_id=reseller_of[i],
                            friendly_name=offer.name,
                            quantity=10,
                            status="active",
                            created_at=now,
                            term_start=start_at,
                            term_end=start_at + dt.timedelta(days=365 + i % 300),
                        )
                    )
                orders.append(
                    Order(
                        id=order_id,
                        customer_id=acc,
                        relationship_id=rel_of[acc],
                        placed_by=provider,
                        status="completed",
                        line_items=lines,
                        created_at=now,
                    )
                )
            _bulk(Order, orders, log=log)
            _bulk(Subscription, subscriptions, log=log)
        if users:
            _bulk(
                CustomerUser,
                [
                    CustomerUser(
                        id=_id("user", i, u),
                        customer_id=account_of[t.id],
                        user_principal_name=f"user{u}@{t.default_domain}",
                        display_name=f"User {u} {i:06d}",
                        first_name="User",
                        last_name=f"{u}",
                        created_at=now,
                    )
                    for i, t in zip(indexes, tenants, strict=True)
                    for u in range(users)
                ],
                log=log,
            )
