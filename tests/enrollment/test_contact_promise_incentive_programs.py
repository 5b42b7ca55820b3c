"""Issue 10's rule gaps: the primary contact specified on the enrollment form (R2) and the approval email to
it (R4), the 5-business-day approval promise under every policy (R4), and enrolling in direct-bill incentive
programs separately from the indirect reseller incentives (R19)."""

import datetime as dt

import pytest
from django.urls import reverse

from enrollment import services
from enrollment.models import (
    Enrollment,
    IncentiveInvitation,
    IncentiveProgram,
    IncentiveProgramEnrollment,
)
from partnercenter import clock, events
from partnercenter.errors import Conflict, DomainError, Forbidden, NotFound
from partnercenter.models import Event, SentEmail
from tenants.models import Program, User
from tests.enrollment.helpers import approve, submit
from tests.factories import make_direct_bill_partner, make_partner

pytestmark = pytest.mark.django_db

ENROLL = "/enrollment/"
API = "/v1/enrollments/indirectreseller"
FORM_CONTACT = "enrollment-contact@example.com"
WEDNESDAY = dt.datetime(2026, 3, 11, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def ops(client):
    user = User.objects.create_superuser(email="ops@example.com", password="x-ops-password-1")
    client.force_login(user)
    return client


# --- R2: the primary contact is specified on the enrollment form ---------------------------------------


def test_R2_the_form_offers_the_primary_contact_prefilled_from_the_profile(client, eligible):
    profile, admin = eligible
    client.force_login(admin)
    response = client.get(ENROLL)
    field = response.context["form"]["primary_contact_email"]
    assert field.value() == profile.primary_contact_email
    body = response.content.decode()
    assert 'name="primary_contact_email"' in body and f'value="{profile.primary_contact_email}"' in body


def test_R2_the_primary_contact_specified_on_the_form_is_stored(
    client, eligible, manual_policy, django_capture_on_commit_callbacks
):
    profile, admin = eligible
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ENROLL, {"acknowledge": "on", "primary_contact_email": f" {FORM_CONTACT} "})
    assert response.status_code == 302
    enrollment = Enrollment.objects.get(partner=profile)
    assert enrollment.primary_contact_email == FORM_CONTACT
    profile.refresh_from_db()
    assert profile.primary_contact_email != FORM_CONTACT  # the form's contact, not a profile edit
    submitted = events.for_object(enrollment).first()
    assert submitted.payload["primaryContactEmail"] == FORM_CONTACT
    body = client.get(ENROLL).content.decode()
    assert FORM_CONTACT in body


@pytest.mark.parametrize("value", ["", "not-an-email", "a@b@example.com"])
def test_R2_a_missing_or_invalid_primary_contact_is_refused_and_nothing_changes(client, eligible, value):
    profile, admin = eligible
    client.force_login(admin)
    response = client.post(ENROLL, {"acknowledge": "on", "primary_contact_email": value})
    assert response.status_code == 400
    assert 'id="id_primary_contact_email_error"' in response.content.decode()
    assert not Enrollment.objects.exists()


def test_R2_the_service_refuses_an_invalid_primary_contact_with_its_reason(eligible):
    profile, admin = eligible
    with pytest.raises(DomainError) as exc:
        services.enrollment_submit(profile=profile, user=admin, primary_contact_email="nobody")
    assert (exc.value.reason, exc.value.status, exc.value.rule) == (
        services.INVALID_PRIMARY_CONTACT_REASON,
        400,
        "R2",
    )
    assert not Enrollment.objects.exists()


def test_R2_the_api_takes_the_primary_contact_from_the_request(
    eligible, manual_policy, api_client_for, django_capture_on_commit_callbacks
):
    profile, admin = eligible
    api = api_client_for(admin)
    bad = api.post(API, {"primaryContactEmail": "nope"}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == 400
    bad = api.post(API, {"primaryContactEmail": 42}, format="json")
    assert bad.status_code == 400
    assert not Enrollment.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(API, {"primaryContactEmail": FORM_CONTACT}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["primaryContactEmail"] == FORM_CONTACT
    assert Enrollment.objects.get().primary_contact_email == FORM_CONTACT


def test_R2_without_primaryContactEmail_the_api_uses_the_profiles(
    eligible, manual_policy, api_client_for, django_capture_on_commit_callbacks
):
    profile, admin = eligible
    with django_capture_on_commit_callbacks(execute=True):
        assert api_client_for(admin).post(API).status_code == 201
    assert Enrollment.objects.get().primary_contact_email == profile.primary_contact_email


def test_R2_the_openapi_documents_primaryContactEmail():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    body = schema["paths"][API]["post"]["requestBody"]["content"]["application/json"]["schema"]
    name = body["$ref"].rsplit("/", 1)[-1]
    properties = schema["components"]["schemas"][name]["properties"]
    assert properties["primaryContactEmail"]["format"] == "email"
    assert "400" in schema["paths"][API]["post"]["responses"]


# --- R4: the approval email goes to the primary contact from the enrollment form --------------------------


def test_R4_the_approval_email_goes_to_the_primary_contact_from_the_enrollment_form(
    eligible, manual_policy, django_capture_on_commit_callbacks
):
    profile, admin = eligible
    with django_capture_on_commit_callbacks(execute=True):
        enrollment = services.enrollment_submit(
            profile=profile, user=admin, primary_contact_email=FORM_CONTACT
        )
    # The profile's contact changes after enrolling: the email still goes to the one on the form.
    profile.primary_contact_email = "someone-else@example.com"
    profile.save(update_fields=["primary_contact_email"])
    approve(enrollment, None, django_capture_on_commit_callbacks)
    (email,) = SentEmail.objects.filter(kind="enrollment.approved")
    assert email.to == FORM_CONTACT


# --- R4: the 5-business-day promise ------------------------------------------------------------------------


@pytest.mark.parametrize("policy", ["immediate", "business_days:2", "manual"])
def test_R4_the_promise_is_submitted_plus_5_business_days_under_every_policy(
    eligible, settings, policy, django_capture_on_commit_callbacks
):
    settings.ENROLLMENT_APPROVAL_POLICY = policy
    profile, admin = eligible
    friday = dt.datetime(2026, 3, 13, 10, 0, tzinfo=dt.UTC)
    with clock.frozen_at(friday):
        enrollment = submit(profile, admin, django_capture_on_commit_callbacks)
    assert enrollment.approval_promised_at == dt.datetime(2026, 3, 20, 10, 0, tzinfo=dt.UTC)
    assert enrollment.approval_promised_at == clock.add_business_days(friday, 5)


def test_R4_the_partner_sees_the_promised_date_on_the_enrollment_page_and_in_program_info(
    client, eligible, manual_policy, django_capture_on_commit_callbacks
):
    profile, admin = eligible
    client.force_login(admin)
    with clock.frozen_at(WEDNESDAY):
        submit(profile, admin, django_capture_on_commit_callbacks)
        page = client.get(ENROLL).content.decode()
        info = client.get("/profile/").content.decode()
    assert 'data-testid="approval-promise">March 18, 2026' in page
    assert 'data-testid="past-promise"' not in page
    assert "Approval promised by March 18, 2026." in info
    with clock.frozen_at(WEDNESDAY + dt.timedelta(days=8)):
        page = client.get(ENROLL).content.decode()
        info = client.get("/profile/").content.decode()
    assert 'data-testid="past-promise"' in page
    assert "taking longer than promised" in info


def test_R4_ops_filter_enrollments_near_or_past_the_promise(
    ops, manual_policy, django_capture_on_commit_callbacks
):
    def enroll_at(moment):
        profile, admin = make_direct_bill_partner(offboarding=True, confirmed=True)
        with clock.frozen_at(moment):
            return submit(profile, admin, django_capture_on_commit_callbacks)

    overdue = enroll_at(dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC))  # promised Tue 10th 09:00
    due_soon = enroll_at(dt.datetime(2026, 3, 4, 13, 0, tzinfo=dt.UTC))  # promised Wed 11th 13:00
    fresh = enroll_at(dt.datetime(2026, 3, 11, 9, 0, tzinfo=dt.UTC))  # promised Wed 18th
    decided = enroll_at(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))
    approve(decided, None, django_capture_on_commit_callbacks)  # not pending: never in the promise filter

    url = reverse("admin:enrollment_enrollment_changelist")
    with clock.frozen_at(WEDNESDAY):
        listed = {
            value: {e.pk for e in ops.get(url, {"promise": value}).context["cl"].result_list}
            for value in ["overdue", "due_soon"]
        }
        everything = ops.get(url)
    assert listed == {"overdue": {overdue.pk}, "due_soon": {due_soon.pk}}
    body = everything.content.decode()
    assert "Approval promise" in body and "Past the promise" in body and "Due within 1 business day" in body
    assert body.count('data-overdue="1"') == 1
    assert {e.pk for e in everything.context["cl"].result_list} == {
        overdue.pk,
        due_soon.pk,
        fresh.pk,
        decided.pk,
    }


# --- R19: direct-bill incentive programs are enrolled in and managed separately --------------------------


@pytest.fixture
def catalog():
    services.incentive_catalog_ensure()
    return IncentiveProgram.objects.get(code="csp-direct-bill-core")


def test_R19_a_direct_bill_global_admin_enrolls_in_a_direct_bill_incentive_program(client, eligible, catalog):
    profile, admin = eligible
    client.force_login(admin)
    url = reverse("enrollment:incentive_program_enroll", args=[catalog.pk])
    body = client.get(reverse("enrollment:incentives")).content.decode()
    assert f'action="{url}"' in body
    response = client.post(url, follow=True)
    body = response.content.decode()
    assert "You enrolled in the direct-bill incentive program." in body
    assert f'action="{url}"' not in body and "Enrolled" in body
    row = IncentiveProgramEnrollment.objects.get()
    assert (row.partner, row.program, row.enrolled_by) == (profile, catalog, admin)
    (event,) = Event.objects.filter(kind="incentive_program.enrolled")
    assert (event.actor, event.payload["program"]) == (admin, catalog.code)
    # Managed separately: the indirect reseller incentives are untouched.
    assert not IncentiveInvitation.objects.exists()
    # Once per program.
    with pytest.raises(Conflict) as exc:
        services.incentive_program_enroll(profile=profile, user=admin, program_id=catalog.pk)
    assert exc.value.reason == "enrollment.incentive_program_already_enrolled"
    assert IncentiveProgramEnrollment.objects.count() == 1


def test_R19_R1_only_the_global_admin_enrolls_in_a_direct_bill_incentive_program(
    client, eligible, sales_agent, catalog
):
    profile, _admin = eligible
    with pytest.raises(Forbidden) as exc:
        services.incentive_program_enroll(profile=profile, user=sales_agent, program_id=catalog.pk)
    assert (exc.value.reason, exc.value.rule) == ("role.not_global_admin", "R1")
    client.force_login(sales_agent)
    assert "Only a global admin" in client.get(reverse("enrollment:incentives")).content.decode()
    response = client.post(reverse("enrollment:incentive_program_enroll", args=[catalog.pk]))
    assert response.status_code == 403
    assert not IncentiveProgramEnrollment.objects.exists()
    assert not Event.objects.filter(kind="incentive_program.enrolled").exists()


def test_R19_only_programs_open_to_the_partner_can_be_enrolled_in(catalog):
    provider, provider_admin = make_partner(Program.INDIRECT_PROVIDER)
    with pytest.raises(NotFound):
        services.incentive_program_enroll(profile=provider, user=provider_admin, program_id=catalog.pk)
    profile, admin = make_direct_bill_partner()
    IncentiveProgram.objects.filter(pk=catalog.pk).update(is_active=False)
    with pytest.raises(NotFound) as exc:
        services.incentive_program_enroll(profile=profile, user=admin, program_id=catalog.pk)
    assert exc.value.reason == "enrollment.incentive_program_not_found"
    assert not IncentiveProgramEnrollment.objects.exists()
