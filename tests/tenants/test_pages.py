"""Pages for each role: what each user sees, and a readable 403 (never a traceback) where a role may not go."""

import pytest
from django.urls import reverse

from partnercenter.models import Event
from tenants.models import ApiToken, PartnerProfile, Program, Role
from tests.factories import (
    CustomerTenantFactory,
    PartnerProfileFactory,
    UserFactory,
    make_direct_bill_partner,
)

pytestmark = pytest.mark.django_db

NON_GLOBAL_ROLES = [Role.ADMIN_AGENT, Role.SALES_AGENT, Role.BILLING_ADMIN]


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def partner_admin(client):
    profile, user = make_direct_bill_partner(confirmed=False, offboarding=True)
    client.force_login(user)
    return profile, user


@pytest.mark.parametrize("url_name", ["overview", "profile", "profile_edit", "api_keys"])
def test_signed_out_visitors_are_sent_to_sign_in(client, url_name):
    url = reverse(url_name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_global_admin_sees_overview_with_profile_and_programs(client, partner_admin):
    profile, _user = partner_admin
    response = client.get(reverse("overview"))
    assert response.status_code == 200
    page = text(response)
    assert "Overview" in page
    assert profile.tenant.display_name in page
    assert "CSP direct bill" in page
    assert "Not confirmed" in page
    assert "Review and confirm your details" in page
    # the layout: header with who is signed in, and the left navigation
    assert 'data-testid="signed-in-as"' in page and _user.email in page
    assert 'data-nav="profile"' in page and 'data-nav="api_keys"' in page
    assert 'aria-current="page"' in page


def test_global_admin_sees_profile_with_program_info_and_actions(client, partner_admin):
    profile, _user = partner_admin
    response = client.get(reverse("profile"))
    assert response.status_code == 200
    page = text(response)
    assert "Program info" in page
    for label in ["CSP direct bill", "CSP indirect reseller", "CSP indirect provider"]:
        assert label in page
    assert page.count("Not enrolled") == 2
    assert profile.legal_name in page and profile.mpn_id in page
    assert "Edit profile" in page
    assert "Confirm these details are current" in page
    assert "identified this partner for direct bill offboarding" in page


def test_restricted_program_shows_its_status(client):
    profile, user = make_direct_bill_partner()
    profile.programs.update(status="restricted")
    client.force_login(user)
    page = text(client.get(reverse("profile")))
    assert "Restricted" in page


@pytest.mark.parametrize("role", NON_GLOBAL_ROLES)
def test_other_roles_see_the_profile_read_only(client, role):
    profile, user = make_direct_bill_partner(role=role)
    client.force_login(user)
    response = client.get(reverse("profile"))
    assert response.status_code == 200
    page = text(response)
    assert "Program info" in page and profile.legal_name in page
    assert "Edit profile" not in page
    assert "Confirm these details are current" not in page
    assert "Only a global admin of your tenant can edit or confirm these details." in page


@pytest.mark.parametrize("role", NON_GLOBAL_ROLES)
def test_other_roles_get_a_readable_403_on_edit_and_confirm(client, role):
    profile, user = make_direct_bill_partner(role=role, confirmed=False)
    client.force_login(user)
    for response in [
        client.get(reverse("profile_edit")),
        client.post(reverse("profile_edit"), {"legal_name": "Nope"}),
        client.post(reverse("profile_confirm")),
    ]:
        assert response.status_code == 403
        page = text(response)
        assert "You don't have access to this page" in page
        assert "Only a global admin of this tenant can use this page." in page
        assert "Traceback" not in page
    profile.refresh_from_db()
    assert profile.legal_name != "Nope" and not profile.details_confirmed


@pytest.mark.parametrize("role", NON_GLOBAL_ROLES)
def test_other_roles_use_overview_and_api_keys(client, role):
    _profile, user = make_direct_bill_partner(role=role)
    client.force_login(user)
    assert client.get(reverse("overview")).status_code == 200
    assert client.get(reverse("api_keys")).status_code == 200


def test_customer_tenant_user_has_overview_but_no_partner_profile(client):
    user = UserFactory(tenant=CustomerTenantFactory(display_name="Wingtip Toys"))
    client.force_login(user)
    overview = client.get(reverse("overview"))
    assert overview.status_code == 200
    assert "Wingtip Toys" in text(overview) and "Your organization" in text(overview)
    assert 'data-nav="profile"' not in text(overview)
    response = client.get(reverse("profile"))
    assert response.status_code == 403
    assert "This page is for partner tenants." in text(response)
    assert client.post(reverse("profile_confirm")).status_code == 403
    assert client.get(reverse("api_keys")).status_code == 200


def test_ops_staff_without_a_tenant_are_pointed_to_admin(client):
    ops = UserFactory(tenant=None, role="", is_staff=True, is_superuser=True)
    client.force_login(ops)
    response = client.get(reverse("overview"))
    assert response.status_code == 403
    assert "Ops staff use the admin site." in text(response)
    assert reverse("admin:index") in text(response)


def test_edit_profile_form_shows_current_values(client, partner_admin):
    profile, _user = partner_admin
    response = client.get(reverse("profile_edit"))
    assert response.status_code == 200
    page = text(response)
    assert f'value="{profile.legal_name}"' in page and f'value="{profile.mpn_id}"' in page
    assert '<label for="id_mpn_id">MPN ID' in page


def _form_data(profile, **overrides):
    data = {
        "legal_name": profile.legal_name,
        "mpn_id": profile.mpn_id,
        "primary_contact_email": profile.primary_contact_email,
        "mpn_account_email": profile.mpn_account_email,
        "country": profile.country,
        "region": profile.region,
        "city": profile.city,
    }
    data.update(overrides)
    return data


def test_edit_profile_saves_and_asks_to_confirm_again(client):
    profile, user = make_direct_bill_partner(confirmed=True)
    client.force_login(user)
    response = client.post(
        reverse("profile_edit"), _form_data(profile, legal_name="Contoso Korea Ltd."), follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("profile")
    page = text(response)
    assert "Profile saved. Confirm that the details are current." in page
    assert "Contoso Korea Ltd." in page and "Not confirmed" in page
    profile.refresh_from_db()
    assert profile.legal_name == "Contoso Korea Ltd." and not profile.details_confirmed


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"mpn_id": "12ab"}, "An MPN ID (Partner ID) is 6 or 7 digits."),
        ({"mpn_id": "12345678"}, "6 or 7 digits"),
        ({"legal_name": ""}, "This field is required."),
        ({"primary_contact_email": "not-an-email"}, "Enter a valid email address."),
        ({"region": "atlantis"}, "Select a valid choice."),
    ],
)
def test_edit_profile_with_bad_input_shows_errors_and_saves_nothing(client, overrides, message):
    profile, user = make_direct_bill_partner(confirmed=True)
    client.force_login(user)
    response = client.post(reverse("profile_edit"), _form_data(profile, city="Changed", **overrides))
    assert response.status_code == 200
    page = text(response)
    assert message in page
    assert "Nothing was saved: correct the marked fields." in page
    fresh = PartnerProfile.objects.get(pk=profile.pk)
    assert fresh.city == profile.city and fresh.details_confirmed
    assert not Event.objects.filter(kind="profile.updated").exists()


def test_edit_profile_with_another_partners_mpn_id_is_refused(client):
    profile, user = make_direct_bill_partner()
    other = PartnerProfileFactory(mpn_id="7777777")
    client.force_login(user)
    response = client.post(reverse("profile_edit"), _form_data(profile, mpn_id=other.mpn_id))
    assert response.status_code == 200
    assert "Partner profile with this MPN ID already exists." in text(response)
    profile.refresh_from_db()
    assert profile.mpn_id != "7777777"


def test_edit_page_layout_does_not_show_unsaved_values(client, partner_admin):
    profile, _user = partner_admin
    response = client.post(
        reverse("profile_edit"), _form_data(profile, legal_name="Unsaved Name", mpn_id="1")
    )
    page = text(response)
    # the form keeps what was typed; the page subtitle shows the saved name
    assert f'<p class="subtitle">{profile.legal_name}' in page


def test_global_admin_confirms_profile(client, partner_admin):
    profile, user = partner_admin
    response = client.post(reverse("profile_confirm"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("profile")
    page = text(response)
    assert "You confirmed that your partner profile and MPN ID are current." in page
    assert "Confirmed current" in page and user.email in page
    profile.refresh_from_db()
    assert profile.details_confirmed_by == user


def test_confirm_follows_a_local_next_but_not_another_site(client, partner_admin):
    response = client.post(reverse("profile_confirm"), {"next": "/enrollment/"})
    assert response["Location"] == "/enrollment/"
    for evil in ["https://evil.example/", "//evil.example/x"]:
        response = client.post(reverse("profile_confirm"), {"next": evil})
        assert response["Location"] == reverse("profile")


def test_confirm_by_get_changes_nothing(client, partner_admin):
    profile, _user = partner_admin
    response = client.get(reverse("profile_confirm"))
    assert response.status_code == 302
    profile.refresh_from_db()
    assert not profile.details_confirmed


def test_api_keys_page_creates_shows_once_and_revokes(client, partner_admin):
    _profile, user = partner_admin
    response = client.post(reverse("api_keys"), {"name": "billing sync"}, follow=True)
    page = text(response)
    token = ApiToken.objects.get(user=user)
    assert "Copy it now: it will not be shown again." in page
    assert 'data-testid="new-api-key"' in page
    key = page.split('data-testid="new-api-key">')[1].split("<")[0]
    assert key.startswith(token.prefix) and len(key) >= 43
    # shown once: the next visit lists the key by name and prefix only
    again = text(client.get(reverse("api_keys")))
    assert key not in again and "billing sync" in again and f"{token.prefix}…" in again

    response = client.post(reverse("api_keys"), {"revoke": token.pk}, follow=True)
    assert "The key was revoked." in text(response)
    assert "Revoked" in text(response)
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_api_keys_page_refuses_an_empty_name_and_another_users_key(client, partner_admin):
    _profile, user = partner_admin
    response = client.post(reverse("api_keys"), {"name": ""})
    assert response.status_code == 200 and "This field is required." in text(response)
    assert not ApiToken.objects.exists()

    _other_profile, other = make_direct_bill_partner()
    from tenants.services import api_token_create

    foreign, _key = api_token_create(user=other, name="theirs")
    response = client.post(reverse("api_keys"), {"revoke": foreign.pk}, follow=True)
    assert "That key does not exist or is already revoked." in text(response)
    assert "theirs" not in text(response)
    foreign.refresh_from_db()
    assert foreign.revoked_at is None
    response = client.post(reverse("api_keys"), {"revoke": "abc"}, follow=True)
    assert response.status_code == 200


def test_unknown_page_is_a_readable_404(client, partner_admin):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We can't find that page" in text(response)


def test_profile_shows_recent_activity_of_its_own_tenant_only(client):
    profile, user = make_direct_bill_partner(confirmed=False)
    other, other_user = make_direct_bill_partner(confirmed=False)
    from tenants.services import profile_confirm_current, program_join

    profile_confirm_current(profile=profile, user=user)
    program_join(profile=profile, program=Program.INDIRECT_RESELLER, actor=user)
    profile_confirm_current(profile=other, user=other_user)
    client.force_login(user)
    page = text(client.get(reverse("profile")))
    assert "Details confirmed current" in page
    assert "Joined CSP indirect reseller" in page
    assert user.email in page and other_user.email not in page


def test_api_keys_list_is_paginated(client, partner_admin):
    from tenants.services import api_token_create

    _profile, user = partner_admin
    for n in range(25):
        api_token_create(user=user, name=f"key-{n:02d}")
    first = text(client.get(reverse("api_keys")))
    assert "key-24" in first and "key-04" not in first and "Page 1 of 2" in first
    second = text(client.get(reverse("api_keys"), {"page": 2}))
    assert "key-04" in second and "key-24" not in second
    assert client.get(reverse("api_keys"), {"page": "nonsense"}).status_code == 200
