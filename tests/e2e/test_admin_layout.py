"""Ops pages in a browser at 1366 px: the landing page's buttons work, and the busy changelists (audit log,
jobs, emails) fit the window without a horizontal scrollbar, long values wrapping."""

import datetime as dt
import os

import pytest

from enrollment import services as enrollment_services
from enrollment.models import Enrollment, EnrollmentState
from partnercenter import clock, emails, events
from partnercenter.models import ScheduledJob, SentEmail
from tests.factories import UserFactory, make_direct_bill_partner

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("PORTAL_SCREENSHOTS")  # a directory: save screenshots there to look at them


@pytest.fixture
def ops_world(settings):
    settings.ENROLLMENT_APPROVAL_POLICY = "manual"
    ops = UserFactory(email="ops@portal.example", tenant=None, role="", is_staff=True, is_superuser=True)
    long = "A very long legal business name that goes on and on, Incorporated and Partners Worldwide"
    enrollments = []
    for n, promised in enumerate([-dt.timedelta(hours=3), dt.timedelta(hours=5), dt.timedelta(days=4)]):
        profile, user = make_direct_bill_partner(offboarding=True)
        enrollment = enrollment_services.enrollment_submit(profile=profile, user=user)
        Enrollment.objects.filter(pk=enrollment.pk).update(
            approval_promised_at=clock.now() + promised, legal_name=f"{long} {n}"
        )
        enrollments.append(enrollment)
        events.record(
            "profile.updated",
            tenant=profile.tenant,
            actor=user,
            obj=profile,
            reason="x" * 300 + " " + "y" * 200,
        )
    ScheduledJob.objects.create(
        kind=enrollment_services.APPROVE_JOB,
        object_type="enrollment.enrollment",
        object_id=str(enrollments[1].pk),
        due_at=clock.now(),
        created_at=clock.now(),
        status=ScheduledJob.Status.FAILED,
        attempts=5,
        last_error="RuntimeError: " + "z" * 400,
    )
    email = emails.email_send(
        kind="enrollment.approved",
        to="a.very.long.address.of.a.primary.contact@a-very-long-partner-domain-name.example",
        subject="Subject " * 30,
        body="Hello",
    )
    SentEmail.objects.filter(pk=email.pk).update(status=SentEmail.Status.FAILED, attempts=6, error="E" * 500)
    return {"ops": ops, "enrollments": enrollments}


def no_horizontal_scroll(page) -> bool:
    """Neither the page nor a changelist's table (which Django lets scroll inside its box) is wider than
    the window shows."""
    return page.evaluate(
        """() => document.documentElement.scrollWidth <= window.innerWidth + 1
        && [...document.querySelectorAll('#changelist .results')].every(
            (box) => box.scrollWidth <= box.clientWidth + 1)"""
    )


def test_landing_and_changelists_fit_1366_px(page, sign_in, ops_world):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/admin/login/")
    page.fill("#id_username", "ops@portal.example")
    page.fill("#id_password", "test-password-123")
    page.click("input[type=submit]")
    page.goto("/admin/")
    landing = page.locator("#ops-landing")
    assert landing.is_visible()
    assert landing.get_by_text("Past the 5-business-day promise").is_visible()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/admin-landing.png", full_page=True)
    assert no_horizontal_scroll(page)
    for url, name in [
        ("/admin/partnercenter/event/", "audit"),
        ("/admin/partnercenter/scheduledjob/", "jobs"),
        ("/admin/partnercenter/sentemail/", "emails"),
        ("/admin/enrollment/enrollment/", "enrollments"),
    ]:
        page.goto(url)
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/admin-{name}.png", full_page=True)
        assert no_horizontal_scroll(page), url


def test_approve_from_the_landing_page(page, ops_world):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/admin/login/")
    page.fill("#id_username", "ops@portal.example")
    page.fill("#id_password", "test-password-123")
    page.click("input[type=submit]")
    page.goto("/admin/")
    overdue = ops_world["enrollments"][0]
    row = page.locator("#ops-landing tr", has_text=f"{overdue.legal_name[:20]}").first
    page.locator(f"form[action$='/enrollment/enrollment/{overdue.pk}/approve/'] button").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.url.endswith("/admin/")
    assert page.get_by_text("Enrollment approved; the primary contact is emailed.").is_visible()
    assert row is not None
    assert Enrollment.objects.get(pk=overdue.pk).state == EnrollmentState.APPROVED
