"""Demo data for providers: Fabrikam and Northwind are listed in Find a provider with their services.

The story starts with no partnership: right after `seed_demo`, Fabrikam's admin sends Contoso an
invitation (Contoso must enroll as an indirect reseller before it can accept). Idempotent.
"""

from __future__ import annotations

from tenants.models import PartnerProfile, Program
from tenants.services import program_join

DIRECTORY = {
    "fabrikam": {"offers_training": True, "offers_marketing": True, "offers_financing": True},
    "northwind": {"offers_training": True, "offers_marketing": False, "offers_financing": True},
}


def seed(tenants: dict) -> None:
    for key, services in DIRECTORY.items():
        tenant = tenants.get(key)
        profile = PartnerProfile.objects.filter(tenant=tenant).first() if tenant else None
        if profile is None:
            continue
        program_join(
            profile=profile, program=Program.INDIRECT_PROVIDER, actor_label="demo", reason="demo data"
        )
        changed = [f for f, v in services.items() if getattr(profile, f) != v]
        if changed:
            for f in changed:
                setattr(profile, f, services[f])
            profile.save(update_fields=changed)
