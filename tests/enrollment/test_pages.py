"""The enrollment page, the Overview agreement card, Program info and the Incentives page."""

import pytest
from django.urls import reverse

from enrollment import services
from enrollment.models import Enrollment, EnrollmentState, IncentiveInvitation, IncentiveState
from tenants.models import Program, Role
from tests.enrollment.helpers import activate, submit
from tests.factories import CustomerTenantFactory, UserFactory, make_partner

pytestmark = pytest.mark.django_db

ENROLL = "/enrollment/"


def login(client, user):
    client.force_login(user)
    return client


def test_urls_are_the_fixed_names():
    assert reverse("enrollment:enroll") == ENROLL
    assert reverse("enrollment:incentives") == "/enrollment/incentives/"


def test_R2_R6_the_page_shows_details_warning_and_enroll_now(client, eligible):
    profile, admin = eligible
    body = login(client, admin).get(ENROLL).content.decode()
    for text in [
        profile.legal_name,
        profile.mpn_id,
        profile.primary_contact_email,
        profile.tenant.default_domain,
    ]:
        assert text in body
    assert "Enrolling cannot be undone." in body
    assert body.index("Enrolling cannot be undone.") < body.index("Enroll now")
    assert 'id="enroll-now"' in body


@pytest.mark.parametrize(
    "kwargs,expected",
    [
        ({"role": Role.SALES_AGENT}, "Only a global admin of your tenant can enroll"),
        ({"programs": ()}, "not a CSP direct-bill partner"),
        ({"offboarding": False}, "has not been identified for direct bill offboarding"),
        ({"confirmed": False}, "have not been confirmed as current"),
    ],
    ids=["R1", "R3-direct-bill", "R3-offboarding", "R2"],
)
def test_each_reason_is_shown_in_plain_words(client, kwargs, expected):
    programs = kwargs.pop("programs", (Program.DIRECT_BILL,))
    options = {"offboarding": True, "confirmed": True, **kwargs}
    profile, user = make_partner(*programs, **options)
    body = login(client, user).get(ENROLL).content.decode()
    assert expected in body
    assert 'id="enroll-now"' not in body  # no live button


def test_enroll_now_needs_the_acknowledgement(client, eligible):
    profile, admin = eligible
    response = login(client, admin).post(ENROLL, {})
    assert response.status_code == 400
    assert "Confirm that you understand enrolling cannot be undone." in response.content.decode()
    assert not Enrollment.objects.exists()


def test_enroll_now_twice_creates_one_enrollment(
    client, eligible, manual_policy, django_capture_on_commit_callbacks
):
    profile, admin = eligible
    login(client, admin)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(ENROLL, {"acknowledge": "on"})
        second = client.post(ENROLL, {"acknowledge": "on"}, follow=True)
    assert first.status_code == 302
    assert Enrollment.objects.filter(partner=profile).count() == 1
    body = second.content.decode()
    assert "already submitted" in body
    assert "Pending approval" in body
    assert 'data-testid="enrollment-timeline"' in body


def test_R1_a_sales_agent_posting_enroll_now_changes_nothing(client, eligible, sales_agent):
    response = login(client, sales_agent).post(ENROLL, {"acknowledge": "on"}, follow=True)
    assert "Only a global admin" in response.content.decode()
    assert not Enrollment.objects.exists()


def test_a_customer_tenant_gets_a_readable_403(client):
    user = UserFactory(tenant=CustomerTenantFactory())
    response = login(client, user).get(ENROLL)
    assert response.status_code == 403
    assert "partner tenants" in response.content.decode()


def test_R4_program_info_shows_every_status(
    client, eligible, manual_policy, django_capture_on_commit_callbacks
):
    profile, admin = eligible
    login(client, admin)
    enrollment = submit(profile, admin, django_capture_on_commit_callbacks)
    assert "Pending approval" in client.get("/profile/").content.decode()
    services.enrollment_reject(enrollment_id=enrollment.pk, actor=None, reason="MPN ID does not match")
    body = client.get("/profile/").content.decode()
    assert "Rejected" in body and "MPN ID does not match" in body
    second = submit(profile, admin, django_capture_on_commit_callbacks)
    services.enrollment_approve(enrollment_id=second.pk, actor=None)
    body = client.get("/profile/").content.decode()
    assert "badge-approved" in body and "Accept the indirect reseller agreement" in body


def test_R5_overview_shows_the_agreement_after_approval_and_accepting_activates(
    client, eligible, django_capture_on_commit_callbacks
):
    profile, admin = eligible
    login(client, admin)
    assert "Accept and continue" not in client.get("/").content.decode()
    submit(profile, admin, django_capture_on_commit_callbacks)  # immediate policy: approved
    body = client.get("/").content.decode()
    assert "Indirect reseller agreement" in body and "Accept and continue" in body
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("enrollment:accept_agreement"), follow=True)
    body = response.content.decode()
    assert "now an indirect reseller" in body
    programs = set(profile.programs.values_list("program", flat=True))
    assert programs == {Program.DIRECT_BILL, Program.INDIRECT_RESELLER}
    assert Enrollment.objects.get().state == EnrollmentState.ACTIVE
    assert "Accept and continue" not in client.get("/").content.decode()


def test_R1_the_agreement_card_tells_other_roles_to_ask_the_global_admin(
    client, eligible, sales_agent, django_capture_on_commit_callbacks
):
    profile, admin = eligible
    submit(profile, admin, django_capture_on_commit_callbacks)
    body = login(client, sales_agent).get("/").content.decode()
    assert "Only a global admin of your tenant can accept the agreement." in body
    client.post(reverse("enrollment:accept_agreement"))
    assert Enrollment.objects.get().state == EnrollmentState.APPROVED


def test_R8_indirect_providers_nav_only_after_activation(
    client, eligible, django_capture_on_commit_callbacks
):
    from tenants.context_processors import portal  # noqa: F401 - the nav is built there

    profile, admin = eligible
    login(client, admin)
    before = client.get("/").context["portal_nav"]
    assert "invitations:indirect_providers" not in [i["name"] for i in before]
    assert "enrollment:enroll" in [i["name"] for i in before]
    submit(profile, admin, django_capture_on_commit_callbacks)
    activate(profile, admin, django_capture_on_commit_callbacks)
    after = [i["name"] for i in client.get("/").context["portal_nav"]]
    assert "enrollment:enroll" not in after
    try:
        reverse("invitations:indirect_providers")
    except Exception:
        pytest.skip("the Indirect providers page is not installed yet")
    assert "invitations:indirect_providers" in after


def test_R19_incentives_page_lists_both_kinds_separately(
    client, eligible, settings, django_capture_on_commit_callbacks
):
    settings.INCENTIVE_INVITATION_DELAY_DAYS = 0
    services.incentive_catalog_ensure()
    profile, admin = eligible
    login(client, admin)
    body = client.get(reverse("enrollment:incentives")).content.decode()
    assert "Within 30 days after you enroll" in body
    assert "CSP direct bill partner incentive (core)" in body
    submit(profile, admin, django_capture_on_commit_callbacks)
    activate(profile, admin, django_capture_on_commit_callbacks)
    body = client.get(reverse("enrollment:incentives")).content.decode()
    assert "Enroll in incentives" in body and profile.mpn_account_email in body
    assert "Direct-bill incentive programs" in body
    invitation = IncentiveInvitation.objects.get()
    client.post(reverse("enrollment:incentive_accept", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.state == IncentiveState.ENROLLED


def test_another_tenants_incentive_invitation_cannot_be_accepted(
    client, eligible, settings, django_capture_on_commit_callbacks
):
    settings.INCENTIVE_INVITATION_DELAY_DAYS = 0
    profile, admin = eligible
    submit(profile, admin, django_capture_on_commit_callbacks)
    activate(profile, admin, django_capture_on_commit_callbacks)
    invitation = IncentiveInvitation.objects.get()
    _other, intruder = make_partner(Program.DIRECT_BILL)
    response = login(client, intruder).post(
        reverse("enrollment:incentive_accept", args=[invitation.pk]), follow=True
    )
    assert "does not exist" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.state == IncentiveState.SENT


def test_a_partner_not_in_direct_bill_sees_no_direct_bill_incentives(client):
    services.incentive_catalog_ensure()
    _profile, user = make_partner(Program.INDIRECT_PROVIDER)
    body = login(client, user).get(reverse("enrollment:incentives")).content.decode()
    assert "CSP direct bill partner incentive (core)" not in body
    assert "not in the direct-bill program" in body


def test_pages_query_count_does_not_grow_with_history(
    client, eligible, manual_policy, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    profile, admin = eligible
    login(client, admin)
    for _ in range(5):
        enrollment = submit(profile, admin, django_capture_on_commit_callbacks)
        services.enrollment_reject(enrollment_id=enrollment.pk, actor=admin, reason="again")
    with django_assert_max_num_queries(20):
        assert client.get(ENROLL).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("enrollment:incentives")).status_code == 200


def test_the_timeline_reads_the_events_with_who_and_why(client, eligible, django_capture_on_commit_callbacks):
    profile, admin = eligible
    submit(profile, admin, django_capture_on_commit_callbacks)  # immediate policy: the job approves
    timeline = login(client, admin).get(ENROLL).context["history"]
    assert [e.kind for e in timeline] == ["enrollment.submitted", "enrollment.approved"]
    body = client.get(ENROLL).content.decode()
    section = body[body.index('data-testid="enrollment-timeline"') :]
    assert 'data-event="enrollment.submitted">Enrollment submitted<' in section
    # Who and a human note, never the label of the button that was clicked.
    assert admin.email in section and "The approval email goes to the primary contact" in section
    assert "Enroll now" not in section
    assert 'data-event="enrollment.approved">Enrollment approved<' in section
    assert "Partner Center, automatically" in section


def test_the_timeline_names_staff_and_their_reason(
    client, eligible, manual_policy, django_capture_on_commit_callbacks
):
    profile, admin = eligible
    enrollment = submit(profile, admin, django_capture_on_commit_callbacks)
    services.enrollment_reject(enrollment_id=enrollment.pk, actor=None, reason="MPN ID does not match")
    body = login(client, admin).get(ENROLL).content.decode()
    section = body[body.index('data-testid="enrollment-timeline"') :]
    assert "Enrollment rejected" in section and "Partner Center" in section
    assert "MPN ID does not match" in section
    assert "automatically" not in section


@pytest.mark.parametrize(
    "kwargs,offered",
    [
        ({}, True),
        ({"role": Role.SALES_AGENT}, True),  # R3 is about the partner; the page then says who may enroll
        ({"confirmed": False}, True),  # R2 is checked on the enrollment page, not before offering it
        ({"offboarding": False}, False),
        ({"programs": ()}, False),
        ({"programs": (Program.DIRECT_BILL, Program.INDIRECT_RESELLER)}, False),
    ],
    ids=["identified", "other-role", "unconfirmed", "R3-not-identified", "R3-not-direct-bill", "R6-already"],
)
def test_R3_overview_offers_enrollment_only_to_identified_direct_bill_partners(client, kwargs, offered):
    programs = kwargs.pop("programs", (Program.DIRECT_BILL,))
    profile, user = make_partner(*programs, **{"offboarding": True, "confirmed": True, **kwargs})
    body = login(client, user).get("/").content.decode()
    assert ("Become an indirect reseller" in body) is offered


def test_R3_overview_shows_the_status_not_the_offer_once_enrolled(
    client, eligible, manual_policy, django_capture_on_commit_callbacks
):
    profile, admin = eligible
    submit(profile, admin, django_capture_on_commit_callbacks)
    body = login(client, admin).get("/").content.decode()
    assert "Become an indirect reseller" not in body and "See enrollment status" in body


def test_R6_accepting_the_agreement_twice_is_news_not_an_error(
    client, eligible, django_capture_on_commit_callbacks
):
    profile, admin = eligible
    submit(profile, admin, django_capture_on_commit_callbacks)
    activate(profile, admin, django_capture_on_commit_callbacks)
    response = login(client, admin).post(reverse("enrollment:accept_agreement"), follow=True)
    body = response.content.decode()
    assert 'alert-info">The indirect reseller agreement is already accepted.<' in body
    assert Enrollment.objects.get().state == EnrollmentState.ACTIVE
