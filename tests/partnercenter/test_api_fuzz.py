"""Every operation of the OpenAPI document, fuzzed by schemathesis through the whole Django stack (the WSGI
application: every middleware, authentication, the parsers and the error handler), signed in once as an
indirect reseller and once as an indirect provider. Each answer must be no 5xx and must match the schema
the document declares for its status (`{"code", "description", "data", "source", "reason"}` for errors).

Bounded and deterministic: a fixed number of examples per operation, derandomized. Path ids are drawn
either by schemathesis (unknown ids: 404) or from the signed-in partner's own customers, subscriptions,
users and invitations, so the handlers behind the 404 are fuzzed too.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tenants.services import api_token_create
from tests.partnercenter.worlds import World, make_world

# The same generator that serves /v1/schema (test_the_fuzzed_document_is_the_served_one checks it).
SCHEMA = SchemaGenerator().get_schema(request=None, public=True)
schema = schemathesis.openapi.from_dict(SCHEMA)

CHECKS = [not_a_server_error, response_schema_conformance]
FUZZ = settings(
    max_examples=20,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def wsgi_app(db):
    """The real WSGI application. Like Django's test client, keep the request signals from closing the
    test's database connection (it holds the test transaction that is rolled back afterwards)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _ids(world: World, invitation) -> dict[str, list[str]]:
    return {
        "customer_id": [str(c.id) for c in world.customers],
        "subscription_id": [str(world.subscription.pk)],
        "user_id": [str(world.customer_user.pk)],
        "invitation_id": [str(invitation.pk)],
    }


def _run(case, data, app, key, ids):
    # Half the time the partner's own ids, so the code behind the 404 is fuzzed as well.
    for name in case.path_parameters or {}:
        known = ids.get(name) or []
        if known and data.draw(st.booleans(), label=f"own {name}"):
            case.path_parameters[name] = data.draw(st.sampled_from(known), label=name)
    case.call_and_validate(app=app, headers={"Authorization": f"Bearer {key}"}, checks=CHECKS)


@pytest.fixture
def as_reseller(wsgi_app):
    world = make_world()
    key = api_token_create(user=world.reseller_user, name="fuzz")[1]
    return key, _ids(world, world.customer_invitation)


@pytest.fixture
def as_provider(wsgi_app):
    world = make_world()
    key = api_token_create(user=world.provider_user, name="fuzz")[1]
    return key, _ids(world, world.partner_invitation)


@schema.parametrize()
@schema.given(data=st.data())
@FUZZ
def test_every_operation_as_an_indirect_reseller(case, data, wsgi_app, as_reseller):
    _run(case, data, wsgi_app, *as_reseller)


@schema.parametrize()
@schema.given(data=st.data())
@FUZZ
def test_every_operation_as_an_indirect_provider(case, data, wsgi_app, as_provider):
    _run(case, data, wsgi_app, *as_provider)


def test_the_fuzzed_document_is_the_served_one(db):
    served = Client().get("/v1/schema", {"format": "json"})
    assert served.status_code == 200
    assert served.json()["paths"].keys() == SCHEMA["paths"].keys()
    assert len(SCHEMA["paths"]) >= 20
