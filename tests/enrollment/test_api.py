"""The enrollment API (SPEC §6): the whole journey, 403/409 with the error body, agreement status."""

import pytest

from enrollment.models import Enrollment, EnrollmentState
from partnercenter.models import SentEmail
from tenants.models import Program, Role
from tests.factories import CustomerTenantFactory, UserFactory, make_partner

pytestmark = pytest.mark.django_db

URL = "/v1/enrollments/indirectreseller"
AGREEMENT = "/v1/enrollments/indirectreseller/agreement"
STATUS = "/v1/compliance/csp/agreementstatus"


def test_the_journey_through_the_api(eligible, api_client_for, django_capture_on_commit_callbacks):
    profile, admin = eligible
    api = api_client_for(admin)
    body = api.get(URL).json()
    assert body["status"] == "none" and body["canEnroll"] is True and body["eligibilityReasons"] == []
    assert body["mpnId"] == profile.mpn_id and body["defaultDomain"] == profile.tenant.default_domain
    assert api.get(STATUS, {"mpnId": profile.mpn_id}).json() == {"isAgreementSigned": False}

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(URL)
    assert response.status_code == 201, response.content
    # immediate policy: the approval job ran after commit
    assert api.get(URL).json()["status"] == EnrollmentState.APPROVED
    assert SentEmail.objects.filter(kind="enrollment.approved", to=profile.primary_contact_email).count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(AGREEMENT)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "active" and body["activatedAt"]
    assert [h["to"] for h in body["history"]] == ["pending_approval", "approved", "active"]
    assert body["eligibilityReasons"][0]["rule"] == "R6"

    legal = api.get("/v1/profiles/legalbusiness").json()
    programs = {p["program"] for p in legal["portal"]["programs"]}
    assert programs == {Program.DIRECT_BILL, Program.INDIRECT_RESELLER}
    assert api.get(STATUS, {"mpnId": profile.mpn_id}).json() == {"isAgreementSigned": True}
    assert api.get(STATUS, {"tenantId": str(profile.tenant_id)}).json() == {"isAgreementSigned": True}


def test_R1_enroll_now_by_another_role_is_403_with_the_error_body(eligible, sales_agent, api_client_for):
    response = api_client_for(sales_agent).post(URL)
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == 403 and "global admin" in body["description"]
    assert body["data"][0] == {
        "rule": "R1",
        "code": "not_global_admin",
        "description": body["data"][0]["description"],
    }
    assert not Enrollment.objects.exists()


def test_not_eligible_is_409_with_every_reason(api_client_for):
    profile, admin = make_partner(Program.DIRECT_BILL, offboarding=False, confirmed=False)
    api = api_client_for(admin)
    response = api.post(URL)
    assert response.status_code == 409
    body = response.json()
    assert set(body) == {"code", "description", "data", "source", "reason"}
    assert [r["code"] for r in body["data"]] == ["not_identified_for_offboarding", "profile_not_confirmed"]
    assert [r["rule"] for r in body["data"]] == ["R3", "R2"]
    # the same reasons as GET shows
    assert api.get(URL).json()["eligibilityReasons"] == body["data"]
    assert not Enrollment.objects.exists()


def test_already_open_is_409(eligible, manual_policy, api_client_for, django_capture_on_commit_callbacks):
    _profile, admin = eligible
    api = api_client_for(admin)
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(URL).status_code == 201
    response = api.post(URL)
    assert response.status_code == 409
    assert response.json()["data"][0]["code"] == "enrollment_open"
    assert Enrollment.objects.count() == 1


def test_R5_agreement_is_409_unless_approved(
    eligible, manual_policy, api_client_for, django_capture_on_commit_callbacks
):
    _profile, admin = eligible
    api = api_client_for(admin)
    assert api.post(AGREEMENT).status_code == 409
    with django_capture_on_commit_callbacks(execute=True):
        api.post(URL)
    response = api.post(AGREEMENT)
    assert response.status_code == 409
    assert response.json()["code"] == 409
    assert Enrollment.objects.get().state == EnrollmentState.PENDING_APPROVAL


def test_R1_agreement_by_another_role_is_403(
    eligible, sales_agent, api_client_for, django_capture_on_commit_callbacks
):
    _profile, admin = eligible
    with django_capture_on_commit_callbacks(execute=True):
        api_client_for(admin).post(URL)
    response = api_client_for(sales_agent).post(AGREEMENT)
    assert response.status_code == 403
    assert Enrollment.objects.get().state == EnrollmentState.APPROVED


def test_agreement_status_errors(api_client_for, eligible):
    _profile, admin = eligible
    api = api_client_for(admin)
    assert api.get(STATUS).status_code == 400
    assert api.get(STATUS, {"mpnId": "abc"}).status_code == 400
    assert api.get(STATUS, {"tenantId": "not-a-uuid"}).status_code == 400
    missing = api.get(STATUS, {"mpnId": "9999999"})
    assert missing.status_code == 404 and missing.json()["code"] == 3000


def test_a_customer_tenant_has_no_enrollment(api_client_for):
    user = UserFactory(tenant=CustomerTenantFactory(), role=Role.GLOBAL_ADMIN)
    api = api_client_for(user)
    assert api.get(URL).status_code == 404
    assert api.post(URL).status_code == 403  # a refused action (SPEC §10), not a missing object
    assert not Enrollment.objects.exists()


def test_the_api_needs_a_token():
    from rest_framework.test import APIClient

    assert APIClient().get(URL).status_code in (401, 403)
    assert APIClient().post(URL).status_code in (401, 403)


def test_the_schema_documents_the_endpoints_without_warnings():
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    for path in [URL, AGREEMENT, STATUS]:
        assert path in schema["paths"]
    assert {"201", "403", "409"} <= set(schema["paths"][URL]["post"]["responses"])
    problems = [m for m in [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache] if "enrollment" in m]
    assert problems == []


def test_history_items_come_from_the_events(
    eligible, manual_policy, api_client_for, django_capture_on_commit_callbacks
):
    from enrollment import services

    profile, admin = eligible
    api = api_client_for(admin)
    with django_capture_on_commit_callbacks(execute=True):
        api.post(URL)
    enrollment = Enrollment.objects.get()
    services.enrollment_reject(enrollment_id=enrollment.pk, actor=None, reason="MPN ID does not match")
    history = api.get(URL).json()["history"]
    assert [{k: h[k] for k in ("from", "to", "by", "reason")} for h in history] == [
        {"from": "", "to": "pending_approval", "by": admin.email, "reason": "Enroll now"},
        {"from": "pending_approval", "to": "rejected", "by": "system", "reason": "MPN ID does not match"},
    ]
    assert all(h["at"] for h in history)
