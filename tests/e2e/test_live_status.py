"""In Chromium: the enrollment page, open while approval is pending, changes to the approved state by itself
when Partner Center staff approve in the background — no reload, no navigation."""

import pytest

from enrollment import services
from enrollment.models import Enrollment, EnrollmentState
from tenants.models import Program
from tests.factories import make_partner

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_pending_enrollment_page_shows_the_approval_without_a_reload(page, sign_in, settings):
    settings.ENROLLMENT_APPROVAL_POLICY = "manual"  # staff decide: the page waits
    settings.ENROLLMENT_STATUS_POLL_SECONDS = 1
    profile, admin = make_partner(Program.DIRECT_BILL, offboarding=True, confirmed=True)
    services.enrollment_submit(profile=profile, user=admin)
    enrollment = Enrollment.objects.get(partner=profile)

    sign_in(admin.email)
    page.goto("/enrollment/")
    assert "Pending approval" in page.get_by_test_id("enrollment-state").inner_text()
    assert "Approval expected by" in page.get_by_test_id("timeline-next").inner_text()
    navigations = []
    page.on(
        "framenavigated", lambda frame: navigations.append(frame.url) if frame == page.main_frame else None
    )
    page.evaluate("window.__sameDocument = true")  # gone if the page were loaded again

    services.enrollment_approve(enrollment_id=enrollment.pk, actor=None)  # staff approve, elsewhere
    enrollment.refresh_from_db()
    assert enrollment.state == EnrollmentState.APPROVED

    page.get_by_test_id("enrollment-state").filter(has_text="Approved").wait_for(timeout=10_000)
    timeline = page.get_by_test_id("enrollment-timeline").inner_text()
    assert "Enrollment approved" in timeline
    assert "Accept the indirect reseller agreement" in timeline
    assert page.get_by_test_id("review-agreement").is_visible()
    assert page.locator("[data-live-announce]").inner_text() == "Enrollment status: Approved"
    assert page.evaluate("window.__sameDocument") is True
    assert navigations == []


def test_without_javascript_the_page_shows_the_state_and_a_refresh_link(browser, live_server, settings):
    settings.ENROLLMENT_APPROVAL_POLICY = "manual"
    profile, admin = make_partner(Program.DIRECT_BILL, offboarding=True, confirmed=True)
    services.enrollment_submit(profile=profile, user=admin)
    context = browser.new_context(base_url=live_server.url, locale="en-US", java_script_enabled=False)
    try:
        page = context.new_page()
        from tests.factories import PASSWORD

        page.goto("/signin/")
        page.get_by_label("Email").fill(admin.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.goto("/enrollment/")
        assert "Pending approval" in page.get_by_test_id("enrollment-state").inner_text()
        services.enrollment_approve(enrollment_id=Enrollment.objects.get(partner=profile).pk, actor=None)
        page.get_by_test_id("check-again").click()
        assert "Approved" in page.get_by_test_id("enrollment-state").inner_text()
    finally:
        context.close()
