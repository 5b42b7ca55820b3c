"""The Content-Security-Policy in Chromium: the portal and Django admin work under it with no violation
(every browser test fails on one: conftest.ConsoleWatch), and it does block what it should."""

import pytest
from playwright.sync_api import expect

from tenants import demo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_injected_inline_script_is_blocked_and_reported(page, console_errors):
    response = page.goto("/signin/")
    policy = response.headers["content-security-policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "base-uri 'none'"):
        assert directive in policy
    page.evaluate(
        """() => { const s = document.createElement("script"); s.textContent = "window.injected = 1";
                   document.body.appendChild(s); }"""
    )
    assert page.evaluate("() => window.injected") is None
    watch = console_errors["watch"]
    assert any("Content Security Policy" in e for e in watch.errors), watch.errors
    watch.errors.clear()  # expected here; any other test fails on such an error


def test_ops_pages_in_django_admin_work_under_the_policy(page, sign_in):
    import datetime as dt

    from partnercenter import clock, jobs

    demo.seed()
    job = jobs.job_schedule(kind="invitations.expire", due_at=clock.now() + dt.timedelta(days=30))
    sign_in(demo.OPS_EMAIL, demo.demo_password())
    for path in (
        "/admin/",
        "/admin/partnercenter/event/",  # a list without actions (Django's inline style, as a file)
        "/admin/partnercenter/sentemail/",
        "/admin/tenants/partnerprofile/",
        f"/admin/partnercenter/scheduledjob/{job.pk}/change/",  # ops' Run now button
    ):
        page.goto(path)
        expect(page.locator("#content")).to_be_visible()
    expect(page.get_by_role("button", name="Run now")).to_be_visible()
    # Django admin's own scripts run: the "select all" checkbox of a list with actions.
    page.goto("/admin/tenants/partnerprofile/")
    page.locator("#action-toggle").check()
    expect(page.locator("#result_list tbody input.action-select").first).to_be_checked()
