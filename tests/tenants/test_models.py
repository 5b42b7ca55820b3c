"""Model validation: MPN ID, tenant domain, unique constraints, roles, email normalization."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tenants.models import PartnerProfile, Program, ProgramMembership, Role, Tenant, User
from tests.factories import PartnerProfileFactory, TenantFactory, UserFactory, make_partner

pytestmark = pytest.mark.django_db


def _profile(**overrides) -> PartnerProfile:
    values = {
        "tenant": TenantFactory(),
        "legal_name": "Adatum Ltd.",
        "mpn_id": "123456",
        "primary_contact_email": "pc@adatum.example",
        "mpn_account_email": "mpn@adatum.example",
        "country": "Korea",
    }
    values.update(overrides)
    return PartnerProfile(**values)


@pytest.mark.parametrize("mpn_id", ["123456", "1234567", "000123"])
def test_mpn_id_of_six_or_seven_digits_is_valid(mpn_id):
    _profile(mpn_id=mpn_id).full_clean()


@pytest.mark.parametrize(
    "mpn_id", ["12345", "12345678", "12a456", " 123456", "123 456", "", "１２３４５６", "-12345"]
)
def test_mpn_id_that_is_not_six_or_seven_digits_is_refused(mpn_id):
    with pytest.raises(ValidationError) as excinfo:
        _profile(mpn_id=mpn_id).full_clean()
    assert "mpn_id" in excinfo.value.message_dict


def test_mpn_id_error_message_says_what_is_expected():
    with pytest.raises(ValidationError) as excinfo:
        _profile(mpn_id="12").full_clean()
    assert "6 or 7 digits" in " ".join(excinfo.value.message_dict["mpn_id"])


def test_mpn_id_is_unique():
    PartnerProfileFactory(mpn_id="7654321")
    with pytest.raises(ValidationError) as excinfo:
        _profile(mpn_id="7654321").full_clean()
    assert "mpn_id" in excinfo.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        PartnerProfileFactory(mpn_id="7654321")


def test_a_tenant_has_at_most_one_partner_profile():
    profile = PartnerProfileFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        PartnerProfileFactory(tenant=profile.tenant)


@pytest.mark.parametrize(
    "domain", ["contoso.onmicrosoft.com", "a.onmicrosoft.com", "big-co-2.onmicrosoft.com"]
)
def test_default_domain_must_be_onmicrosoft(domain):
    Tenant(default_domain=domain, display_name="X", kind=Tenant.Kind.PARTNER).full_clean()


@pytest.mark.parametrize(
    "domain", ["contoso.com", "-contoso.onmicrosoft.com", "con_toso.onmicrosoft.com", "onmicrosoft.com", ""]
)
def test_default_domain_that_is_not_an_onmicrosoft_name_is_refused(domain):
    with pytest.raises(ValidationError) as excinfo:
        Tenant(default_domain=domain, display_name="X", kind=Tenant.Kind.PARTNER).full_clean()
    assert "default_domain" in excinfo.value.message_dict


def test_default_domain_is_stored_lowercase_and_unique():
    tenant = TenantFactory(default_domain="  Contoso.OnMicrosoft.com ")
    tenant.refresh_from_db()
    assert tenant.default_domain == "contoso.onmicrosoft.com"
    with pytest.raises(IntegrityError), transaction.atomic():
        TenantFactory(default_domain="CONTOSO.onmicrosoft.com")


def test_tenant_id_is_a_uuid():
    tenant = TenantFactory()
    assert len(str(tenant.pk)) == 36


def test_one_membership_per_program():
    profile, _user = make_partner(Program.DIRECT_BILL)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgramMembership.objects.create(partner=profile, program=Program.DIRECT_BILL)
    ProgramMembership.objects.create(partner=profile, program=Program.INDIRECT_RESELLER)
    assert profile.programs.count() == 2


def test_user_email_is_normalized_and_unique_regardless_of_case():
    user = User.objects.create_user(
        " Ana@Contoso.EXAMPLE ", "pw-123456789", tenant=TenantFactory(), role=Role.GLOBAL_ADMIN
    )
    assert user.email == "ana@contoso.example"
    assert User.objects.get_by_natural_key("ANA@contoso.example") == user
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("ana@CONTOSO.example", "x", tenant=TenantFactory(), role=Role.SALES_AGENT)


def test_user_needs_an_email():
    with pytest.raises(ValueError):
        User.objects.create_user("", "x")


def test_tenant_user_must_have_a_role():
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("norole@example.com", "x", tenant=TenantFactory(), role="")


def test_role_constraint_is_reported_by_model_validation():
    user = User(email="norole@example.com", tenant=TenantFactory(), role="")
    user.set_password("x")
    with pytest.raises(ValidationError):
        user.full_clean()


def test_ops_staff_need_no_tenant_or_role():
    ops = User.objects.create_superuser("ops@portal.example", "x")
    assert ops.tenant is None and ops.is_staff and not ops.is_global_admin


def test_unknown_role_is_refused_by_validation():
    user = UserFactory.build(tenant=TenantFactory(), role="emperor")
    with pytest.raises(ValidationError) as excinfo:
        user.full_clean()
    assert "role" in excinfo.value.message_dict


@pytest.mark.parametrize(
    ("role", "is_global_admin"),
    [
        (Role.GLOBAL_ADMIN, True),
        (Role.ADMIN_AGENT, False),
        (Role.SALES_AGENT, False),
        (Role.BILLING_ADMIN, False),
    ],
)
def test_only_the_global_admin_role_is_global_admin(role, is_global_admin):
    assert UserFactory(role=role).is_global_admin is is_global_admin


def test_profile_location_and_confirmation():
    profile = PartnerProfileFactory(city="Seoul", country="Korea", details_confirmed_at=None)
    assert profile.location == "Seoul, South Korea"  # the stored name, as the country it names
    assert profile.details_confirmed is False
    assert str(profile) == f"{profile.legal_name} ({profile.mpn_id})"
