"""The enrollment state machine (SPEC §4): pending_approval → approved → active; pending_approval →
rejected; protected state field, concurrency protection, and one event (the history entry) per
transition."""

import pytest
from django.db import IntegrityError, transaction
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from enrollment import services
from enrollment.models import Enrollment, EnrollmentState
from partnercenter import clock, events
from partnercenter.errors import Conflict
from partnercenter.events import EventKind
from partnercenter.models import Event
from tenants.models import Program
from tests.enrollment.helpers import activate, approve, submit

pytestmark = pytest.mark.django_db


def test_submit_starts_pending_approval_with_history_and_event(
    eligible, manual_policy, django_capture_on_commit_callbacks
):
    profile, admin = eligible
    enrollment = submit(profile, admin, django_capture_on_commit_callbacks)
    assert enrollment.state == EnrollmentState.PENDING_APPROVAL
    (event,) = events.for_object(enrollment)  # one history entry, not a row and an event
    assert event.kind == EventKind.ENROLLMENT_SUBMITTED
    assert (event.payload["from"], event.payload["to"], event.actor, event.actor_label) == (
        "",
        "pending_approval",
        admin,
        admin.email,
    )
    assert (event.tenant, event.reason, event.payload["mpnId"]) == (
        profile.tenant,
        "Enroll now",
        profile.mpn_id,
    )
    # R2: the details on the form are kept with the enrollment
    assert (enrollment.legal_name, enrollment.mpn_id) == (profile.legal_name, profile.mpn_id)
    assert enrollment.primary_contact_email == profile.primary_contact_email
    assert enrollment.tenant_domain == profile.tenant.default_domain


def test_full_path_pending_approved_active(eligible, manual_policy, django_capture_on_commit_callbacks):
    profile, admin = eligible
    enrollment = submit(profile, admin, django_capture_on_commit_callbacks)
    approve(enrollment, None, django_capture_on_commit_callbacks)
    enrollment = activate(profile, admin, django_capture_on_commit_callbacks)
    assert enrollment.state == EnrollmentState.ACTIVE
    history = list(events.for_object(enrollment))
    assert [(e.kind, e.payload["from"], e.payload["to"]) for e in history] == [
        (EventKind.ENROLLMENT_SUBMITTED, "", "pending_approval"),
        (EventKind.ENROLLMENT_APPROVED, "pending_approval", "approved"),
        (EventKind.ENROLLMENT_ACTIVATED, "approved", "active"),
    ]
    assert history[-1].reason == "Accept and continue" and history[-1].actor == admin


def test_rejection_keeps_the_reason_and_the_partner_may_enroll_again(
    eligible, manual_policy, django_capture_on_commit_callbacks
):
    profile, admin = eligible
    first = submit(profile, admin, django_capture_on_commit_callbacks)
    services.enrollment_reject(enrollment_id=first.pk, actor=None, reason="The MPN ID does not match.")
    first.refresh_from_db()
    assert first.state == EnrollmentState.REJECTED
    assert first.rejection_reason == "The MPN ID does not match."
    last = events.for_object(first).last()
    assert (last.kind, last.payload["to"], last.reason) == (
        EventKind.ENROLLMENT_REJECTED,
        "rejected",
        "The MPN ID does not match.",
    )
    second = submit(profile, admin, django_capture_on_commit_callbacks)
    assert second.pk != first.pk and second.state == EnrollmentState.PENDING_APPROVAL


def test_rejection_needs_a_reason(eligible, manual_policy, django_capture_on_commit_callbacks):
    profile, admin = eligible
    enrollment = submit(profile, admin, django_capture_on_commit_callbacks)
    with pytest.raises(Exception) as exc:
        services.enrollment_reject(enrollment_id=enrollment.pk, actor=None, reason="   ")
    assert "reason" in str(exc.value)
    enrollment.refresh_from_db()
    assert enrollment.state == EnrollmentState.PENDING_APPROVAL


def test_the_state_field_is_protected(eligible, manual_policy, django_capture_on_commit_callbacks):
    profile, admin = eligible
    enrollment = submit(profile, admin, django_capture_on_commit_callbacks)
    with pytest.raises(AttributeError):
        enrollment.state = EnrollmentState.ACTIVE


@pytest.mark.parametrize("method,kwargs", [("activate", {"user": None}), ("approve", {})])
def test_transitions_not_allowed_from_the_wrong_state(
    method, kwargs, eligible, manual_policy, django_capture_on_commit_callbacks
):
    profile, admin = eligible
    enrollment = submit(profile, admin, django_capture_on_commit_callbacks)
    services.enrollment_reject(enrollment_id=enrollment.pk, actor=None, reason="no")
    enrollment.refresh_from_db()
    with pytest.raises(TransitionNotAllowed):
        getattr(enrollment, method)(when=clock.now(), **kwargs)


def test_R6_active_is_final(eligible, django_capture_on_commit_callbacks):
    profile, admin = eligible
    submit(profile, admin, django_capture_on_commit_callbacks)
    enrollment = activate(profile, admin, django_capture_on_commit_callbacks)
    assert list(enrollment.get_available_state_transitions()) == []
    with pytest.raises(Conflict):
        services.enrollment_reject(enrollment_id=enrollment.pk, actor=None, reason="undo")
    with pytest.raises(Conflict):
        services.enrollment_approve(enrollment_id=enrollment.pk, actor=None)
    enrollment.refresh_from_db()
    assert enrollment.state == EnrollmentState.ACTIVE


def test_concurrent_transitions_are_refused(eligible, manual_policy, django_capture_on_commit_callbacks):
    """ConcurrentTransitionMixin: a stale copy cannot overwrite a state changed meanwhile."""
    profile, admin = eligible
    enrollment = submit(profile, admin, django_capture_on_commit_callbacks)
    stale = Enrollment.objects.get(pk=enrollment.pk)
    services.enrollment_reject(enrollment_id=enrollment.pk, actor=None, reason="first")
    stale.approve(when=clock.now())
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        stale.save()
    assert Enrollment.objects.get(pk=enrollment.pk).state == EnrollmentState.REJECTED


def test_the_database_refuses_a_second_open_enrollment(
    eligible, manual_policy, django_capture_on_commit_callbacks
):
    profile, admin = eligible
    first = submit(profile, admin, django_capture_on_commit_callbacks)
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrollment.objects.create(
            partner=profile,
            legal_name=first.legal_name,
            mpn_id=first.mpn_id,
            primary_contact_email=first.primary_contact_email,
            tenant_domain=first.tenant_domain,
            submitted_at=clock.now(),
            approval_policy="manual",
        )
    assert Enrollment.objects.filter(partner=profile).count() == 1


def test_a_second_enroll_now_creates_nothing(eligible, manual_policy, django_capture_on_commit_callbacks):
    profile, admin = eligible
    submit(profile, admin, django_capture_on_commit_callbacks)
    with pytest.raises(services.NotEligible) as exc:
        services.enrollment_submit(profile=profile, user=admin)
    assert exc.value.status == 409
    assert exc.value.data[0]["code"] == "enrollment_open"
    assert Enrollment.objects.filter(partner=profile).count() == 1
    assert Event.objects.filter(object_type="enrollment.enrollment").count() == 1


def test_activation_joins_the_program_once(eligible, django_capture_on_commit_callbacks):
    profile, admin = eligible
    submit(profile, admin, django_capture_on_commit_callbacks)
    activate(profile, admin, django_capture_on_commit_callbacks)
    programs = set(profile.programs.values_list("program", flat=True))
    assert programs == {Program.DIRECT_BILL, Program.INDIRECT_RESELLER}
    with pytest.raises(Conflict) as exc:
        services.enrollment_accept_agreement(profile=profile, user=admin)
    assert exc.value.rule == "R6"
    assert profile.programs.count() == 2
