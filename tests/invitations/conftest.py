import pytest

from tenants.models import Program, Role
from tests.factories import CustomerTenantFactory, UserFactory, make_partner


@pytest.fixture
def provider():
    """(profile, global admin user) of an active indirect provider."""
    return make_partner(Program.INDIRECT_PROVIDER)


@pytest.fixture
def reseller():
    """(profile, global admin user) of a direct-bill partner enrolled (active) as indirect reseller."""
    return make_partner(Program.DIRECT_BILL, Program.INDIRECT_RESELLER)


@pytest.fixture
def make_reseller():
    return lambda: make_partner(Program.DIRECT_BILL, Program.INDIRECT_RESELLER)


@pytest.fixture
def direct_bill_partner():
    return make_partner(Program.DIRECT_BILL, offboarding=True)


@pytest.fixture
def customer_admin():
    return UserFactory(tenant=CustomerTenantFactory(), role=Role.GLOBAL_ADMIN)


@pytest.fixture
def new_invitation(provider):
    """new_invitation() -> (invitation, token) created by the provider's admin."""
    from invitations.services import invitation_create

    profile, user = provider

    def make(**kwargs):
        return invitation_create(provider=profile, user=user)

    return make


@pytest.fixture
def link_path():
    from django.urls import reverse

    return lambda token: reverse("invitations:partner_link", args=[token])
