"""API: both profile endpoints, SPEC §6 error body, bearer tokens, tenant scoping, OpenAPI schema."""

import pytest
import yaml
from rest_framework.test import APIClient

from tenants.api import country_code
from tenants.models import Program
from tenants.services import api_token_create, api_token_revoke, program_join
from tests.factories import CustomerTenantFactory, UserFactory, make_direct_bill_partner, make_provider

pytestmark = pytest.mark.django_db

MPN_URL = "/v1/profiles/mpn"
LEGAL_URL = "/v1/profiles/legalbusiness"


def assert_error_body(response, status: int, code: int | None = None) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "description", "data", "source", "reason"}
    assert isinstance(body["code"], int) and isinstance(body["description"], str) and body["description"]
    assert isinstance(body["data"], list)
    if code is not None:
        assert body["code"] == code
    return body


def test_mpn_lookup_returns_partner_name_and_mpn_id(api_client_for):
    profile, user = make_direct_bill_partner()
    other, _ = make_provider()
    client = api_client_for(user)
    response = client.get(MPN_URL, {"mpnId": other.mpn_id})
    assert response.status_code == 200
    body = response.json()
    assert body["partnerName"] == other.legal_name and body["mpnId"] == other.mpn_id
    assert body["attributes"] == {"objectType": "MpnProfile"}
    # the lookup says nothing else about the other partner
    assert other.primary_contact_email not in response.content.decode()
    own = client.get(MPN_URL).json()
    assert own["mpnId"] == profile.mpn_id and own["partnerName"] == profile.legal_name


@pytest.mark.parametrize("mpn_id", ["9999999", "12", "abcdef", "1" * 40, "١٢٣٤٥٦"])
def test_unknown_mpn_id_answers_404_code_3000(api_client_for, mpn_id):
    _profile, user = make_direct_bill_partner()
    body = assert_error_body(api_client_for(user).get(MPN_URL, {"mpnId": mpn_id}), 404, 3000)
    assert "MPN ID" in body["description"]


def test_legal_business_profile_is_the_callers_own(api_client_for):
    profile, user = make_direct_bill_partner(confirmed=True, offboarding=True)
    program_join(profile=profile, program=Program.INDIRECT_RESELLER)
    make_provider()
    response = api_client_for(user).get(LEGAL_URL)
    assert response.status_code == 200
    body = response.json()
    assert body["companyName"] == profile.legal_name
    assert "legalName" not in body and "addressInformation" not in body and "country" not in body
    assert body["address"]["country"] == "US"  # stored as "United States"
    assert body["primaryContact"] == {
        "firstName": None,
        "lastName": None,
        "email": profile.primary_contact_email,
        "phoneNumber": None,
    }
    assert body["companyApproverAddress"] is None and body["companyApproverEmail"] is None
    assert body["vettingStatus"] == "none"
    assert body["attributes"] == {"objectType": "LegalBusinessProfile"}
    portal = body["portal"]
    assert portal["mpnId"] == profile.mpn_id
    assert portal["tenantId"] == str(profile.tenant_id)
    assert portal["identifiedForDirectBillOffboarding"] is True
    assert portal["detailsConfirmedAt"]
    assert sorted(p["program"] for p in portal["programs"]) == ["direct_bill", "indirect_reseller"]
    assert {p["status"] for p in portal["programs"]} == {"active"}


def test_each_tenant_sees_its_own_legal_business_profile(api_client_for):
    first, first_user = make_direct_bill_partner()
    second, second_user = make_provider()
    assert api_client_for(first_user).get(LEGAL_URL).json()["portal"]["mpnId"] == first.mpn_id
    assert api_client_for(second_user).get(LEGAL_URL).json()["portal"]["mpnId"] == second.mpn_id


def test_customer_tenant_has_no_partner_profile(api_client_for):
    user = UserFactory(tenant=CustomerTenantFactory())
    client = api_client_for(user)
    assert_error_body(client.get(LEGAL_URL), 404, 3000)
    assert_error_body(client.get(MPN_URL), 404, 3000)


@pytest.mark.parametrize("url", [MPN_URL, LEGAL_URL])
def test_no_token_answers_401_with_the_error_body(url):
    response = APIClient().get(url)
    body = assert_error_body(response, 401, 401)
    assert "credentials were not provided" in body["description"]
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "header", ["Bearer not-a-real-token", "Bearer", "Bearer a b", "Bearer \u00ff\u00fe", "Token abc"]
)
def test_invalid_token_answers_401_with_the_error_body(header):
    _profile, _user = make_direct_bill_partner()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert_error_body(client.get(LEGAL_URL), 401, 401)


def test_revoked_token_answers_401():
    _profile, user = make_direct_bill_partner()
    token, key = api_token_create(user=user, name="ci")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get(LEGAL_URL).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    api_token_revoke(user=user, token_id=token.pk)
    body = assert_error_body(client.get(LEGAL_URL), 401, 401)
    assert "revoked" in body["description"]


def test_token_of_a_disabled_user_answers_401(api_client_for):
    _profile, user = make_direct_bill_partner()
    client = api_client_for(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert_error_body(client.get(LEGAL_URL), 401, 401)


def test_session_sign_in_also_works_for_the_browser(client):
    profile, user = make_direct_bill_partner()
    client.force_login(user)
    assert client.get(LEGAL_URL).json()["portal"]["mpnId"] == profile.mpn_id


def test_ops_staff_without_a_tenant_get_403_with_the_error_body(client):
    ops = UserFactory(tenant=None, role="", is_staff=True, is_superuser=True)
    client.force_login(ops)
    body = assert_error_body(client.get(LEGAL_URL), 403, 403)
    assert "partner or customer tenant" in body["description"]


def test_unknown_api_path_and_wrong_method_answer_the_error_body(api_client_for):
    _profile, user = make_direct_bill_partner()
    client = api_client_for(user)
    assert_error_body(client.get("/v1/no-such-thing"), 404, 404)
    assert_error_body(client.post(LEGAL_URL, {}), 405, 405)


def test_schema_endpoint_serves_openapi_with_both_profile_paths(client):
    response = client.get("/v1/schema")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert MPN_URL in schema["paths"] and LEGAL_URL in schema["paths"]
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    mpn_responses = schema["paths"][MPN_URL]["get"]["responses"]
    assert {"200", "401", "404"} <= set(mpn_responses)


def test_docs_page_lists_every_operation_without_needing_a_cdn(client):
    response = client.get("/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Partner Center portal API" in page
    assert f"<code>{MPN_URL}</code>" in page and f"<code>{LEGAL_URL}</code>" in page
    assert "Authorization: Bearer &lt;key&gt;" in page
    assert 'id="schema-LegalBusinessProfile"' in page and "<code>mpnId</code>" in page
    assert "cdn." not in page
    schema = yaml.safe_load(client.get("/v1/schema").content)
    operation_count = sum(
        1
        for methods in schema["paths"].values()
        for m in methods
        if m in ("get", "post", "put", "patch", "delete")
    )
    assert page.count('data-testid="api-operation"') == operation_count


def test_swagger_ui_is_still_served_for_networks_that_reach_its_cdn(client):
    assert client.get("/v1/swagger").status_code == 200


def test_schema_generation_has_no_errors_or_warnings():
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


@pytest.mark.parametrize(
    ("stored", "code"),
    [
        ("United States", "US"),
        ("  united   states ", "US"),
        ("USA", "US"),
        ("US", "US"),
        ("de", "DE"),
        ("Germany", "DE"),
        ("Korea", "KR"),
        ("United Kingdom", "GB"),
        ("UK", "GB"),
        ("Atlantis", None),
        ("XX", None),
        ("", None),
        (None, None),
    ],
)
def test_country_code_maps_stored_names_to_iso_codes(stored, code):
    assert country_code(stored) == code
