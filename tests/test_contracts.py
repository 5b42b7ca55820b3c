"""Contract tests: our /v1/ answers against sample payloads from the real Partner Center REST reference.

Each sample below copies the field names (and the value sets) of a response example in the Partner Center
developer docs. A body may add the one documented extension object, `portal` (docs/api.md, "Deliberate
differences from the real API"); every other key, and the nesting, must be the real one.
"""

import re

import pytest

from tests.customers.factories import make_customer, make_partnered, relate
from tests.factories import make_direct_bill_partner

pytestmark = pytest.mark.django_db

EXTENSION = "portal"
ISO_ALPHA2 = re.compile(r"^[A-Z]{2}$")

# https://learn.microsoft.com/en-us/partner-center/developer/relationships-resources (PartnerRelationship:
# "relationshipType ... for example: None, IsIndirectResellerOf, IsIndirectCloudSolutionProviderOf"),
# serialized in responses as below (see the response examples cited next).
PARTNER_RELATIONSHIP_TYPES = {"none", "is_indirect_reseller_of", "is_indirect_cloud_solution_provider_of"}
PARTNER_RELATIONSHIP_PROPERTIES = {
    "id",
    "location",
    "mpnId",
    "name",
    "relationshipType",
    "state",
    "attributes",
}

# https://learn.microsoft.com/en-us/partner-center/developer/retrieve-a-list-of-indirect-resellers
# (GET /v1/relationships?relationship_type=IsIndirectCloudSolutionProviderOf), response example.
RELATIONSHIPS_SAMPLE = {
    "totalCount": 2,
    "items": [
        {
            "id": "484e548c-f5f3-4528-93a9-c16c6373cb59",
            "name": "First Up Consultants",
            "relationshipType": "is_indirect_cloud_solution_provider_of",
            "state": "Active",
            "mpnId": "4847383",
            "location": "US",
            "attributes": {"objectType": "PartnerRelationship"},
        },
        {
            "id": "b01b1487-b36e-4e6d-9b5e-0b58974c4b28",
            "name": "ReleCloud",
            "relationshipType": "is_indirect_cloud_solution_provider_of",
            "state": "Active",
            "mpnId": "4847433",
            "location": "BR",
            "attributes": {"objectType": "PartnerRelationship"},
        },
    ],
    "attributes": {"objectType": "Collection"},
}

# https://learn.microsoft.com/en-us/partner-center/developer/get-indirect-resellers-of-a-customer
# (GET /v1/customers/{customer-id}/relationships), response example.
CUSTOMER_RELATIONSHIPS_SAMPLE = {
    "totalCount": 1,
    "items": [
        {
            "id": "484e548c-f5f3-4528-93a9-c16c6373cb59",
            "name": "First Up Consultants",
            "relationshipType": "is_indirect_cloud_solution_provider_of",
            "mpnId": "4847383",
            "attributes": {"objectType": "PartnerRelationship"},
        }
    ],
    "attributes": {"objectType": "Collection"},
}

# https://learn.microsoft.com/en-us/partner-center/developer/get-legal-business-profile
# (GET /v1/profiles/legalbusiness), response example.
LEGAL_BUSINESS_SAMPLE = {
    "companyName": "Lucerne Publishing",
    "address": {
        "country": "US",
        "city": "Buffalo",
        "state": "NY",
        "addressLine1": "123 Main Street",
        "addressLine2": "",
        "postalCode": "98052",
        "firstName": "Gena",
        "lastName": "Soto",
        "phoneNumber": "4255550100",
    },
    "primaryContact": {
        "firstName": "Gena",
        "lastName": "Soto",
        "email": "gena@lucernepublishing.com",
        "phoneNumber": "4255550100",
    },
    "companyApproverAddress": {
        "country": "US",
        "city": "Buffalo",
        "state": "NY",
        "addressLine1": "123 Main Street",
        "addressLine2": "",
        "postalCode": "98052",
    },
    "companyApproverEmail": "gena@lucernepublishing.com",
    "vettingStatus": "authorized",
    "vettingSubStatus": "none",
    "profileType": "LegalBusinessProfile",
    "links": {"self": {"uri": "/profiles/legalbusiness", "method": "GET", "headers": []}},
    "attributes": {"objectType": "LegalBusinessProfile"},
}
# The Address resource also has `region` (update-legal-business-profile's request example: "Region": null).
ADDRESS_EXTRA = {"region"}
# https://learn.microsoft.com/en-us/dotnet/api/microsoft.store.partnercenter.models.partners.vettingstatus
VETTING_STATUSES = {"none", "pending", "authorized", "rejected"}


def _real(body: dict) -> dict:
    return {k: v for k, v in body.items() if k != EXTENSION}


def _assert_relationship_item(item: dict, sample_item: dict):
    assert set(sample_item) <= set(_real(item)) <= PARTNER_RELATIONSHIP_PROPERTIES
    assert item["relationshipType"] in PARTNER_RELATIONSHIP_TYPES
    assert item["attributes"] == sample_item["attributes"]
    assert item.get("location") is None or ISO_ALPHA2.match(item["location"])
    if "state" in item:
        assert item["state"] in {"Active", "Inactive"}


def test_partner_relationships_match_the_reference_sample(api_client_for):
    reseller, reseller_user, provider, provider_user = make_partnered()
    body = (
        api_client_for(provider_user)
        .get("/v1/relationships", {"relationship_type": "IsIndirectCloudSolutionProviderOf"})
        .json()
    )
    assert {"totalCount", "items"} <= set(body)
    assert body["totalCount"] == 1
    item = body["items"][0]
    sample = RELATIONSHIPS_SAMPLE["items"][0]
    assert set(_real(item)) == set(sample)
    _assert_relationship_item(item, sample)
    assert item["relationshipType"] == sample["relationshipType"]
    assert item["location"] == "US" and item["id"] == str(reseller.tenant_id)

    mine = api_client_for(reseller_user).get(
        "/v1/relationships", {"relationship_type": "IsIndirectResellerOf"}
    )
    item = mine.json()["items"][0]
    assert set(_real(item)) == set(sample)
    assert item["relationshipType"] == "is_indirect_reseller_of"


def test_customer_relationships_match_the_reference_sample(api_client_for):
    reseller, reseller_user, provider, _ = make_partnered()
    indirect, _ = make_customer(name="Tailspin Toys")
    relate(indirect, reseller, kind="indirect", provider=provider)
    direct, _ = make_customer(name="Wingtip Toys")
    relate(direct, reseller, kind="direct")
    client = api_client_for(reseller_user)
    sample = CUSTOMER_RELATIONSHIPS_SAMPLE["items"][0]

    body = client.get(f"/v1/customers/{indirect.id}/relationships").json()
    assert set(CUSTOMER_RELATIONSHIPS_SAMPLE) <= set(body)
    (item,) = body["items"]
    _assert_relationship_item(item, sample)
    assert item["relationshipType"] == sample["relationshipType"]

    (item,) = client.get(f"/v1/customers/{direct.id}/relationships").json()["items"]
    _assert_relationship_item(item, sample)
    # No invented value (IsDirectResellerOf): the real type has none for a direct reseller.
    assert item["relationshipType"] == "none"
    assert item[EXTENSION]["relationshipKind"] == "direct"


def test_legal_business_profile_matches_the_reference_sample(api_client_for):
    profile, user = make_direct_bill_partner()
    body = api_client_for(user).get("/v1/profiles/legalbusiness").json()
    assert set(_real(body)) == set(LEGAL_BUSINESS_SAMPLE)
    sample_address = set(LEGAL_BUSINESS_SAMPLE["address"])
    assert sample_address <= set(body["address"]) <= sample_address | ADDRESS_EXTRA
    assert body["address"]["country"] == "US"
    assert set(body["primaryContact"]) == set(LEGAL_BUSINESS_SAMPLE["primaryContact"])
    assert body["primaryContact"]["email"] == profile.primary_contact_email
    approver = body["companyApproverAddress"]
    assert approver is None or set(LEGAL_BUSINESS_SAMPLE["companyApproverAddress"]) <= set(approver)
    assert body["vettingStatus"] in VETTING_STATUSES
    assert body["profileType"] == LEGAL_BUSINESS_SAMPLE["profileType"]
    assert body["links"] == LEGAL_BUSINESS_SAMPLE["links"]
    assert body["attributes"] == LEGAL_BUSINESS_SAMPLE["attributes"]
