"""Hostile values in the main pages' forms and query parameters (and the API's id fields): Unicode digits
such as `²` (`isdigit()` but not `int()`), thousands of digits, negative and huge numbers, emoji, odd
whitespace, very long strings and other tenants' ids. Never a 5xx; where the input is invalid, nothing
changes (no row, no audit event, no email). NUL characters are covered by test_hostile_input.py."""

from __future__ import annotations

import pytest
from django.core import mail
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from customers.models import CustomerAccount, CustomerInvitation, LicenseAssignment, Order, Subscription
from invitations import services as invitation_services
from invitations.models import PartnerInvitation
from partnercenter.ids import parse_pk
from partnercenter.models import Event
from tenants.models import ApiToken, PartnerProfile, Tenant
from tests.partnercenter.worlds import make_world

pytestmark = pytest.mark.django_db

HOSTILE = settings(
    max_examples=20,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Values no field of these pages accepts as an id, a quantity, an email or an MPN ID.
ODD = [
    "²",
    "1²",
    "²³",
    "¹²³⁴⁵⁶",
    "①",
    "-1",
    "0",
    "-0",
    "+5",
    "1.5",
    "1e5",
    "0x10",
    "9" * 30,
    "9" * 5000,
    "😀",
    "1😀",
    "\u00a0",
    "\u2028",
    "\u200b1",
    "\u202e1",
    " \t\r\n ",
    "x" * 10_000,
    "'; DROP TABLE x;--",
    "<script>alert(1)</script>",
    "{{ 7*7 }}",
    "%00",
    "../../etc/passwd",
    "null",
    "[]",
]
# Any text a browser can send (no surrogates; NUL answers 400 before any view, see test_hostile_input).
TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=60)
HOSTILE_TEXT = st.one_of(st.sampled_from(ODD), TEXT, st.integers().map(str))


@pytest.fixture
def world():
    mine, other = make_world("Mine"), make_world("Other")
    mine.other = other  # another tenant's ids, which must behave as unknown ones
    return mine


def _foreign_ids(world) -> list[str]:
    other = world.other
    return [
        str(other.provider.pk),
        str(other.reseller.pk),
        str(other.provider.tenant_id),
        str(other.reseller.tenant_id),
        str(other.subscription.pk),
        str(other.customer_user.pk),
        str(other.direct.id),
    ]


def _state(world) -> tuple:
    sub = Subscription.objects.get(pk=world.subscription.pk)
    profile = PartnerProfile.objects.get(pk=world.provider.pk)
    invitation = PartnerInvitation.objects.get(pk=world.partner_invitation.pk)
    return (
        Event.objects.count(),
        Tenant.objects.count(),
        CustomerAccount.objects.count(),
        CustomerInvitation.objects.count(),
        PartnerInvitation.objects.count(),
        Order.objects.count(),
        LicenseAssignment.objects.count(),
        ApiToken.objects.filter(revoked_at__isnull=True).count(),
        (sub.quantity, sub.status, sub.auto_renew),
        (profile.legal_name, profile.mpn_id, profile.primary_contact_email, profile.country),
        (invitation.sent_at, invitation.email),
        len(mail.outbox),
    )


def _signed_in(client, user):
    client.force_login(user)
    return client


# ----------------------------------------------------------------------------------- query parameters


READER_PAGES = {
    "/customers/": ["q", "relationship", "provider", "reseller", "cursor", "page"],
    "/customers/invite/": ["provider"],
    "/customers/invitations/": ["page"],
    "/find-a-provider/": ["q", "region", "service", "page"],
    "/indirect-providers/": ["page"],
    "/enrollment/incentives/": ["page"],
}
PROVIDER_PAGES = {
    "/customers/": ["q", "relationship", "reseller", "cursor", "page"],
    "/customers/new/": ["reseller"],
    "/indirect-resellers/": ["page", "q"],
    "/indirect-resellers/invitations/": ["status", "page"],
}


@HOSTILE
@given(data=st.data())
def test_hostile_query_parameters_never_answer_5xx_nor_change_anything(client, world, data):
    as_provider = data.draw(st.booleans(), label="as provider")
    user = world.provider_user if as_provider else world.reseller_user
    pages = PROVIDER_PAGES if as_provider else READER_PAGES
    path = data.draw(st.sampled_from(sorted(pages)), label="path")
    value_of = st.one_of(HOSTILE_TEXT, st.sampled_from(_foreign_ids(world)))
    params = data.draw(st.dictionaries(st.sampled_from(pages[path]), value_of, min_size=1), label="query")
    detail = f"/customers/{world.direct.id}/"
    before = _state(world)
    client = _signed_in(client, user)
    response = client.get(path, params)
    assert response.status_code < 500, (path, params)
    if not as_provider:
        assert client.get(detail, {"users_page": params.popitem()[1]}).status_code < 500
    assert _state(world) == before


def test_unicode_digits_as_provider_or_reseller_answer_a_clear_page(client, world, api_client_for):
    """The probes that found the 500s: `?provider=²` on "Invite new customers", `?reseller=²` on the
    provider's "Create customer"."""
    invite = _signed_in(client, world.reseller_user).get("/customers/invite/", {"provider": "²"})
    assert invite.status_code == 200 and b"not one of your indirect providers" in invite.content
    create = _signed_in(client, world.provider_user).get("/customers/new/", {"reseller": "²"})
    assert create.status_code == 200 and b"not one of your indirect resellers" in create.content
    listed = client.get("/customers/", {"reseller": "²", "provider": "9" * 5000})
    assert listed.status_code == 200
    for provider_id in ("²", "1²", "9" * 5000):
        response = api_client_for(world.reseller_user).post(
            "/v1/customerinvitations", {"providerId": provider_id}, format="json"
        )
        assert response.status_code == 400 and response.json()["code"] == 400
        assert "not one of your indirect providers" in response.json()["description"]


# ----------------------------------------------------------------------------------- forms


@HOSTILE
@given(reseller=HOSTILE_TEXT, company=HOSTILE_TEXT, domain=HOSTILE_TEXT, email=HOSTILE_TEXT)
def test_create_customer_with_a_hostile_reseller_changes_nothing(
    client, world, reseller, company, domain, email
):
    assume(parse_pk(reseller) != world.reseller.pk)  # an id that parses names no reseller of this provider
    before = _state(world)
    response = _signed_in(client, world.provider_user).post(
        "/customers/new/",
        {"reseller": reseller, "company_name": company, "domain_prefix": domain, "contact_email": email},
    )
    assert response.status_code < 500
    assert _state(world) == before


@HOSTILE
@given(data=st.data(), dap=HOSTILE_TEXT)
def test_invite_customers_with_a_hostile_or_foreign_provider_changes_nothing(client, world, data, dap):
    provider = data.draw(st.one_of(HOSTILE_TEXT, st.sampled_from(_foreign_ids(world))), label="provider")
    assume(parse_pk(provider) != world.provider.pk)
    before = _state(world)
    response = _signed_in(client, world.reseller_user).post(
        "/customers/invite/", {"provider": provider, "include_delegated_admin": dap}
    )
    assert response.status_code < 500
    assert _state(world) == before


@HOSTILE
@given(data=st.data())
def test_find_a_provider_and_reseller_requests_with_hostile_values(client, world, data):
    """Find a provider's filters, and the provider's reseller invitation draft with a hostile `to`."""
    before = _state(world)
    params = data.draw(st.dictionaries(st.sampled_from(["q", "region", "service", "page"]), HOSTILE_TEXT))
    assert _signed_in(client, world.reseller_user).get("/find-a-provider/", params).status_code < 500
    to = data.draw(HOSTILE_TEXT.filter(lambda v: "@" not in v and v.strip()), label="to")
    subject, body = data.draw(HOSTILE_TEXT, label="subject"), data.draw(HOSTILE_TEXT, label="body")
    _invitation, draft = invitation_services.invitation_draft(
        provider=world.provider, user=world.provider_user
    )  # the signed draft the page carries: nothing stored until Send or Done
    for action in ("send", "done"):
        response = _signed_in(client, world.provider_user).post(
            "/indirect-resellers/request/",
            {"to": to, "subject": subject, "body": body, "draft": draft.signed, "action": action},
        )
        assert response.status_code < 500
    foreign = f"/indirect-resellers/invitations/{world.other.partner_invitation.pk}/"
    assert client.get(foreign).status_code == 404
    assert _state(world) == before


QUANTITIES_NOT_ACCEPTED = [v for v in ODD if v.strip() != ""] + ["100001", "-5", "0"]


@HOSTILE
@given(
    offer=HOSTILE_TEXT,
    quantity=st.sampled_from(QUANTITIES_NOT_ACCEPTED),
    cycle=HOSTILE_TEXT,
    request_id=HOSTILE_TEXT,
)
def test_order_form_with_hostile_values_changes_nothing(client, world, offer, quantity, cycle, request_id):
    before = _state(world)
    response = _signed_in(client, world.reseller_user).post(
        f"/customers/{world.direct.id}/orders/new/",
        {"offer": offer, "quantity": quantity, "billing_cycle": cycle, "request_id": request_id},
    )
    assert response.status_code < 500
    assert _state(world) == before


@HOSTILE
@given(data=st.data())
def test_subscription_actions_with_hostile_values_change_nothing(client, world, data):
    action = data.draw(
        st.one_of(
            st.just("quantity"), HOSTILE_TEXT.filter(lambda v: v.strip() not in {"suspend", "reactivate"})
        ),
        label="action",
    )
    quantity = data.draw(st.sampled_from(QUANTITIES_NOT_ACCEPTED), label="quantity")
    sub_id = data.draw(st.sampled_from([str(world.subscription.pk), str(world.other.subscription.pk)]))
    before = _state(world)
    response = _signed_in(client, world.reseller_user).post(
        f"/customers/{world.direct.id}/subscriptions/{sub_id}/", {"action": action, "quantity": quantity}
    )
    assert response.status_code < 500
    assert _state(world) == before


@HOSTILE
@given(data=st.data())
def test_license_change_with_a_hostile_or_foreign_subscription_changes_nothing(client, world, data):
    subscription = data.draw(
        st.one_of(HOSTILE_TEXT, st.just(str(world.other.subscription.pk))), label="subscription"
    )
    action = data.draw(st.one_of(st.sampled_from(["assign", "remove"]), HOSTILE_TEXT), label="action")
    before = _state(world)
    response = _signed_in(client, world.reseller_user).post(
        f"/customers/{world.direct.id}/users/{world.customer_user.pk}/licenses/",
        {"subscription": subscription, "action": action},
    )
    assert response.status_code < 500
    assert _state(world) == before


@HOSTILE
@given(mpn_id=HOSTILE_TEXT, legal_name=HOSTILE_TEXT, email=HOSTILE_TEXT.filter(lambda v: "@" not in v))
def test_profile_edit_with_a_hostile_mpn_id_or_email_changes_nothing(
    client, world, mpn_id, legal_name, email
):
    before = _state(world)
    response = _signed_in(client, world.provider_user).post(
        "/profile/edit/",
        {
            "legal_name": legal_name,
            "mpn_id": mpn_id,
            "primary_contact_email": email,
            "mpn_account_email": email,
            "country": "United States",
            "region": "north_america",
            "city": "Redmond",
        },
    )
    assert response.status_code < 500
    assert _state(world) == before


@HOSTILE
@given(data=st.data())
def test_api_keys_with_a_hostile_name_or_revoke_id_change_nothing(client, world, data):
    other_key = ApiToken.objects.filter(user=world.other.reseller_user).first()
    if other_key is None:
        from tenants.services import api_token_create

        other_key, _key = api_token_create(user=world.other.reseller_user, name="theirs")
    name = data.draw(
        st.one_of(
            st.sampled_from(["", " \t ", "\u00a0\u2028", "x" * 101, "😀" * 101]), st.text(min_size=101)
        ),
        label="name",
    )
    revoke = data.draw(st.one_of(HOSTILE_TEXT, st.just(str(other_key.pk))), label="revoke")
    before = _state(world)
    client = _signed_in(client, world.reseller_user)
    assert client.post("/api-keys/", {"name": name}).status_code < 500
    assert client.post("/api-keys/", {"revoke": revoke}).status_code < 500
    assert _state(world) == before


# ----------------------------------------------------------------------------------- API id fields


@HOSTILE
@given(data=st.data())
def test_api_provider_and_reseller_ids_answer_the_error_body(api_client_for, world, data):
    """`providerId` of POST /v1/customerinvitations (a tenant id or a partner profile id) and
    `associatedPartnerId` of POST /v1/customers, with hostile and other tenants' ids."""
    value = data.draw(st.one_of(HOSTILE_TEXT, st.sampled_from(_foreign_ids(world))), label="id")
    reseller_api = api_client_for(world.reseller_user)
    provider_api = api_client_for(world.provider_user)
    # Tokens are rows too: take the state after making them.
    before = _state(world)
    for response in (
        reseller_api.post("/v1/customerinvitations", {"providerId": value}, format="json"),
        provider_api.post(
            "/v1/customers",
            {
                "associatedPartnerId": value,
                "companyProfile": {"domain": "hostilefuzz"},
                "billingProfile": {"companyName": "Hostile Fuzz"},
            },
            format="json",
        ),
    ):
        assert 400 <= response.status_code < 500, (value, response.status_code)
        body = response.json()
        assert set(body) == {"code", "description", "data", "source", "reason"} and isinstance(
            body["code"], int
        )
    assert _state(world) == before
