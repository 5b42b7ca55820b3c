"""factory_boy factories shared by every test module."""

import factory
from django.utils import timezone

from tenants.models import PartnerProfile, Program, ProgramMembership, Role, Tenant, User

PASSWORD = "test-password-123"


class TenantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tenant

    display_name = factory.Sequence(lambda n: f"Tenant {n}")
    default_domain = factory.Sequence(lambda n: f"tenant{n}.onmicrosoft.com")
    kind = Tenant.Kind.PARTNER


class CustomerTenantFactory(TenantFactory):
    display_name = factory.Sequence(lambda n: f"Customer {n}")
    default_domain = factory.Sequence(lambda n: f"customer{n}.onmicrosoft.com")
    kind = Tenant.Kind.CUSTOMER


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    tenant = factory.SubFactory(TenantFactory)
    role = Role.GLOBAL_ADMIN
    display_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class PartnerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerProfile

    tenant = factory.SubFactory(TenantFactory)
    legal_name = factory.Sequence(lambda n: f"Partner {n} Ltd.")
    mpn_id = factory.Sequence(lambda n: f"{5000000 + n}")
    primary_contact_email = factory.Sequence(lambda n: f"contact{n}@partner.example")
    mpn_account_email = factory.Sequence(lambda n: f"mpn{n}@partner.example")
    country = "United States"
    region = "north_america"


def make_partner(
    *programs: str, confirmed: bool = True, offboarding: bool = False, role: str = Role.GLOBAL_ADMIN
):
    """A partner tenant with a profile, the given programs, and one user of `role`. Returns (profile, user)."""
    profile = PartnerProfileFactory(
        details_confirmed_at=timezone.now() if confirmed else None,
        identified_for_offboarding=offboarding,
        identified_for_offboarding_at=timezone.now() if offboarding else None,
    )
    for program in programs:
        ProgramMembership.objects.create(partner=profile, program=program)
    user = UserFactory(tenant=profile.tenant, role=role)
    return profile, user


def make_direct_bill_partner(**kwargs):
    return make_partner(Program.DIRECT_BILL, **kwargs)


def make_provider(**kwargs):
    return make_partner(Program.INDIRECT_PROVIDER, **kwargs)
