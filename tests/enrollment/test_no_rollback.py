"""R6 — no rollback: once active, no page, API call, admin screen or admin action removes indirect
reseller capabilities. Each test tries one path and shows that nothing changed."""

import pytest
from django.db import transaction
from django.db.models import ProtectedError
from django.urls import reverse

from enrollment.models import Enrollment, EnrollmentState, IncentiveInvitation
from partnercenter import events
from partnercenter.errors import Forbidden
from partnercenter.models import Event
from tenants.models import PartnerProfile, Program, ProgramMembership, Tenant, User
from tests.enrollment.helpers import activate, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def active(eligible, django_capture_on_commit_callbacks):
    profile, admin = eligible
    submit(profile, admin, django_capture_on_commit_callbacks)
    enrollment = activate(profile, admin, django_capture_on_commit_callbacks)
    return profile, admin, enrollment


@pytest.fixture
def ops(client):
    user = User.objects.create_superuser(email="ops@example.com", password="x-ops-password-1")
    client.force_login(user)
    return client


def assert_still_indirect_reseller(profile, enrollment):
    enrollment = Enrollment.objects.get(pk=enrollment.pk)
    assert enrollment.state == EnrollmentState.ACTIVE
    membership = ProgramMembership.objects.get(partner=profile, program=Program.INDIRECT_RESELLER)
    assert membership.status == ProgramMembership.Status.ACTIVE
    assert [e.kind for e in events.for_object(enrollment)] == [
        "enrollment.submitted",
        "enrollment.approved",
        "enrollment.activated",
    ]


def test_R6_admin_cannot_delete_the_enrollment(active, ops):
    profile, _admin, enrollment = active
    url = reverse("admin:enrollment_enrollment_delete", args=[enrollment.pk])
    assert ops.get(url).status_code == 403
    assert ops.post(url, {"post": "yes"}).status_code == 403
    assert_still_indirect_reseller(profile, enrollment)


def test_R6_admin_bulk_delete_is_not_offered(active, ops):
    profile, _admin, enrollment = active
    changelist = reverse("admin:enrollment_enrollment_changelist")
    page = ops.get(changelist)
    assert page.status_code == 200
    assert "delete_selected" not in page.content.decode()
    ops.post(changelist, {"action": "delete_selected", "_selected_action": [enrollment.pk], "post": "yes"})
    assert_still_indirect_reseller(profile, enrollment)


def test_R6_admin_cannot_change_the_state(active, ops):
    profile, _admin, enrollment = active
    url = reverse("admin:enrollment_enrollment_change", args=[enrollment.pk])
    page = ops.get(url)
    assert page.status_code == 200  # view only
    assert 'name="state"' not in page.content.decode()
    ops.post(url, {"state": "rejected", "rejection_reason": "undo"})
    assert_still_indirect_reseller(profile, enrollment)


def test_R6_admin_reject_and_approve_buttons_refuse_an_active_enrollment(active, ops):
    profile, _admin, enrollment = active
    page = ops.get(reverse("admin:enrollment_enrollment_change", args=[enrollment.pk])).content.decode()
    assert "Reject…" not in page and ">Approve<" not in page
    response = ops.post(
        reverse("admin:enrollment_enrollment_reject", args=[enrollment.pk]), {"reason": "undo"}, follow=True
    )
    assert "Only an enrollment pending approval can be rejected" in response.content.decode()
    ops.post(reverse("admin:enrollment_enrollment_approve", args=[enrollment.pk]))
    ops.post(
        reverse("admin:enrollment_enrollment_changelist"),
        {"action": "approve_selected", "_selected_action": [enrollment.pk]},
    )
    assert_still_indirect_reseller(profile, enrollment)


def test_R6_the_history_cannot_be_changed_or_deleted_in_admin(active, ops):
    """The enrollment's history is its events in the audit log: read-only for ops."""
    profile, _admin, enrollment = active
    assert ops.get("/admin/enrollment/enrollmenttransition/").status_code == 404  # no second history
    event = events.for_object(enrollment).first()
    assert (
        ops.post(reverse("admin:partnercenter_event_delete", args=[event.pk]), {"post": "yes"}).status_code
        == 403
    )
    changelist = reverse("admin:partnercenter_event_changelist")
    assert "delete_selected" not in ops.get(changelist).content.decode()
    ops.post(changelist, {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"})
    ops.post(reverse("admin:partnercenter_event_change", args=[event.pk]), {"kind": "x", "reason": "undo"})
    assert Event.objects.get(pk=event.pk).kind == "enrollment.submitted"
    assert_still_indirect_reseller(profile, enrollment)


def test_R6_admin_cannot_delete_or_restrict_the_membership(active, ops):
    profile, _admin, enrollment = active
    membership = ProgramMembership.objects.get(partner=profile, program=Program.INDIRECT_RESELLER)
    delete_url = reverse("admin:tenants_programmembership_delete", args=[membership.pk])
    assert ops.post(delete_url, {"post": "yes"}).status_code == 403
    change_url = reverse("admin:tenants_programmembership_change", args=[membership.pk])
    ops.post(
        change_url,
        {
            "partner": profile.pk,
            "program": "indirect_reseller",
            "status": "restricted",
            "joined_at_0": "2026-01-01",
            "joined_at_1": "00:00:00",
        },
    )
    ops.post(
        reverse("admin:tenants_programmembership_changelist"),
        {"action": "delete_selected", "_selected_action": [membership.pk], "post": "yes"},
    )
    assert_still_indirect_reseller(profile, enrollment)


def test_R6_admin_cannot_delete_the_partner_or_its_tenant(active, ops):
    profile, _admin, enrollment = active
    ops.post(reverse("admin:tenants_partnerprofile_delete", args=[profile.pk]), {"post": "yes"})
    ops.post(reverse("admin:tenants_tenant_delete", args=[profile.tenant_id]), {"post": "yes"})
    ops.post(
        reverse("admin:tenants_partnerprofile_changelist"),
        {"action": "delete_selected", "_selected_action": [profile.pk], "post": "yes"},
    )
    assert PartnerProfile.objects.filter(pk=profile.pk).exists()
    assert Tenant.objects.filter(pk=profile.tenant_id).exists()
    assert_still_indirect_reseller(profile, enrollment)


def test_R6_no_code_path_deletes_or_downgrades_it(active):
    profile, _admin, enrollment = active
    membership = ProgramMembership.objects.get(partner=profile, program=Program.INDIRECT_RESELLER)
    with pytest.raises(Forbidden), transaction.atomic():
        membership.delete()
    with pytest.raises(Forbidden), transaction.atomic():
        ProgramMembership.objects.filter(pk=membership.pk).delete()
    membership.status = ProgramMembership.Status.RESTRICTED
    with pytest.raises(Forbidden), transaction.atomic():
        membership.save()
    membership = ProgramMembership.objects.get(pk=membership.pk)
    membership.program = Program.INDIRECT_PROVIDER
    with pytest.raises(Forbidden), transaction.atomic():
        membership.save()
    with pytest.raises((Forbidden, ProtectedError)), transaction.atomic():
        Enrollment.objects.get(pk=enrollment.pk).delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        PartnerProfile.objects.get(pk=profile.pk).delete()
    assert_still_indirect_reseller(profile, enrollment)


def test_R6_the_api_offers_no_way_back(active, api_client_for):
    profile, admin, enrollment = active
    api = api_client_for(admin)
    for method in ("delete", "put", "patch"):
        assert getattr(api, method)("/v1/enrollments/indirectreseller").status_code == 405
        assert getattr(api, method)("/v1/enrollments/indirectreseller/agreement").status_code == 405
    assert api.post("/v1/enrollments/indirectreseller").status_code == 409
    assert api.post("/v1/enrollments/indirectreseller/agreement").status_code == 409
    assert_still_indirect_reseller(profile, enrollment)


def test_R6_the_pages_offer_no_way_back(active, client):
    profile, admin, enrollment = active
    client.force_login(admin)
    page = client.get("/enrollment/").content.decode()
    assert 'id="enroll-now"' not in page
    assert "already an indirect reseller" in page
    client.post("/enrollment/", {"acknowledge": "on"})
    client.post(reverse("enrollment:accept_agreement"))
    assert Enrollment.objects.filter(partner=profile).count() == 1
    assert_still_indirect_reseller(profile, enrollment)


def test_R6_incentive_invitation_has_no_delete_in_admin(active, ops):
    profile, _admin, enrollment = active
    invitation = IncentiveInvitation.objects.get()
    url = reverse("admin:enrollment_incentiveinvitation_delete", args=[invitation.pk])
    assert ops.post(url, {"post": "yes"}).status_code == 403
    assert IncentiveInvitation.objects.filter(pk=invitation.pk).exists()


def test_no_enrollment_is_deleted_from_under_its_history(
    eligible, manual_policy, django_capture_on_commit_callbacks
):
    """The history rows used to protect every enrollment; its events now refer to it instead."""
    from enrollment import services

    profile, admin = eligible
    enrollment = submit(profile, admin, django_capture_on_commit_callbacks)
    services.enrollment_reject(enrollment_id=enrollment.pk, actor=None, reason="no")
    with pytest.raises(Forbidden) as exc, transaction.atomic():
        Enrollment.objects.get(pk=enrollment.pk).delete()
    assert exc.value.reason == "enrollment.history_kept"
    with pytest.raises(Forbidden), transaction.atomic():
        Enrollment.objects.filter(pk=enrollment.pk).delete()
    assert [e.kind for e in events.for_object(enrollment)] == ["enrollment.submitted", "enrollment.rejected"]
    assert Enrollment.objects.filter(pk=enrollment.pk).exists()
