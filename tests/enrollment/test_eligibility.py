"""Eligibility (R1–R3, one open enrollment, R6): one test per reason, named by its rule."""

import pytest

from enrollment import selectors, services
from enrollment.models import Enrollment
from partnercenter.errors import DomainError
from partnercenter.models import Event
from tenants.models import Program, Role
from tests.enrollment.helpers import activate, approve, submit
from tests.factories import make_partner

pytestmark = pytest.mark.django_db


def codes(profile, user):
    return [r.code for r in selectors.eligibility_reasons(profile=profile, user=user)]


def test_eligible_partner_has_no_reason(eligible):
    profile, admin = eligible
    assert codes(profile, admin) == []


def test_R1_not_the_global_admin_is_a_reason(eligible, sales_agent):
    profile, _admin = eligible
    assert codes(profile, sales_agent) == [selectors.NOT_GLOBAL_ADMIN]
    reason = selectors.eligibility_reasons(profile=profile, user=sales_agent)[0]
    assert reason.rule == "R1"
    assert "global admin" in str(reason.message)


@pytest.mark.parametrize("role", [Role.ADMIN_AGENT, Role.SALES_AGENT, Role.BILLING_ADMIN])
def test_R1_every_other_role_is_refused_with_403(role, django_capture_on_commit_callbacks):
    profile, user = make_partner(Program.DIRECT_BILL, offboarding=True, confirmed=True, role=role)
    with pytest.raises(DomainError) as exc:
        services.enrollment_submit(profile=profile, user=user)
    assert exc.value.status == 403
    assert exc.value.data[0]["rule"] == "R1"
    assert not Enrollment.objects.exists()


def test_R1_a_global_admin_of_another_tenant_is_not_the_global_admin(eligible):
    profile, _admin = eligible
    _other_profile, other_admin = make_partner(Program.DIRECT_BILL, offboarding=True)
    assert selectors.NOT_GLOBAL_ADMIN in codes(profile, other_admin)


def test_R3_not_a_direct_bill_partner_is_a_reason():
    profile, admin = make_partner(offboarding=True, confirmed=True)
    assert codes(profile, admin) == [selectors.NOT_DIRECT_BILL]
    assert selectors.eligibility_reasons(profile=profile, user=admin)[0].rule == "R3"


def test_R3_not_identified_for_offboarding_is_a_reason():
    profile, admin = make_partner(Program.DIRECT_BILL, offboarding=False, confirmed=True)
    assert codes(profile, admin) == [selectors.NOT_IDENTIFIED_FOR_OFFBOARDING]
    assert selectors.eligibility_reasons(profile=profile, user=admin)[0].rule == "R3"


def test_R2_profile_not_confirmed_current_is_a_reason():
    profile, admin = make_partner(Program.DIRECT_BILL, offboarding=True, confirmed=False)
    assert codes(profile, admin) == [selectors.PROFILE_NOT_CONFIRMED]
    assert selectors.eligibility_reasons(profile=profile, user=admin)[0].rule == "R2"


def test_every_reason_is_listed_at_once():
    profile, user = make_partner(confirmed=False, offboarding=False, role=Role.SALES_AGENT)
    assert codes(profile, user) == [
        selectors.NOT_GLOBAL_ADMIN,
        selectors.NOT_DIRECT_BILL,
        selectors.NOT_IDENTIFIED_FOR_OFFBOARDING,
        selectors.PROFILE_NOT_CONFIRMED,
    ]


def test_an_open_enrollment_is_a_reason(eligible, manual_policy, django_capture_on_commit_callbacks):
    profile, admin = eligible
    submit(profile, admin, django_capture_on_commit_callbacks)
    assert codes(profile, admin) == [selectors.ENROLLMENT_OPEN]


def test_an_approved_enrollment_is_still_open(eligible, manual_policy, django_capture_on_commit_callbacks):
    profile, admin = eligible
    enrollment = submit(profile, admin, django_capture_on_commit_callbacks)
    approve(enrollment, None, django_capture_on_commit_callbacks)
    assert codes(profile, admin) == [selectors.ENROLLMENT_OPEN]


def test_R6_an_active_indirect_reseller_cannot_enroll_again(eligible, django_capture_on_commit_callbacks):
    profile, admin = eligible
    submit(profile, admin, django_capture_on_commit_callbacks)
    activate(profile, admin, django_capture_on_commit_callbacks)
    assert codes(profile, admin) == [selectors.ALREADY_INDIRECT_RESELLER]
    assert selectors.eligibility_reasons(profile=profile, user=admin)[0].rule == "R6"


def test_R6_a_member_of_the_indirect_reseller_program_cannot_enroll():
    profile, admin = make_partner(Program.DIRECT_BILL, Program.INDIRECT_RESELLER, offboarding=True)
    assert codes(profile, admin) == [selectors.ALREADY_INDIRECT_RESELLER]


def test_a_rejected_enrollment_is_not_a_reason(eligible, manual_policy, django_capture_on_commit_callbacks):
    profile, admin = eligible
    enrollment = submit(profile, admin, django_capture_on_commit_callbacks)
    services.enrollment_reject(enrollment_id=enrollment.pk, actor=None, reason="MPN ID mismatch")
    assert codes(profile, admin) == []


def test_a_refusal_is_an_event_with_the_same_reasons(eligible):
    _profile, _admin = eligible
    profile, admin = make_partner(Program.DIRECT_BILL, offboarding=False, confirmed=False)
    with pytest.raises(DomainError) as exc:
        services.enrollment_submit(profile=profile, user=admin)
    assert exc.value.status == 409
    expected = [r.as_data() for r in selectors.eligibility_reasons(profile=profile, user=admin)]
    assert exc.value.data == expected
    event = Event.objects.get(kind="enrollment.refused", tenant=profile.tenant)
    assert event.payload["reasons"] == expected
    assert {r["rule"] for r in event.payload["reasons"]} >= {"R2", "R3"}
    assert "direct bill offboarding" in event.reason and "(R3" not in event.reason  # shown to partners
    assert not Enrollment.objects.exists()


@pytest.mark.parametrize(
    "kwargs,reason",
    [
        ({"role": Role.SALES_AGENT}, "enrollment.not_global_admin"),
        ({"programs": ()}, "enrollment.not_direct_bill"),
        ({"offboarding": False}, "enrollment.not_identified_for_offboarding"),
        ({"confirmed": False}, "enrollment.profile_not_confirmed"),
    ],
    ids=["R1", "R3-direct-bill", "R3-offboarding", "R2"],
)
def test_every_refusal_has_a_stable_reason_code(kwargs, reason):
    programs = kwargs.pop("programs", (Program.DIRECT_BILL,))
    profile, user = make_partner(*programs, **{"offboarding": True, "confirmed": True, **kwargs})
    with pytest.raises(services.NotEligible) as exc:
        services.enrollment_submit(profile=profile, user=user)
    assert exc.value.reason == reason
    assert exc.value.codes == {reason.removeprefix("enrollment.")}


def test_the_open_and_agreement_refusals_have_reason_codes(
    eligible, manual_policy, django_capture_on_commit_callbacks
):
    profile, admin = eligible
    with pytest.raises(DomainError) as exc:
        services.enrollment_accept_agreement(profile=profile, user=admin)
    assert exc.value.reason == "enrollment.agreement_not_approved"
    enrollment = submit(profile, admin, django_capture_on_commit_callbacks)
    with pytest.raises(DomainError) as exc:
        services.enrollment_submit(profile=profile, user=admin)
    assert exc.value.reason == "enrollment.enrollment_open"
    approve(enrollment, None, django_capture_on_commit_callbacks)
    with pytest.raises(DomainError) as exc:
        services.enrollment_approve(enrollment_id=enrollment.pk, actor=None)
    assert exc.value.reason == "enrollment.not_pending_approval"
    activate(profile, admin, django_capture_on_commit_callbacks)
    with pytest.raises(DomainError) as exc:
        services.enrollment_accept_agreement(profile=profile, user=admin)
    assert exc.value.reason == "enrollment.agreement_already_accepted"


def test_R3_offered_is_decided_once_for_every_caller(eligible, sales_agent):
    profile, admin = eligible
    assert selectors.enrollment_eligibility(profile=profile, user=admin).offered
    # another role cannot enroll, but the partner is still the one R3 offers enrollment to
    eligibility = selectors.enrollment_eligibility(profile=profile, user=sales_agent)
    assert eligibility.offered and not eligibility.can_enroll
    other, other_admin = make_partner(Program.DIRECT_BILL, offboarding=False)
    assert not selectors.enrollment_eligibility(profile=other, user=other_admin).offered
