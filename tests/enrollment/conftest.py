import pytest

from tenants.models import Role
from tests.factories import make_direct_bill_partner


@pytest.fixture
def eligible():
    """A direct-bill partner identified for offboarding with a confirmed profile: (profile, global admin)."""
    return make_direct_bill_partner(offboarding=True, confirmed=True)


@pytest.fixture
def sales_agent(eligible):
    from tests.factories import UserFactory

    profile, _admin = eligible
    return UserFactory(tenant=profile.tenant, role=Role.SALES_AGENT)


@pytest.fixture
def manual_policy(settings):
    settings.ENROLLMENT_APPROVAL_POLICY = "manual"


@pytest.fixture
def immediate_policy(settings):
    settings.ENROLLMENT_APPROVAL_POLICY = "immediate"
