"""The same fuzzing as tests/partnercenter/test_api_fuzz.py, over HTTP against the live test server (a real
socket, the server's own thread and database connection), with fewer examples: every operation of
/v1/schema, as an indirect reseller and as an indirect provider, must answer no 5xx and match its schema."""

from __future__ import annotations

import pytest
from hypothesis import strategies as st

from tenants.services import api_token_create
from tests.partnercenter.test_api_fuzz import CHECKS, FUZZ, _ids, schema
from tests.partnercenter.worlds import make_world

pytestmark = pytest.mark.e2e
LIVE = FUZZ.__class__(FUZZ, max_examples=5)


def _call(case, data, base_url, key, ids):
    for name in case.path_parameters or {}:
        known = ids.get(name) or []
        if known and data.draw(st.booleans(), label=f"own {name}"):
            case.path_parameters[name] = data.draw(st.sampled_from(known), label=name)
    case.call_and_validate(base_url=base_url, headers={"Authorization": f"Bearer {key}"}, checks=CHECKS)


@pytest.fixture
def live_reseller(live_server):
    world = make_world()
    return (
        live_server.url,
        api_token_create(user=world.reseller_user, name="fuzz")[1],
        _ids(world, world.customer_invitation),
    )


@pytest.fixture
def live_provider(live_server):
    world = make_world()
    return (
        live_server.url,
        api_token_create(user=world.provider_user, name="fuzz")[1],
        _ids(world, world.partner_invitation),
    )


@schema.parametrize()
@schema.given(data=st.data())
@LIVE
def test_every_operation_over_http_as_an_indirect_reseller(case, data, live_reseller):
    _call(case, data, *live_reseller)


@schema.parametrize()
@schema.given(data=st.data())
@LIVE
def test_every_operation_over_http_as_an_indirect_provider(case, data, live_provider):
    _call(case, data, *live_provider)
