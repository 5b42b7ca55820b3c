"""The enrollment page while approval is pending: it updates itself (a small JSON status endpoint the page
asks every few seconds), shows one promised date (R4: 5 business days after enrolling) everywhere, and
keeps its history reachable after the agreement is accepted."""

import datetime as dt

import pytest
from django.urls import reverse

from enrollment import services
from partnercenter import clock
from tests.enrollment.helpers import activate, approve, submit
from tests.factories import CustomerTenantFactory, UserFactory, make_direct_bill_partner

pytestmark = pytest.mark.django_db

ENROLL = "/enrollment/"
STATUS = "/enrollment/status/"
WEDNESDAY = dt.datetime(2026, 3, 11, 10, 0, tzinfo=dt.UTC)  # promise: Wednesday 18 March


def test_the_status_url():
    assert reverse("enrollment:status") == STATUS


def test_a_pending_enrollment_page_asks_for_live_updates_and_offers_a_refresh_link(
    client, eligible, manual_policy, django_capture_on_commit_callbacks
):
    profile, admin = eligible
    submit(profile, admin, django_capture_on_commit_callbacks)
    client.force_login(admin)
    body = client.get(ENROLL).content.decode()
    assert f'data-live-status="{STATUS}"' in body and 'data-state="pending_approval"' in body
    assert "js/live_status.js" in body
    assert 'data-testid="check-again"' in body  # without JavaScript: the state and a refresh link
    assert "<script>" not in body  # the Content-Security-Policy forbids inline script


def test_the_status_endpoint_answers_the_state_and_the_card_and_stops_polling_once_decided(
    client, eligible, manual_policy, django_capture_on_commit_callbacks
):
    profile, admin = eligible
    enrollment = submit(profile, admin, django_capture_on_commit_callbacks)
    client.force_login(admin)
    pending = client.get(STATUS)
    assert pending.status_code == 200 and pending["Content-Type"] == "application/json"
    assert pending["Cache-Control"] == "no-store"
    data = pending.json()
    assert data["state"] == "pending_approval" and data["poll"] is True and data["reload"] is False
    assert data["status"] == "Pending approval"
    assert "Pending approval" in data["html"] and 'data-testid="enrollment-timeline"' in data["html"]

    approve(enrollment, None, django_capture_on_commit_callbacks)
    data = client.get(STATUS).json()
    assert data["state"] == "approved" and data["poll"] is False
    assert data["announcement"] == "Enrollment status: Approved"
    assert "Review the agreement on the Overview page" in data["html"]
    assert 'data-event="enrollment.approved"' in data["html"]
    # The approved page no longer polls: the next change is the partner's own click.
    assert "data-live-status" not in client.get(ENROLL).content.decode()


def test_a_rejection_asks_the_page_to_reload_because_the_form_comes_back(
    client, eligible, manual_policy, django_capture_on_commit_callbacks
):
    profile, admin = eligible
    enrollment = submit(profile, admin, django_capture_on_commit_callbacks)
    services.enrollment_reject(enrollment_id=enrollment.pk, actor=None, reason="MPN ID does not match")
    client.force_login(admin)
    data = client.get(STATUS).json()
    assert data["state"] == "rejected" and data["reload"] is True and data["poll"] is False


def test_the_status_endpoint_reads_only_the_acting_partners_enrollment(
    client, eligible, manual_policy, django_capture_on_commit_callbacks
):
    profile, admin = eligible
    submit(profile, admin, django_capture_on_commit_callbacks)
    _other, stranger = make_direct_bill_partner(offboarding=True, confirmed=True)
    client.force_login(stranger)
    data = client.get(STATUS).json()
    assert data["state"] == "" and data["poll"] is False
    assert profile.legal_name not in data["html"] and admin.email not in data["html"]


def test_a_customer_tenant_and_a_stranger_get_no_status(client):
    customer_admin = UserFactory(tenant=CustomerTenantFactory())
    client.force_login(customer_admin)
    assert client.get(STATUS).status_code == 403
    client.logout()
    response = client.get(STATUS)
    assert response.status_code == 302 and "application/json" not in response.get("Content-Type", "")


def test_the_status_endpoint_changes_nothing_and_refuses_post(
    client, eligible, manual_policy, django_capture_on_commit_callbacks
):
    profile, admin = eligible
    enrollment = submit(profile, admin, django_capture_on_commit_callbacks)
    client.force_login(admin)
    assert client.post(STATUS).status_code == 405
    enrollment.refresh_from_db()
    assert enrollment.state == "pending_approval"


@pytest.mark.parametrize("policy", ["business_days:1", "manual", "immediate"])
def test_R4_one_promised_date_not_expected_today_beside_up_to_5_business_days(
    client, eligible, settings, policy, django_capture_on_commit_callbacks
):
    settings.ENROLLMENT_APPROVAL_POLICY = policy
    profile, admin = eligible
    client.force_login(admin)
    with clock.frozen_at(WEDNESDAY):
        # The immediate policy's job has not run yet (its message is published after commit).
        services.enrollment_submit(profile=profile, user=admin)
        page = client.get(ENROLL).content.decode()
        info = client.get("/profile/").content.decode()
        overview = client.get("/").content.decode()
    for text in (page, info, overview):
        assert "March 18, 2026" in text
        assert "March 11, 2026 (up to" not in text and "March 12, 2026" not in text
    timeline = page[page.index('data-testid="enrollment-timeline"') :]
    nxt = timeline[timeline.index('data-testid="timeline-next"') :]
    assert "Approval expected by" in nxt and "March 18, 2026" in nxt


def test_history_stays_reachable_after_activation_with_human_notes(
    client, eligible, django_capture_on_commit_callbacks
):
    profile, admin = eligible
    submit(profile, admin, django_capture_on_commit_callbacks)  # immediate policy: approved by the job
    activate(profile, admin, django_capture_on_commit_callbacks)
    client.force_login(admin)
    info = client.get("/profile/").content.decode()
    assert f'href="{ENROLL}"' in info and "Enrollment status and history" in info
    page = client.get(ENROLL)
    assert page.status_code == 200
    body = page.content.decode()
    timeline = body[body.index('data-testid="enrollment-timeline"') :]
    for kind in ("enrollment.submitted", "enrollment.approved", "enrollment.activated"):
        assert f'data-event="{kind}"' in timeline
    assert "Enroll now" not in timeline and "Accept and continue" not in timeline
    assert "now both a direct-bill partner and an indirect reseller" in timeline
    assert "data-live-status" not in body
