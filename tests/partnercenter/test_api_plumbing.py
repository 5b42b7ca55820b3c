"""The shared API plumbing: SPEC §6 error bodies for every kind of error, and Partner Center paging."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from partnercenter.api import error_body, exception_handler, page_body, page_slice
from partnercenter.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from tenants.models import Tenant
from tests.factories import TenantFactory

pytestmark = pytest.mark.django_db

factory = APIRequestFactory()


def handle(exc):
    return exception_handler(exc, {"view": None, "request": None})


def assert_body(response, status, code):
    assert response.status_code == status
    assert set(response.data) == {"code", "description", "data", "source", "reason"}
    assert response.data["code"] == code
    assert isinstance(response.data["description"], str) and response.data["description"]
    assert isinstance(response.data["data"], list)
    return response.data


def test_error_body_shape():
    assert error_body(3000, "Unknown", None, status=404) == {
        "code": 3000,
        "description": "Unknown",
        "data": [],
        "source": "PartnerFD",
        "reason": "not_found",
    }
    assert (
        error_body(400, "Bad", ["x"], reason="orders.bad_billing_cycle")["reason"]
        == "orders.bad_billing_cycle"
    )


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (DomainError("Not valid.", code=800015, status=400), 400, 800015),
        (Forbidden("Only a global admin.", rule="R1"), 403, 403),
        (NotFound(), 404, 404),
        (Conflict("Already open.", rule="R2"), 409, 409),
        (Http404(), 404, 404),
        (PermissionDenied("no"), 403, 403),
        (exceptions.NotAuthenticated(), 401, 401),
        (exceptions.MethodNotAllowed("PUT"), 405, 405),
        (exceptions.Throttled(wait=30), 429, 429),
        (exceptions.ParseError(), 400, 400),
    ],
)
def test_every_error_answers_the_error_body(exc, status, code):
    assert_body(handle(exc), status, code)


def test_domain_error_description_names_the_rule():
    body = assert_body(handle(Forbidden("Only a global admin can enroll.", rule="R1")), 403, 403)
    assert body["description"] == "Only a global admin can enroll. (R1)"


def test_throttled_keeps_retry_after():
    assert handle(exceptions.Throttled(wait=30))["Retry-After"] == "30"


def test_validation_errors_list_fields_in_data():
    class S(serializers.Serializer):
        email = serializers.EmailField()
        items = serializers.ListField(child=serializers.DictField(child=serializers.IntegerField()))

    s = S(data={"email": "nope", "items": [{"a": "x"}]})
    assert not s.is_valid()
    body = assert_body(handle(exceptions.ValidationError(s.errors)), 400, 400)
    fields = {item["field"] for item in body["data"]}
    assert fields == {"email", "items"}
    assert "email: Enter a valid email address." in body["description"]
    import json

    json.dumps(body)  # plain JSON, no lazy strings or ErrorDetail objects


def test_list_validation_error_and_django_validation_error():
    assert_body(handle(exceptions.ValidationError(["a", "b"])), 400, 400)
    body = assert_body(handle(DjangoValidationError({"mpn_id": ["6 or 7 digits"]})), 400, 400)
    assert body["data"] == [{"field": "mpn_id", "messages": ["6 or 7 digits"]}]
    assert_body(handle(DjangoValidationError("plain")), 400, 400)


def test_invalid_input_lists_its_fields():
    body = assert_body(handle(InvalidInput(fields={"name": ["Give the key a name."]})), 400, 400)
    assert body["data"] == [{"field": "name", "messages": ["Give the key a name."]}]


def test_unexpected_error_is_a_500_body_not_a_traceback(caplog):
    body = assert_body(handle(ZeroDivisionError("oops")), 500, 500)
    assert "oops" not in body["description"]
    assert "unhandled API error" in caplog.text


def request(path="/v1/customers", **params):
    return Request(factory.get(path, params))


def test_page_slice_walks_all_rows_once():
    created = {TenantFactory().pk for _ in range(7)}
    seen, token, pages = [], None, 0
    while True:
        params = {"size": 3}
        if token:
            params["continuationToken"] = token
        items, total, token = page_slice(request(**params), Tenant.objects.all())
        assert total == 7
        seen += [t.pk for t in items]
        pages += 1
        if not token:
            break
    assert pages == 3 and len(seen) == 7 and set(seen) == created


def test_page_slice_default_size_and_the_next_link(settings):
    settings.PAGE_SIZE = 2
    for _ in range(3):
        TenantFactory()
    req = request(filter="x")
    items, total, token = page_slice(req, Tenant.objects.order_by("display_name"))
    body = page_body(req, [str(t.pk) for t in items], total, token)
    assert body["totalCount"] == 3 and len(body["items"]) == 2
    assert body["continuationToken"] == token
    assert body["links"]["next"]["uri"].startswith("/v1/customers?filter=x&continuationToken=")
    assert body["links"]["next"]["headers"] == [{"key": "MS-ContinuationToken", "value": token}]


def test_page_slice_reads_the_token_from_the_header():
    for _ in range(3):
        TenantFactory()
    _items, _total, token = page_slice(request(size=2), Tenant.objects.all())
    req = Request(factory.get("/v1/customers", {"size": 2}, HTTP_MS_CONTINUATIONTOKEN=token))
    items, _total, next_token = page_slice(req, Tenant.objects.all())
    assert len(items) == 1 and next_token is None


@pytest.mark.parametrize("size", ["0", "-1", "501", "abc", "1.5"])
def test_page_slice_refuses_a_bad_size(size):
    with pytest.raises(DomainError) as excinfo:
        page_slice(request(size=size), Tenant.objects.all())
    assert excinfo.value.status == 400


def test_page_slice_refuses_a_tampered_or_foreign_token():
    for _ in range(3):
        TenantFactory()
    _items, _total, token = page_slice(request(size=1), Tenant.objects.all())
    for bad in [token + "x", "abc", token.replace("1", "2", 1)]:
        with pytest.raises(DomainError):
            page_slice(request(size=1, continuationToken=bad), Tenant.objects.all())
    # a token from another list does not page this one
    with pytest.raises(DomainError):
        page_slice(request(path="/v1/offers", size=1, continuationToken=token), Tenant.objects.all())


def test_page_slice_accepts_a_plain_list():
    items, total, token = page_slice(request(size=2), [1, 2, 3])
    assert items == [1, 2] and total == 3 and token


def test_page_slice_costs_two_queries(django_assert_num_queries):
    for _ in range(5):
        TenantFactory()
    with django_assert_num_queries(2):
        page_slice(request(size=2), Tenant.objects.all())


def test_domain_error_data_keeps_json_types():
    exc = DomainError(
        "Not eligible.", code=409, status=409, data=[{"rule": "R3", "count": 2, "ok": False, "x": None}]
    )
    body = assert_body(handle(exc), 409, 409)
    assert body["data"] == [{"rule": "R3", "count": 2, "ok": False, "x": None}]
