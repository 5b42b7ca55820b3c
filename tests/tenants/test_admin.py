"""Django admin for tenants, users, profiles and programs: search, filters, the offboarding action."""

import pytest
from django.urls import reverse

from partnercenter.models import Event
from tenants.models import PartnerProfile, Program, ProgramMembership, Role, User
from tests.factories import (
    PartnerProfileFactory,
    TenantFactory,
    UserFactory,
    make_direct_bill_partner,
    make_provider,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ops(client):
    user = UserFactory(email="ops@portal.example", tenant=None, role="", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def text(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize(
    "model", ["tenant", "user", "partnerprofile", "programmembership", "partnership", "apitoken"]
)
def test_every_tenants_model_has_a_changelist(client, ops, model):
    make_direct_bill_partner()
    assert client.get(reverse(f"admin:tenants_{model}_changelist")).status_code == 200


def test_profile_search_by_mpn_id_and_name(client, ops):
    wanted, _ = make_direct_bill_partner()
    other, _ = make_provider()
    # Names that share no word or digit with the other's fields (admin search ANDs the words).
    PartnerProfile.objects.filter(pk=wanted.pk).update(legal_name="Adatum Consulting", mpn_id="7654321")
    PartnerProfile.objects.filter(pk=other.pk).update(legal_name="Proseware Distribution")
    wanted.refresh_from_db()
    other.refresh_from_db()
    url = reverse("admin:tenants_partnerprofile_changelist")
    page = text(client.get(url, {"q": wanted.mpn_id}))
    assert wanted.legal_name in page and other.legal_name not in page
    page = text(client.get(url, {"q": other.legal_name}))
    assert other.legal_name in page and wanted.legal_name not in page


def test_profile_filters_by_program_and_offboarding(client, ops):
    direct, _ = make_direct_bill_partner(offboarding=True)
    provider, _ = make_provider()
    url = reverse("admin:tenants_partnerprofile_changelist")
    page = text(client.get(url, {"program": Program.INDIRECT_PROVIDER}))
    assert provider.legal_name in page and direct.legal_name not in page
    page = text(client.get(url, {"identified_for_offboarding__exact": "1"}))
    assert direct.legal_name in page and provider.legal_name not in page


def test_tenant_search_by_domain_and_by_id(client, ops):
    tenant = TenantFactory(display_name="Adatum", default_domain="adatum.onmicrosoft.com")
    TenantFactory(display_name="Other")
    url = reverse("admin:tenants_tenant_changelist")
    assert "Adatum" in text(client.get(url, {"q": "adatum.onmicrosoft"}))
    page = text(client.get(url, {"q": str(tenant.pk)}))
    assert "Adatum" in page and "Other" not in page


def test_user_search_and_role_filter(client, ops):
    _profile, admin = make_direct_bill_partner()
    _profile2, sales = make_direct_bill_partner(role=Role.SALES_AGENT)
    url = reverse("admin:tenants_user_changelist")
    page = text(client.get(url, {"role__exact": Role.SALES_AGENT}))
    assert sales.email in page and admin.email not in page
    assert admin.email in text(client.get(url, {"q": admin.email}))


def test_ops_add_a_tenant_user_in_admin(client, ops):
    tenant = TenantFactory()
    response = client.post(
        reverse("admin:tenants_user_add"),
        {
            "email": "New.Person@Example.com",
            "display_name": "New Person",
            "tenant": tenant.pk,
            "role": Role.BILLING_ADMIN,
            "usable_password": "true",
            "password1": "a-long-passphrase-42",
            "password2": "a-long-passphrase-42",
        },
    )
    assert response.status_code == 302, text(response)
    user = User.objects.get(email="new.person@example.com")
    assert (
        user.tenant == tenant
        and user.role == Role.BILLING_ADMIN
        and user.check_password("a-long-passphrase-42")
    )


def test_admin_add_user_without_a_role_shows_an_error(client, ops):
    response = client.post(
        reverse("admin:tenants_user_add"),
        {
            "email": "norole@example.com",
            "tenant": TenantFactory().pk,
            "role": "",
            "usable_password": "true",
            "password1": "a-long-passphrase-42",
            "password2": "a-long-passphrase-42",
        },
    )
    assert response.status_code == 200
    assert "errornote" in text(response)
    assert not User.objects.filter(email="norole@example.com").exists()


def test_mark_for_offboarding_action(client, ops):
    flagged, _ = make_direct_bill_partner(offboarding=False)
    already, _ = make_direct_bill_partner(offboarding=True)
    provider, _ = make_provider()
    response = client.post(
        reverse("admin:tenants_partnerprofile_changelist"),
        {
            "action": "mark_identified_for_offboarding",
            "_selected_action": [flagged.pk, already.pk, provider.pk],
        },
        follow=True,
    )
    page = text(response)
    assert "1 partner marked." in page
    assert "1 partner was already identified for offboarding." in page
    assert "is not in the CSP direct bill program" in page and "(R3)" in page
    assert PartnerProfile.objects.get(pk=flagged.pk).identified_for_offboarding
    assert not PartnerProfile.objects.get(pk=provider.pk).identified_for_offboarding
    event = Event.objects.get(kind="profile.identified_for_offboarding")
    assert event.actor == ops and event.tenant == flagged.tenant


def test_offboarding_flag_is_not_editable_on_the_profile_form(client, ops):
    profile, _ = make_direct_bill_partner(offboarding=False)
    page = text(client.get(reverse("admin:tenants_partnerprofile_change", args=[profile.pk])))
    assert 'name="identified_for_offboarding"' not in page
    assert "Identified for direct bill offboarding" in page


def test_indirect_reseller_membership_cannot_be_changed_or_deleted_in_admin(client, ops):
    profile, _ = make_direct_bill_partner()
    membership = ProgramMembership.objects.create(partner=profile, program=Program.INDIRECT_RESELLER)
    change_url = reverse("admin:tenants_programmembership_change", args=[membership.pk])
    page = text(client.get(change_url))
    assert 'name="status"' not in page
    client.post(change_url, {"status": "restricted"})
    membership.refresh_from_db()
    assert membership.status == "active"
    delete = client.post(
        reverse("admin:tenants_programmembership_delete", args=[membership.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    assert ProgramMembership.objects.filter(pk=membership.pk).exists()
    profile_page = text(client.get(reverse("admin:tenants_partnerprofile_change", args=[profile.pk])))
    assert 'name="programs-0-status"' not in profile_page


def test_api_token_admin_never_shows_the_hash(client, ops):
    from tenants.services import api_token_create

    _profile, user = make_direct_bill_partner()
    token, _key = api_token_create(user=user, name="ci")
    page = text(client.get(reverse("admin:tenants_apitoken_change", args=[token.pk])))
    assert token.key_hash not in page and "ci" in page


def test_non_staff_partner_admin_cannot_open_django_admin(client):
    _profile, user = make_direct_bill_partner()
    client.force_login(user)
    response = client.get(reverse("admin:tenants_partnerprofile_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_profile_changelist_query_count_is_flat(client, ops, django_assert_max_num_queries):
    for _ in range(3):
        PartnerProfileFactory()
    url = reverse("admin:tenants_partnerprofile_changelist")
    client.get(url)
    with django_assert_max_num_queries(12) as small:
        client.get(url)
    for _ in range(20):
        profile = PartnerProfileFactory()
        ProgramMembership.objects.create(partner=profile, program=Program.DIRECT_BILL)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)
