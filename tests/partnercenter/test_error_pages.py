"""Error pages: readable HTML for pages, SPEC §6's JSON body for /v1/ paths, never a traceback."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from partnercenter import views
from partnercenter.errors import Forbidden

pytestmark = pytest.mark.django_db

rf = RequestFactory()


def test_server_error_page_is_readable_without_the_request_context():
    response = views.server_error(rf.get("/profile/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page and "Go to Overview" in page


def test_server_error_on_an_api_path_is_the_error_body():
    response = views.server_error(rf.get("/v1/customers"))
    assert response.status_code == 500
    import json

    body = json.loads(response.content)
    assert body["code"] == 500 and body["data"] == [] and body["description"]


def test_forbidden_domain_error_shows_its_reason_in_plain_words_on_the_403_page(client):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/enrollment/")
    request.user = AnonymousUser()
    response = views.permission_denied(request, Forbidden("Only a global admin can enroll.", rule="R1"))
    assert response.status_code == 403
    assert "Only a global admin can enroll." in response.content.decode()
    assert "(R1)" not in response.content.decode()  # rule numbers are for the API and ops, not pages


def test_permission_denied_on_an_api_path_is_the_error_body():
    response = views.permission_denied(rf.get("/v1/customers"), PermissionDenied("Not yours."))
    assert response.status_code == 403 and b'"code": 403' in response.content


def test_bad_request_page(client):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/x/")
    request.user = AnonymousUser()
    assert views.bad_request(request).status_code == 400
    assert views.bad_request(rf.get("/v1/x")).status_code == 400


def test_csrf_failure_is_a_readable_page(client):
    from django.test import Client

    from tests.factories import make_direct_bill_partner

    _profile, user = make_direct_bill_partner()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    response = strict.post("/profile/confirm/")
    assert response.status_code == 403
    assert "The form was missing its security token or it expired." in response.content.decode()


def test_an_unexpected_page_error_is_the_500_page_not_a_traceback(client, monkeypatch):
    from django.test import Client

    from tenants import views as tenant_views
    from tests.factories import make_direct_bill_partner

    def explode(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(tenant_views.selectors, "api_tokens_for", explode)
    _profile, user = make_direct_bill_partner()
    quiet = Client(raise_request_exception=False)
    quiet.force_login(user)
    response = quiet.get("/api-keys/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page and "secret internals" not in page and "Traceback" not in page


def test_domain_error_middleware_renders_a_refusal_page_and_api_body(rf):
    from django.contrib.auth.models import AnonymousUser

    from partnercenter.errors import Conflict, NotFound
    from partnercenter.middleware import DomainErrorMiddleware

    middleware = DomainErrorMiddleware(lambda request: None)
    request = rf.post("/enrollment/")
    request.user = AnonymousUser()
    response = middleware.process_exception(request, Conflict("An enrollment is already open.", rule="R2"))
    assert response.status_code == 409
    page = response.content.decode()
    assert "An enrollment is already open." in page and "Nothing was changed." in page
    assert "(R2)" not in page

    api = middleware.process_exception(
        rf.post("/v1/enrollments/indirectreseller"), Conflict("Open.", code=409)
    )
    assert api.status_code == 409 and b'"description": "Open."' in api.content
    # 403/404 and other exceptions are left to Django's own handlers
    assert middleware.process_exception(request, NotFound()) is None
    assert middleware.process_exception(request, Forbidden("no", rule="R1")) is None
    assert middleware.process_exception(request, ValueError("x")) is None
