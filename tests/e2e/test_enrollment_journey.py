"""The whole enrollment journey in Chromium (R1–R8): sign in → confirm profile → Enroll now → approved
(immediate policy) → approval email recorded → Accept and continue → both programs in Program info →
"Indirect providers" in the left navigation."""

import pytest
from django.urls import NoReverseMatch, reverse

from enrollment.models import Enrollment, EnrollmentState
from partnercenter import jobs
from partnercenter.models import ScheduledJob, SentEmail
from tenants.models import Program
from tests.factories import make_partner

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_direct_bill_partner_becomes_an_indirect_reseller(page, sign_in, settings):
    settings.ENROLLMENT_APPROVAL_POLICY = "immediate"
    profile, admin = make_partner(Program.DIRECT_BILL, offboarding=True, confirmed=False)

    sign_in(admin.email)
    # No "Indirect providers" before enrolling (R8)
    assert page.locator('[data-nav="invitations:indirect_providers"]').count() == 0

    # The enrollment page says why Enroll now is not offered yet (R2)
    page.locator('[data-nav="enrollment:enroll"]').click()
    reasons = page.get_by_test_id("eligibility-reasons")
    assert "have not been confirmed as current" in reasons.inner_text()
    assert page.locator("#enroll-now").count() == 0

    # Confirm the profile on Partner profile (R2)
    page.locator('[data-nav="profile"]').click()
    page.get_by_role("button", name="Confirm these details are current").click()
    page.get_by_text("You confirmed that your partner profile and MPN ID are current.").wait_for()

    # The form shows the partner's details and the no-rollback warning before the button (R2, R6)
    page.locator('[data-nav="enrollment:enroll"]').click()
    details = page.get_by_test_id("partner-details").inner_text()
    for text in (
        profile.legal_name,
        profile.mpn_id,
        profile.primary_contact_email,
        profile.tenant.default_domain,
    ):
        assert text in details
    assert "Enrolling cannot be undone." in page.get_by_test_id("no-rollback-warning").inner_text()
    page.get_by_label("I understand that enrolling as an indirect reseller cannot be undone.").check()
    page.get_by_role("button", name="Enroll now").click()
    page.get_by_text("Your indirect reseller enrollment was submitted.").wait_for()

    enrollment = Enrollment.objects.get(partner=profile)
    if enrollment.state == EnrollmentState.PENDING_APPROVAL:
        # The on-commit publish did not reach a worker: run the due job as ops would (admin "Run now").
        job = ScheduledJob.objects.get(kind="enrollment.approve", object_id=str(enrollment.pk))
        assert jobs.job_run(job.pk)
        page.reload()
    enrollment.refresh_from_db()
    assert enrollment.state == EnrollmentState.APPROVED
    assert "Approved" in page.get_by_test_id("enrollment-state").inner_text()
    assert "Enrollment approved" in page.get_by_test_id("enrollment-timeline").inner_text()

    # One approval email to the primary contact (R4)
    (email,) = SentEmail.objects.filter(kind="enrollment.approved")
    assert email.to == profile.primary_contact_email

    # Program info shows the status at any time (R4)
    page.locator('[data-nav="profile"]').click()
    row = page.locator('tr[data-program="indirect_reseller"]')
    assert "Approved" in row.inner_text()

    # Overview: the agreement with Accept and continue (R5)
    page.locator('[data-nav="overview"]').click()
    card = page.get_by_test_id("agreement-card")
    assert "Indirect reseller agreement" in card.inner_text()
    card.get_by_role("button", name="Accept and continue").click()
    page.get_by_text("Your organization is now an indirect reseller.").wait_for()

    # Program info: both direct bill and indirect reseller (R5)
    page.goto("/profile/")
    for program in ("direct_bill", "indirect_reseller"):
        assert "Active" in page.locator(f'tr[data-program="{program}"]').inner_text()
    assert set(profile.programs.values_list("program", flat=True)) == {
        Program.DIRECT_BILL,
        Program.INDIRECT_RESELLER,
    }

    # The left nav gains "Indirect providers" (R8) and loses the enrollment entry
    try:
        reverse("invitations:indirect_providers")
    except NoReverseMatch:
        pytest.fail("the Indirect providers page (invitations:indirect_providers) is not installed")
    nav = page.locator('[data-nav="invitations:indirect_providers"]')
    assert nav.inner_text().strip() == "Indirect providers"
    assert page.locator('[data-nav="enrollment:enroll"]').count() == 0
    nav.click()
    page.wait_for_load_state("domcontentloaded")
    assert page.url.endswith(reverse("invitations:indirect_providers"))


def test_sales_agent_sees_why_and_cannot_enroll(page, sign_in):
    from tenants.models import Role
    from tests.factories import UserFactory

    profile, _admin = make_partner(Program.DIRECT_BILL, offboarding=True, confirmed=True)
    agent = UserFactory(tenant=profile.tenant, role=Role.SALES_AGENT)
    sign_in(agent.email)
    page.goto("/enrollment/")
    assert (
        "Only a global admin of your tenant can enroll"
        in page.get_by_test_id("eligibility-reasons").inner_text()
    )
    assert page.get_by_role("button", name="Enroll now").is_disabled()
    assert not Enrollment.objects.exists()
