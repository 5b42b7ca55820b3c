"""API (SPEC §6): relationships and partner invitations in the real API's shapes; cross-tenant 404s."""

import pytest
from django.core import mail
from rest_framework.test import APIClient

from invitations import services
from invitations.models import PartnerInvitation
from tenants.models import Partnership, Program, Role
from tests.factories import UserFactory, make_partner

pytestmark = pytest.mark.django_db


def _error(response, status):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "description", "data", "source", "reason"}
    assert isinstance(body["code"], int) and body["description"]
    return body


def test_invite_list_revoke_and_accept_through_the_api(
    provider, reseller, api_client_for, django_capture_on_commit_callbacks
):
    api = api_client_for(provider[1])
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/v1/partnerinvitations", {"email": "Admin@Reseller.example"}, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert {"id", "status", "url", "expiresAt"} <= set(created)
    assert created["status"] == "pending"
    assert created["url"].startswith("https://portal.test/invitations/partner/")
    # The email carries a link of its own, made at delivery (none is stored); both links work.
    assert len(mail.outbox) == 1 and created["url"] not in mail.outbox[0].body
    assert "https://portal.test/invitations/partner/" in mail.outbox[0].body
    assert mail.outbox[0].to == ["admin@reseller.example"]

    listing = api.get("/v1/partnerinvitations").json()
    assert listing["totalCount"] == 1
    item = listing["items"][0]
    assert (
        item["id"] == created["id"]
        and item["email"] == "admin@reseller.example"
        and item["status"] == "pending"
    )
    assert "url" not in item and "tokenHash" not in item

    token = created["url"].rstrip("/").rsplit("/", 1)[1]
    accepted = api_client_for(reseller[1]).post(
        "/v1/partnerinvitations/accept", {"token": token}, format="json"
    )
    assert accepted.status_code == 200, accepted.content
    body = accepted.json()
    assert body["status"] == "accepted"
    assert body["relationship"]["relationshipType"] == "is_indirect_reseller_of"
    assert body["relationship"]["id"] == str(provider[0].tenant_id)

    again = api_client_for(reseller[1]).post("/v1/partnerinvitations/accept", {"token": token}, format="json")
    assert _error(again, 409)["code"] == services.CODE_USED
    revoke = api.post(f"/v1/partnerinvitations/{created['id']}/revoke")
    assert _error(revoke, 409)["code"] == services.CODE_NOT_PENDING


def test_relationships_in_the_real_api_shape(provider, reseller, new_invitation, api_client_for):
    _, token = new_invitation()
    services.invitation_accept(token=token, user=reseller[1])
    mine = api_client_for(reseller[1]).get("/v1/relationships?relationship_type=IsIndirectResellerOf").json()
    assert mine["totalCount"] == 1
    item = mine["items"][0]
    assert {"id", "name", "mpnId", "location", "relationshipType", "state"} <= set(item)
    assert item == {
        **item,
        "id": str(provider[0].tenant_id),
        "name": provider[0].legal_name,
        "mpnId": provider[0].mpn_id,
        "location": "US",  # stored as "United States": the real API answers ISO codes
        "relationshipType": "is_indirect_reseller_of",
        "state": "Active",
    }
    assert provider[0].country == "United States"
    assert "since" not in item and item["portal"]["since"]
    theirs = (
        api_client_for(provider[1])
        .get("/v1/relationships?relationship_type=IsIndirectCloudSolutionProviderOf")
        .json()
    )
    assert theirs["totalCount"] == 1
    assert theirs["items"][0]["id"] == str(reseller[0].tenant_id)
    assert theirs["items"][0]["relationshipType"] == "is_indirect_cloud_solution_provider_of"
    # the other direction is empty for each
    assert (
        api_client_for(reseller[1])
        .get("/v1/relationships?relationship_type=IsIndirectCloudSolutionProviderOf")
        .json()["totalCount"]
        == 0
    )
    # a third partner sees none of it
    stranger = make_partner(Program.INDIRECT_PROVIDER)[1]
    assert (
        api_client_for(stranger)
        .get("/v1/relationships?relationship_type=IsIndirectCloudSolutionProviderOf")
        .json()["totalCount"]
        == 0
    )


def test_relationships_paging(provider, make_reseller, new_invitation, api_client_for):
    for _ in range(3):
        _, token = new_invitation()
        services.invitation_accept(token=token, user=make_reseller()[1])
    api = api_client_for(provider[1])
    first = api.get("/v1/relationships?relationship_type=IsIndirectCloudSolutionProviderOf&size=2").json()
    assert first["totalCount"] == 3 and len(first["items"]) == 2 and first["continuationToken"]
    second = api.get(
        "/v1/relationships",
        {
            "relationship_type": "IsIndirectCloudSolutionProviderOf",
            "size": 2,
            "continuationToken": first["continuationToken"],
        },
    ).json()
    assert len(second["items"]) == 1 and "continuationToken" not in second
    ids = {i["id"] for i in first["items"]} | {i["id"] for i in second["items"]}
    assert len(ids) == 3


def test_relationships_bad_type_is_400(reseller, api_client_for):
    api = api_client_for(reseller[1])
    _error(api.get("/v1/relationships"), 400)
    _error(api.get("/v1/relationships?relationship_type=Nope"), 400)
    _error(api.get("/v1/relationships?relationship_type=IsIndirectResellerOf&size=abc"), 400)


def test_cross_tenant_invitation_ids_are_404(provider, new_invitation, api_client_for):
    invitation, _ = new_invitation()
    other = make_partner(Program.INDIRECT_PROVIDER)[1]
    body = _error(api_client_for(other).post(f"/v1/partnerinvitations/{invitation.pk}/revoke"), 404)
    assert body["code"] == 404
    _error(api_client_for(other).post("/v1/partnerinvitations/999999/revoke"), 404)
    assert api_client_for(other).get("/v1/partnerinvitations").json()["totalCount"] == 0
    assert PartnerInvitation.objects.get(pk=invitation.pk).status == "pending"
    # the owner can revoke it
    response = api_client_for(provider[1]).post(f"/v1/partnerinvitations/{invitation.pk}/revoke")
    assert response.status_code == 200 and response.json()["status"] == "revoked"


def test_only_providers_invite_and_list(reseller, customer_admin, provider, api_client_for):
    assert _error(api_client_for(reseller[1]).post("/v1/partnerinvitations", {"email": "a@b.example"}), 403)
    _error(api_client_for(reseller[1]).get("/v1/partnerinvitations"), 403)
    _error(api_client_for(customer_admin).get("/v1/partnerinvitations"), 403)
    sales = UserFactory(tenant=provider[0].tenant, role=Role.SALES_AGENT)
    _error(api_client_for(sales).post("/v1/partnerinvitations", {"email": "a@b.example"}), 403)
    assert not PartnerInvitation.objects.exists()


def test_invite_bad_input_is_400_and_changes_nothing(provider, api_client_for):
    api = api_client_for(provider[1])
    _error(api.post("/v1/partnerinvitations", {"email": "not-an-email"}, format="json"), 400)
    _error(api.post("/v1/partnerinvitations", {}, format="json"), 400)
    _error(api.post("/v1/partnerinvitations", {"email": provider[1].email}, format="json"), 400)
    assert not PartnerInvitation.objects.exists()


def test_accept_refusals_through_the_api(
    provider, direct_bill_partner, reseller, new_invitation, api_client_for
):
    _, token = new_invitation()
    _error(api_client_for(reseller[1]).post("/v1/partnerinvitations/accept", {"token": "x" * 43}), 404)
    body = _error(
        api_client_for(direct_bill_partner[1]).post("/v1/partnerinvitations/accept", {"token": token}), 403
    )
    assert body["code"] == services.CODE_NOT_RESELLER
    agent = UserFactory(tenant=reseller[0].tenant, role=Role.ADMIN_AGENT)
    body = _error(api_client_for(agent).post("/v1/partnerinvitations/accept", {"token": token}), 403)
    assert body["code"] == services.CODE_NOT_GLOBAL_ADMIN and "R1" in body["description"]
    body = _error(api_client_for(provider[1]).post("/v1/partnerinvitations/accept", {"token": token}), 403)
    assert body["code"] == services.CODE_OWN_INVITATION
    _error(api_client_for(reseller[1]).post("/v1/partnerinvitations/accept", {}, format="json"), 400)
    assert not Partnership.objects.exists()


def test_unauthenticated_api_is_refused():
    response = APIClient().get("/v1/partnerinvitations")
    assert response.status_code in (401, 403)
    assert set(response.json()) == {"code", "description", "data", "source", "reason"}


def test_openapi_schema_has_the_endpoints_without_warnings():
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    for p in (
        "/v1/relationships",
        "/v1/partnerinvitations",
        "/v1/partnerinvitations/accept",
        "/v1/partnerinvitations/{invitation_id}/revoke",
    ):
        assert p in paths
    problems = [m for m in list(GENERATOR_STATS._warn_cache) + list(GENERATOR_STATS._error_cache)]
    assert not [m for m in problems if "invitations" in m or "Relationship" in m or "PartnerInvitation" in m]
