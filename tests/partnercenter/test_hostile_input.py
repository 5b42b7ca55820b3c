"""Input no view should see answers a clear 400 and changes nothing, never a 500: NUL characters in the
query string, a form or a JSON body, and JSON nested deeper than any real body."""

import json

import pytest

from partnercenter.models import Event
from tests.factories import make_direct_bill_partner, make_provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def reseller():
    profile, user = make_direct_bill_partner()
    return user


def test_a_nul_in_an_api_query_answers_400_with_the_error_body(reseller, api_client_for):
    response = api_client_for(reseller).get(
        "/v1/customers", {"filter": '{"Field":"CompanyName","Value":"a\x00b","Operator":"starts_with"}'}
    )
    assert response.status_code == 400
    assert response.json()["code"] == 400 and "NUL" in response.json()["description"]


def test_a_nul_in_a_page_query_or_form_answers_the_400_page(reseller, client):
    client.force_login(reseller)
    page = client.get("/customers/", {"q": "con\x00toso"})
    assert page.status_code == 400 and b"NUL character" in page.content
    before = Event.objects.count()
    posted = client.post("/api-keys/", {"name": "key\x00"})
    assert posted.status_code == 400 and Event.objects.count() == before


def test_deeply_nested_json_answers_400_not_a_recursion_error(api_client_for):
    _provider, admin = make_provider()
    body = '{"email": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = api_client_for(admin).post("/v1/partnerinvitations", body, content_type="application/json")
    assert (
        response.status_code == 400
        and response.json()["description"] == "The JSON body is nested too deeply."
    )
    moderately = {"email": json.loads("[" * 40 + "]" * 40)}
    response = api_client_for(admin).post("/v1/partnerinvitations", moderately, format="json")
    assert response.status_code == 400 and "nested too deeply" in response.json()["description"]


def test_a_nul_in_a_json_string_answers_400(api_client_for):
    _provider, admin = make_provider()
    response = api_client_for(admin).post(
        "/v1/partnerinvitations", {"email": "a\x00@b.example"}, format="json"
    )
    assert response.status_code == 400 and "NUL" in response.json()["description"]
