"""Services: profile update un-confirms, confirm, offboarding flag, programs, API tokens, R1 refusals."""

import pytest

from partnercenter.errors import Conflict, DomainError, Forbidden, InvalidInput
from partnercenter.models import Event
from partnercenter.tokens import token_hash
from tenants import services
from tenants.models import ApiToken, PartnerProfile, Program, Role
from tests.factories import (
    PartnerProfileFactory,
    UserFactory,
    make_direct_bill_partner,
    make_partner,
    make_provider,
)

pytestmark = pytest.mark.django_db

NON_GLOBAL_ROLES = [Role.ADMIN_AGENT, Role.SALES_AGENT, Role.BILLING_ADMIN]


def test_profile_update_saves_changes_and_unconfirms():
    profile, admin = make_direct_bill_partner(confirmed=True)
    assert profile.details_confirmed

    services.profile_update(
        profile=profile,
        user=admin,
        data={"legal_name": "New Name Ltd.", "city": "Busan", "mpn_id": "9876543"},
    )

    profile.refresh_from_db()
    assert profile.legal_name == "New Name Ltd."
    assert profile.city == "Busan"
    assert profile.mpn_id == "9876543"
    assert profile.details_confirmed_at is None and profile.details_confirmed_by is None
    event = Event.objects.get(kind="profile.updated")
    assert event.actor == admin and event.tenant == profile.tenant
    assert event.payload["changed"]["legal_name"]["to"] == "New Name Ltd."


def test_profile_update_without_changes_keeps_the_confirmation():
    profile, admin = make_direct_bill_partner(confirmed=True)
    services.profile_update(profile=profile, user=admin, data={"legal_name": profile.legal_name})
    profile.refresh_from_db()
    assert profile.details_confirmed
    assert not Event.objects.filter(kind="profile.updated").exists()


def test_profile_update_with_bad_input_saves_nothing():
    profile, admin = make_direct_bill_partner(confirmed=True)
    other = PartnerProfileFactory()
    with pytest.raises(InvalidInput) as excinfo:
        services.profile_update(
            profile=profile, user=admin, data={"legal_name": "Changed", "mpn_id": other.mpn_id}
        )
    assert "mpn_id" in excinfo.value.fields
    with pytest.raises(InvalidInput) as excinfo:
        services.profile_update(
            profile=profile, user=admin, data={"mpn_id": "12", "primary_contact_email": "no"}
        )
    assert set(excinfo.value.fields) == {"mpn_id", "primary_contact_email"}
    fresh = PartnerProfile.objects.get(pk=profile.pk)
    assert fresh.legal_name == profile.legal_name and fresh.mpn_id == profile.mpn_id
    assert fresh.details_confirmed
    assert not Event.objects.filter(kind="profile.updated").exists()


def test_profile_update_ignores_fields_that_are_not_the_partners_to_edit():
    profile, admin = make_direct_bill_partner(offboarding=False)
    services.profile_update(
        profile=profile, user=admin, data={"identified_for_offboarding": True, "city": "X"}
    )
    profile.refresh_from_db()
    assert profile.identified_for_offboarding is False and profile.city == "X"


@pytest.mark.parametrize("role", NON_GLOBAL_ROLES)
def test_only_the_global_admin_updates_or_confirms_the_profile_r1(role):
    profile, user = make_direct_bill_partner(confirmed=False, role=role)
    with pytest.raises(Forbidden) as excinfo:
        services.profile_update(profile=profile, user=user, data={"legal_name": "Nope"})
    assert excinfo.value.rule == "R1" and excinfo.value.status == 403
    with pytest.raises(Forbidden):
        services.profile_confirm_current(profile=profile, user=user)
    profile.refresh_from_db()
    assert profile.legal_name != "Nope" and not profile.details_confirmed
    assert not Event.objects.exists()


def test_a_global_admin_of_another_tenant_cannot_touch_the_profile():
    profile, _admin = make_direct_bill_partner(confirmed=False)
    _other_profile, stranger = make_provider()
    with pytest.raises(Forbidden):
        services.profile_update(profile=profile, user=stranger, data={"legal_name": "Hijacked"})
    with pytest.raises(Forbidden):
        services.profile_confirm_current(profile=profile, user=stranger)
    profile.refresh_from_db()
    assert profile.legal_name != "Hijacked" and not profile.details_confirmed


def test_confirm_records_when_and_who():
    profile, admin = make_direct_bill_partner(confirmed=False)
    services.profile_confirm_current(profile=profile, user=admin)
    profile.refresh_from_db()
    assert profile.details_confirmed_at is not None
    assert profile.details_confirmed_by == admin
    assert Event.objects.filter(kind="profile.confirmed", actor=admin).count() == 1


def test_offboarding_flag_is_idempotent():
    profile, _admin = make_direct_bill_partner(offboarding=False)
    ops = UserFactory(tenant=None, role="", is_staff=True)
    assert services.profile_mark_offboarding(profile=profile, actor=ops) is True
    first_at = PartnerProfile.objects.get(pk=profile.pk).identified_for_offboarding_at
    assert services.profile_mark_offboarding(profile=profile, actor=ops) is False
    profile.refresh_from_db()
    assert profile.identified_for_offboarding is True
    assert profile.identified_for_offboarding_at == first_at
    assert Event.objects.filter(kind="profile.identified_for_offboarding").count() == 1


def test_offboarding_is_refused_for_a_partner_outside_direct_bill_r3():
    profile, _admin = make_provider()
    with pytest.raises(Conflict) as excinfo:
        services.profile_mark_offboarding(profile=profile, actor=None)
    assert excinfo.value.rule == "R3"
    profile.refresh_from_db()
    assert profile.identified_for_offboarding is False


def test_program_join_is_idempotent_and_recorded():
    profile, admin = make_direct_bill_partner()
    first = services.program_join(profile=profile, program=Program.INDIRECT_RESELLER, actor=admin)
    second = services.program_join(profile=profile, program=Program.INDIRECT_RESELLER, actor=admin)
    assert first.pk == second.pk
    assert Event.objects.filter(kind="program.joined").count() == 1
    assert services.has_program(profile, Program.INDIRECT_RESELLER)
    assert services.is_direct_bill(profile)
    with pytest.raises(DomainError):
        services.program_join(profile=profile, program="space_program")


def test_has_program_respects_restricted_status():
    profile, _admin = make_partner(Program.DIRECT_BILL)
    profile.programs.update(status="restricted")
    assert not services.has_program(profile, Program.DIRECT_BILL)
    assert services.has_program(profile, Program.DIRECT_BILL, active_only=False)
    assert services.is_direct_bill(profile)
    assert not services.has_program(None, Program.DIRECT_BILL)


def test_api_token_create_stores_only_a_hash():
    _profile, user = make_direct_bill_partner()
    token, key = services.api_token_create(user=user, name="  billing   sync ")
    assert token.name == "billing sync"
    assert len(key) >= 43 and key.startswith(token.prefix)
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == token_hash(key) and key not in stored.key_hash
    assert Event.objects.filter(kind="api_token.created").count() == 1


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_api_token_name_is_required_and_short(name):
    _profile, user = make_direct_bill_partner()
    with pytest.raises(InvalidInput) as excinfo:
        services.api_token_create(user=user, name=name)
    assert "name" in excinfo.value.fields
    assert not ApiToken.objects.exists()


def test_api_tokens_are_for_tenant_users():
    ops = UserFactory(tenant=None, role="", is_staff=True)
    with pytest.raises(Forbidden):
        services.api_token_create(user=ops, name="ops")


def test_api_token_revoke_only_own_active_keys():
    _profile, user = make_direct_bill_partner()
    _other_profile, other = make_provider()
    token, _key = services.api_token_create(user=user, name="k")
    assert services.api_token_revoke(user=other, token_id=token.pk) is False
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    assert services.api_token_revoke(user=user, token_id=token.pk) is True
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert services.api_token_revoke(user=user, token_id=token.pk) is False
    assert services.api_token_revoke(user=user, token_id="not-a-number") is False
    assert Event.objects.filter(kind="api_token.revoked").count() == 1


@pytest.mark.parametrize("role", NON_GLOBAL_ROLES)
def test_require_global_admin_names_r1(role):
    _profile, user = make_direct_bill_partner(role=role)
    with pytest.raises(Forbidden) as excinfo:
        services.require_global_admin(user)
    assert excinfo.value.rule == "R1" and "(R1)" in excinfo.value.text_with_rule
