"""The foundation in Chromium: sign in as the demo partner's global admin, Partner profile → Program info,
sign out; and five wrong passwords lock sign-in, even with the right password afterwards."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tenants import demo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture
def demo_cast():
    return demo.seed()


def shot(page, name):
    """Keep a screenshot for people to look at (var/ is not committed)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_partner_admin_signs_in_sees_program_info_and_signs_out(page, sign_in, demo_cast):
    sign_in("admin@contoso.example", demo.demo_password())
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name="Overview", level=1)).to_be_visible()
    expect(page.get_by_test_id("signed-in-as")).to_contain_text("admin@contoso.example")
    expect(page.locator(".tenant-name")).to_have_text("Contoso")
    shot(page, "overview")

    page.get_by_role("navigation", name="Workspace").get_by_role("link", name="Partner profile").click()
    expect(page.get_by_role("heading", name="Partner profile", level=1)).to_be_visible()
    expect(page.get_by_test_id("legal-name")).to_have_text("Contoso Ltd.")
    expect(page.get_by_test_id("mpn-id")).to_have_text("1234567")
    program_info = page.locator("#program-info")
    expect(program_info.get_by_role("heading", name="Program info")).to_be_visible()
    direct_bill = program_info.locator('tr[data-program="direct_bill"]')
    expect(direct_bill).to_contain_text("CSP direct bill")
    expect(direct_bill).to_contain_text("Active")
    expect(program_info.locator('tr[data-program="indirect_reseller"]')).to_contain_text(
        "CSP indirect reseller"
    )
    expect(program_info.locator('tr[data-program="indirect_provider"]')).to_contain_text("Not enrolled")
    expect(page.get_by_test_id("details-confirmation")).to_contain_text("Confirmed current")
    expect(page.get_by_role("link", name="Edit profile")).to_be_visible()
    expect(page.locator('[data-nav="profile"]')).to_have_attribute("aria-current", "page")
    shot(page, "profile")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.goto("/profile/")
    expect(page).to_have_url(re.compile(r"/signin/\?next=/profile/$"))


def test_global_admin_edits_profile_with_a_field_error_then_saves(page, sign_in, demo_cast):
    sign_in("admin@contoso.example", demo.demo_password())
    page.goto("/profile/edit/")
    page.get_by_label("MPN ID").fill("12ab")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("form-errors")).to_contain_text("Nothing was saved")
    expect(page.get_by_text("An MPN ID (Partner ID) is 6 or 7 digits.")).to_be_visible()
    shot(page, "profile-edit-error")
    page.get_by_label("MPN ID").fill("1234567")
    page.get_by_label("City").fill("Seoul")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Profile saved. Confirm that the details are current.")).to_be_visible()
    expect(page.get_by_test_id("details-confirmation")).to_contain_text("Not confirmed")
    page.get_by_role("button", name="Confirm these details are current").click()
    expect(page.get_by_test_id("details-confirmation")).to_contain_text("Confirmed current")


def test_sales_agent_sees_profile_read_only_and_a_readable_403(page, sign_in, demo_cast):
    sign_in("sales@contoso.example", demo.demo_password())
    page.goto("/profile/")
    expect(page.locator("#program-info")).to_contain_text("CSP direct bill")
    expect(page.get_by_role("link", name="Edit profile")).to_have_count(0)
    response = page.goto("/profile/edit/")
    assert response.status == 403
    expect(page.get_by_test_id("forbidden-reason")).to_contain_text("Only a global admin of this tenant")
    shot(page, "forbidden")


def test_five_wrong_passwords_lock_sign_in(page, sign_in, demo_cast):
    for _attempt in range(4):
        sign_in("admin@contoso.example", "not-the-password")
        expect(page.get_by_test_id("signin-error")).to_contain_text("don't match an account")
    sign_in("admin@contoso.example", "not-the-password")
    expect(page.get_by_test_id("locked-out")).to_be_visible()

    sign_in("admin@contoso.example", demo.demo_password())
    expect(page.get_by_role("heading", name="Sign-in locked")).to_be_visible()
    expect(page.get_by_test_id("locked-out")).to_contain_text("even with the right password")
    shot(page, "locked")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/signin/"))


def test_api_key_is_shown_once(page, sign_in, demo_cast):
    sign_in("admin@contoso.example", demo.demo_password())
    page.get_by_role("navigation", name="Workspace").get_by_role("link", name="API keys").click()
    page.get_by_label("Key name").fill("billing sync")
    page.get_by_role("button", name="Create key").click()
    key = page.get_by_test_id("new-api-key").inner_text().strip()
    assert len(key) >= 43
    shot(page, "api-keys")
    page.reload()
    expect(page.get_by_test_id("new-api-key")).to_have_count(0)
    expect(page.locator("tbody")).to_contain_text("billing sync")
    assert key not in page.content()


def test_on_a_phone_the_left_navigation_opens_from_the_menu_button(page, sign_in, demo_cast):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in("admin@contoso.example", demo.demo_password())
    nav = page.get_by_role("navigation", name="Workspace")
    expect(nav).to_be_hidden()
    menu = page.get_by_role("button", name="Menu")
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(nav).to_be_visible()
    shot(page, "phone-nav")
    nav.get_by_role("link", name="Partner profile").click()
    expect(page.locator("#program-info")).to_contain_text("CSP direct bill")
    shot(page, "phone-profile")


def test_ops_marks_a_partner_for_offboarding_in_admin(page, sign_in, demo_cast):
    from tenants.models import PartnerProfile
    from tests.factories import make_direct_bill_partner

    profile, _admin = make_direct_bill_partner(offboarding=False)
    sign_in(demo.OPS_EMAIL, demo.demo_password())
    expect(page.get_by_text("Partner Center operations").first).to_be_visible()
    page.goto("/admin/tenants/partnerprofile/")
    page.get_by_role("textbox", name="Search").fill(profile.mpn_id)
    page.get_by_role("button", name="Search").click()
    row = page.locator("#result_list tbody tr", has_text=profile.legal_name)
    row.locator("input.action-select").check()
    page.locator("select[name=action]").select_option("mark_identified_for_offboarding")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_text("1 partner marked.")).to_be_visible()
    shot(page, "admin-offboarding")
    profile.refresh_from_db()
    assert profile.identified_for_offboarding

    page.goto("/admin/partnercenter/event/")
    expect(page.locator("#result_list")).to_contain_text("Identified for direct bill offboarding")
    expect(page.locator("#result_list")).to_contain_text(demo.OPS_EMAIL)
    assert PartnerProfile.objects.filter(identified_for_offboarding=True).count() == 2
