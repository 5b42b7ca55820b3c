"""The demo cast of SPEC §8: partners, customers and their sign-ins. Idempotent."""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.db import transaction

from partnercenter import clock

from .models import PartnerProfile, Program, ProgramMembership, Region, Role, Tenant, User

DEMO_PASSWORD_DEFAULT = "partnercenter-demo"

PARTNERS = [
    {
        "key": "contoso",
        "domain": "contoso.onmicrosoft.com",
        "name": "Contoso",
        "legal_name": "Contoso Ltd.",
        "mpn_id": "1234567",
        "country": "United States",
        "city": "Redmond",
        "region": Region.NORTH_AMERICA,
        "programs": [Program.DIRECT_BILL],
        "offboarding": True,
        "confirmed": True,
        "users": [
            ("admin@contoso.example", Role.GLOBAL_ADMIN, "Ana Contoso"),
            ("sales@contoso.example", Role.SALES_AGENT, "Sam Sales"),
        ],
    },
    {
        "key": "fabrikam",
        "domain": "fabrikamdistribution.onmicrosoft.com",
        "name": "Fabrikam Distribution",
        "legal_name": "Fabrikam Distribution Inc.",
        "mpn_id": "2345678",
        "country": "United States",
        "city": "Seattle",
        "region": Region.NORTH_AMERICA,
        "programs": [Program.INDIRECT_PROVIDER],
        "confirmed": True,
        "description": "A cloud distributor serving resellers across North America.",
        "services": {"offers_training": True, "offers_marketing": True, "offers_financing": True},
        "users": [("admin@fabrikam.example", Role.GLOBAL_ADMIN, "Farah Fabrikam")],
    },
    {
        "key": "northwind",
        "domain": "northwindtraders.onmicrosoft.com",
        "name": "Northwind Traders",
        "legal_name": "Northwind Traders GmbH",
        "mpn_id": "3456789",
        "country": "Germany",
        "city": "Berlin",
        "region": Region.EUROPE,
        "programs": [Program.INDIRECT_PROVIDER],
        "confirmed": True,
        "description": "A European distributor with financing programs for growing resellers.",
        "services": {"offers_training": True, "offers_marketing": False, "offers_financing": True},
        "users": [("admin@northwind.example", Role.GLOBAL_ADMIN, "Nils Northwind")],
    },
]

CUSTOMERS = [
    {
        "key": "wingtip",
        "domain": "wingtiptoys.onmicrosoft.com",
        "name": "Wingtip Toys",
        "users": [("admin@wingtip.example", "Wendy Wingtip")],
    },
    {
        "key": "litware",
        "domain": "litware.onmicrosoft.com",
        "name": "Litware",
        "users": [("admin@litware.example", "Liam Litware")],
    },
    {
        "key": "tailspin",
        "domain": "tailspintoys.onmicrosoft.com",
        "name": "Tailspin Toys",
        "users": [("admin@tailspin.example", "Tara Tailspin")],
    },
]

OPS_EMAIL = "ops@portal.example"

# The key of the tenants dict under which a seeding run finds the `CastNames` of the copy it builds.
NAMES_KEY = "@names"


@dataclass(frozen=True)
class CastNames:
    """How one copy of the cast is named. The demo's own copy keeps the names above; a scenario's copy
    (docs/scenarios.md) gets its slug in every email, default domain and name, MPN IDs 8NNNNPP (N: the
    scenario's number, P: the partner's place in the cast), and its tenants carry the scenario's key."""

    slug: str = ""
    number: int = 0
    label: str = ""

    @property
    def scenario_key(self) -> str | None:
        return self.slug or None

    def email(self, email: str) -> str:
        if not self.slug:
            return email
        local, _at, domain = email.partition("@")
        host, _dot, tld = domain.rpartition(".")
        return f"{local}@{host}.{self.slug}.{tld}"

    def domain(self, domain: str) -> str:
        if not self.slug:
            return domain
        label, _dot, rest = domain.partition(".")
        return f"{label}-{self.slug}.{rest}"

    def name(self, name: str) -> str:
        return f"{name} ({self.label or self.slug})" if self.slug else name

    def mpn_id(self, mpn_id: str, index: int) -> str:
        return f"8{self.number:04d}{index:02d}" if self.slug else mpn_id


def names_of(tenants: dict) -> CastNames:
    return tenants.get(NAMES_KEY) or CastNames()


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD") or DEMO_PASSWORD_DEFAULT


def _user(email: str, *, tenant: Tenant | None, role: str, name: str, password: str, **extra) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        extra.setdefault("date_joined", clock.now())
        user = User.objects.create_user(email, password, tenant=tenant, role=role, display_name=name, **extra)
    return user


@transaction.atomic
def seed(names: CastNames | None = None) -> dict[str, Tenant]:
    names = names or CastNames()
    password = demo_password()
    now = clock.now()
    tenants: dict[str, Tenant] = {}
    for index, spec in enumerate(PARTNERS, start=1):
        tenant, _ = Tenant.objects.get_or_create(
            default_domain=names.domain(spec["domain"]),
            defaults={
                "display_name": names.name(spec["name"]),
                "kind": Tenant.Kind.PARTNER,
                "created_at": now,
                "scenario_key": names.scenario_key,
            },
        )
        tenants[spec["key"]] = tenant
        users = [
            _user(names.email(email), tenant=tenant, role=role, name=name, password=password)
            for email, role, name in spec["users"]
        ]
        profile, created = PartnerProfile.objects.get_or_create(
            tenant=tenant,
            defaults={
                "legal_name": names.name(spec["legal_name"]),
                "mpn_id": names.mpn_id(spec["mpn_id"], index),
                "primary_contact_email": names.email(spec["users"][0][0]),
                "mpn_account_email": names.email(f"mpn@{spec['key']}.example"),
                "country": spec["country"],
                "city": spec["city"],
                "region": spec["region"],
                "description": spec.get("description", ""),
                **spec.get("services", {}),
            },
        )
        if created:
            if spec.get("confirmed"):
                profile.details_confirmed_at = now
                profile.details_confirmed_by = users[0]
            if spec.get("offboarding"):
                profile.identified_for_offboarding = True
                profile.identified_for_offboarding_at = now
            profile.save()
            for program in spec["programs"]:
                ProgramMembership.objects.get_or_create(
                    partner=profile, program=program, defaults={"joined_at": now}
                )
    for spec in CUSTOMERS:
        tenant, _ = Tenant.objects.get_or_create(
            default_domain=names.domain(spec["domain"]),
            defaults={
                "display_name": names.name(spec["name"]),
                "kind": Tenant.Kind.CUSTOMER,
                "created_at": now,
                "scenario_key": names.scenario_key,
            },
        )
        tenants[spec["key"]] = tenant
        for email, name in spec["users"]:
            _user(names.email(email), tenant=tenant, role=Role.GLOBAL_ADMIN, name=name, password=password)
    if not names.slug:  # ops staff are shared: a scenario has no staff of its own
        _user(
            OPS_EMAIL, tenant=None, role="", name="Ops", password=password, is_staff=True, is_superuser=True
        )
    return tenants


def seed_into(tenants: dict) -> None:
    """The registry's form of `seed`: fills the shared dict the upper apps' seeders read (named by
    the `CastNames` under NAMES_KEY, if any)."""
    tenants.update(seed(names_of(tenants)))


SIGN_INS = [
    ("admin@contoso.example", "global admin of Contoso, a direct-bill partner identified for offboarding"),
    ("sales@contoso.example", "sales agent of Contoso"),
    ("admin@fabrikam.example", "global admin of Fabrikam Distribution, indirect provider (North America)"),
    ("admin@northwind.example", "global admin of Northwind Traders, indirect provider (Europe)"),
    ("admin@wingtip.example", "global admin of Wingtip Toys, an existing direct-bill customer of Contoso"),
    ("admin@litware.example", "global admin of Litware, a Microsoft Store for Business customer of Contoso"),
    ("admin@tailspin.example", "global admin of Tailspin Toys, a customer with no partner yet"),
    ("ops@portal.example", "ops staff (Django admin at /admin/)"),
]
