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


# --- Shape comparison ------------------------------------------------------------------------------------
#
# `_assert_shape(ours, sample)`: every key of the reference sample is in our body (nothing renamed or
# dropped), with the same JSON type and nesting; a value the portal has no fact for may be null. Links are
# compared by name: a body serves the links of the sample it can serve (a link to a resource the portal
# does not serve is left out, docs/api.md) and no other names. `allowed` bounds our keys to the resource's
# documented properties: no invented names next to the real ones (facts the real resource lacks are under
# `portal`).

# The reference's etag is an optimistic-concurrency token the portal does not issue.
ATTRIBUTE_KEYS = {"objectType"}


def _json_type(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return bool
    if isinstance(value, int | float):
        return "number"
    return type(value)


def _assert_links(ours: dict, sample: dict, path: str):
    assert isinstance(ours, dict), path
    assert set(ours) <= set(sample), f"{path}: links {set(ours) - set(sample)} are not the reference's"
    for name, value in ours.items():
        assert set(value) == {"uri", "method", "headers"}, f"{path}.{name}"
        assert value["uri"].startswith("/") and not value["uri"].startswith("/v1/"), f"{path}.{name}"


def _assert_shape(ours, sample, path="$", allowed: dict | None = None):
    allowed = allowed or {}
    if isinstance(sample, dict):
        assert isinstance(ours, dict), f"{path}: expected an object, got {ours!r}"
        mine = _real(ours)
        missing = set(sample) - set(mine)
        assert not missing, f"{path}: missing the reference's {sorted(missing)}"
        if path in allowed:
            extra = set(mine) - allowed[path]
            assert not extra, f"{path}: {sorted(extra)} are not properties of the real resource"
        for key, value in sample.items():
            inner = f"{path}.{key}"
            if key == "links":
                _assert_links(mine[key], value, inner)
            elif key == "attributes":
                assert set(mine[key]) == ATTRIBUTE_KEYS and mine[key]["objectType"] == value["objectType"]
            elif mine[key] is not None and value is not None:
                _assert_shape(mine[key], value, inner, allowed)
        return
    if isinstance(sample, list):
        assert isinstance(ours, list), f"{path}: expected an array, got {ours!r}"
        if sample and ours:
            _assert_shape(ours[0], sample[0], f"{path}[]", allowed)
        return
    assert _json_type(ours) == _json_type(sample), f"{path}: {ours!r} is not like the reference's {sample!r}"


# https://learn.microsoft.com/en-us/partner-center/developer/error-codes: "code", "description", "data",
# "source" (always returned). The example is assign-licenses-to-a-user's "license isn't available" answer;
# its `data` (strings there, "a list of error objects" in the table) is compared as an array only: ours holds
# field errors as objects, ids and reasons as strings.
ERROR_SAMPLE = {
    "code": 60012,
    "description": "We're sorry, it looks like you've run out of licenses. Buy more licenses, and then try again.",
    "data": [],
    "source": "PartnerFD",
}
# `reason` is the portal's documented extension to the error body (docs/api.md).
ERROR_PROPERTIES = set(ERROR_SAMPLE) | {"reason"}

# https://learn.microsoft.com/en-us/partner-center/developer/customer-resources (Customer,
# CustomerCompanyProfile, CustomerBillingProfile) and utility-resources (Address).
CUSTOMER_PROPERTIES = {
    "id",
    "commerceId",
    "companyProfile",
    "billingProfile",
    "relationshipToPartner",
    "allowDelegatedAccess",
    "userCredentials",
    "customDomains",
    "associatedPartnerId",
    "links",
    "attributes",
}
COMPANY_PROFILE_PROPERTIES = {
    "tenantId",
    "domain",
    "companyName",
    "organizationRegistrationNumber",
    "links",
    "attributes",
}
BILLING_PROFILE_PROPERTIES = {
    "id",
    "firstName",
    "lastName",
    "email",
    "culture",
    "language",
    "companyName",
    "defaultAddress",
    "links",
    "attributes",
}
ADDRESS_PROPERTIES = set(LEGAL_BUSINESS_SAMPLE["address"]) | ADDRESS_EXTRA
RELATIONSHIP_TO_PARTNER = {"none", "reseller", "advisor", "syndication", "microsoft_support"}
CUSTOMER_ALLOWED = {
    "$": CUSTOMER_PROPERTIES,
    "$.companyProfile": COMPANY_PROFILE_PROPERTIES,
    "$.billingProfile": BILLING_PROFILE_PROPERTIES,
    "$.billingProfile.defaultAddress": ADDRESS_PROPERTIES,
}

# https://learn.microsoft.com/en-us/partner-center/developer/create-a-customer-for-an-indirect-reseller,
# response example.
CUSTOMER_CREATED_SAMPLE = {
    "id": "626099fe-17af-4756-9fd0-6a73b7127859",
    "commerceId": "626099fe-17af-4756-9fd0-6a73b7127859",
    "companyProfile": {
        "tenantId": "626099fe-17af-4756-9fd0-6a73b7127859",
        "domain": "WingtipToys678152504.onmicrosoft.com",
        "companyName": "Wingtip Toys678152504",
        "attributes": {"objectType": "CustomerCompanyProfile"},
    },
    "billingProfile": {
        "id": "7079246e-7b62-56ef-7cbd-a819514b54b5",
        "email": "Gena@wingtiptoys.com",
        "culture": "en-US",
        "language": "En",
        "companyName": "Wingtip Toys678152504",
        "defaultAddress": {
            "country": "US",
            "city": "Redmond",
            "state": "WA",
            "addressLine1": "One Microsoft Way",
            "postalCode": "98052",
            "firstName": "Gena",
            "lastName": "Soto",
            "phoneNumber": "4255550101",
        },
        "attributes": {"etag": "-8799889149591823008", "objectType": "CustomerBillingProfile"},
    },
    "relationshipToPartner": "reseller",
    "allowDelegatedAccess": True,
    "userCredentials": {"userName": "admin", "password": "0Krha*Io"},
    "associatedPartnerId": "484e548c-f5f3-4528-93a9-c16c6373cb59",
    "attributes": {"objectType": "Customer"},
}

# https://learn.microsoft.com/en-us/partner-center/developer/get-a-customer-by-id, response example (the
# company profile's address and email, which the Customer resource table does not list, left out).
CUSTOMER_SAMPLE = {
    "id": "eebd1b55-5360-4438-a11d-5c06918c3014",
    "commerceId": "99e6a635-48e7-424d-9059-c9db944e3c54",
    "companyProfile": {
        "tenantId": "eebd1b55-5360-4438-a11d-5c06918c3014",
        "domain": "abcdefgh1234.ccsctp.net",
        "companyName": "1kl as kjk",
        "attributes": {"objectType": "CustomerCompanyProfile"},
    },
    "billingProfile": {
        "id": "eeada110-69d6-4cc9-b093-75feb7ca9d3f",
        "firstName": "d0d89d776d03471c819bf772191ed728",
        "lastName": "kjk",
        "email": "a@a.com",
        "culture": "en-US",
        "language": "en",
        "companyName": "1kl as kjk",
        "defaultAddress": {
            "country": "US",
            "city": "redmond",
            "state": "WA",
            "addressLine1": "1 ms way",
            "postalCode": "98052",
            "firstName": "1kl as",
            "lastName": "kjk",
            "phoneNumber": "1234567890",
        },
        "attributes": {"etag": "-4242348048554929329", "objectType": "CustomerBillingProfile"},
    },
    "relationshipToPartner": "reseller",
    "allowDelegatedAccess": True,
    "customDomains": ["abcdefgh1234.ccsctp.net"],
    "links": {
        "self": {"uri": "/customers/eebd1b55-5360-4438-a11d-5c06918c3014", "method": "GET", "headers": []}
    },
    "attributes": {"objectType": "Customer"},
}

# https://learn.microsoft.com/en-us/partner-center/developer/offer-resources (Offer, OfferCategory,
# OfferProduct, OfferLinks) and get-a-list-of-offers-for-a-market's response example (one item).
OFFER_PROPERTIES = {
    "id",
    "name",
    "description",
    "minimumQuantity",
    "maximumQuantity",
    "rank",
    "uri",
    "locale",
    "country",
    "category",
    "limitUnitOfMeasure",
    "limit",
    "prerequisiteOffers",
    "isAddOn",
    "hasAddOns",
    "isAvailableForPurchase",
    "billing",
    "supportedBillingCycles",
    "isAutoRenewable",
    "upgradeTargetOffers",
    "conversionTargetOffers",
    "reselleeQualifications",
    "resellerQualifications",
    "salesGroupId",
    "isTrial",
    "product",
    "unitType",
    "links",
    "attributes",
}
OFFER_SAMPLE = {
    "id": "E60E0348-1710-484B-992A-32B294D4CDE1",
    "name": "Azure Rights Management Premium (Government Pricing)",
    "description": "Microsoft Azure Rights Management Premium helps you protect confidential documents.",
    "minimumQuantity": 1,
    "maximumQuantity": 10000000,
    "rank": 5,
    "uri": "/3c95518e-8c37-41e3-9627-0ca339200f53/Offers/E60E0348-1710-484B-992A-32B294D4CDE1",
    "locale": "EN-US",
    "country": "US",
    "category": {
        "id": "Government_Key",
        "name": "Government",
        "rank": 40,
        "locale": "en-us",
        "country": "US",
        "attributes": {"objectType": "OfferCategory"},
    },
    "prerequisiteOffers": [],
    "isAddOn": False,
    "isAvailableForPurchase": True,
    "billing": "license",
    "isAutoRenewable": True,
    "product": {
        "id": "c52ea49f-fe5d-4e95-93ba-1de91d380f89",
        "name": "Azure Rights Management Premium",
        "unit": "Licenses",
    },
    "unitType": "Licenses",
    "links": {
        "learnMore": {"uri": "http://g.microsoftonline.com/0BXPS00en/0000", "method": "GET", "headers": []},
        "self": {"uri": "/offers/E60E0348-1710-484B-992A-32B294D4CDE1", "method": "GET", "headers": []},
    },
    "attributes": {"objectType": "Offer"},
}
OFFER_BILLING = {"none", "usage", "license"}
# BillingCycleType member names (product-resources).
BILLING_CYCLE_TYPES = {"unknown", "monthly", "annual", "none", "one_time", "triennial"}

# https://learn.microsoft.com/en-us/partner-center/developer/order-resources (Order, OrderLineItem) and
# create-an-order-for-a-customer-of-an-indirect-reseller's response example, with currencyCode,
# currencySymbol and status from get-an-order-by-id's.
ORDER_PROPERTIES = {
    "id",
    "alternateId",
    "referenceCustomerId",
    "billingCycle",
    "transactionType",
    "lineItems",
    "currencyCode",
    "currencySymbol",
    "creationDate",
    "status",
    "links",
    "attributes",
}
ORDER_LINE_ITEM_PROPERTIES = {
    "lineItemNumber",
    "offerId",
    "subscriptionId",
    "parentSubscriptionId",
    "friendlyName",
    "quantity",
    "termDuration",
    "transactionType",
    "partnerIdOnRecord",
    "provisioningContext",
    "links",
    "renewsTo",
}
ORDER_SAMPLE = {
    "id": "3eddcac6-63b2-4c40-b0b6-f47e18301492",
    "referenceCustomerId": "c501c3c4-d776-40ef-9ecf-9cefb59442c1",
    "billingCycle": "monthly",
    "currencyCode": "USD",
    "currencySymbol": "$",
    "lineItems": [
        {
            "lineItemNumber": 0,
            "offerId": "DB2E705F-B82A-4024-A3D5-D88E12F2DB35",
            "subscriptionId": "42226ED6-070A-4E0F-B80C-4CDFB3E97AA7",
            "friendlyName": "New offer purchase.",
            "quantity": 5,
            "partnerIdOnRecord": "4847383",
            "links": {
                "subscription": {
                    "uri": "/customers/c501c3c4-d776-40ef-9ecf-9cefb59442c1/subscriptions/42226ED6-070A-4E0F-B80C-4CDFB3E97AA7",
                    "method": "GET",
                    "headers": [],
                }
            },
        }
    ],
    "creationDate": "2017-04-10T16:02:25.983-07:00",
    "status": "completed",
    "links": {
        "provisioningStatus": {
            "uri": "/customers/c501c3c4/orders/3eddcac6/provisioningstatus",
            "method": "GET",
            "headers": [],
        },
        "self": {"uri": "/customers/c501c3c4/orders/3eddcac6", "method": "GET", "headers": []},
    },
    "attributes": {"objectType": "Order"},
}
ORDER_STATUSES = {"unknown", "completed", "pending", "cancelled"}

# https://learn.microsoft.com/en-us/partner-center/developer/subscription-resources and
# get-a-subscription-by-id's response example ("for a standard subscription").
SUBSCRIPTION_PROPERTIES = {
    "id",
    "offerId",
    "entitlementId",
    "offerName",
    "friendlyName",
    "quantity",
    "unitType",
    "parentSubscriptionId",
    "creationDate",
    "effectiveStartDate",
    "commitmentEndDate",
    "status",
    "autoRenewEnabled",
    "billingType",
    "billingCycle",
    "hasPurchasableAddons",
    "isTrial",
    "isMicrosoftProduct",
    "publisherName",
    "actions",
    "partnerId",
    "suspensionReasons",
    "contractType",
    "refundOptions",
    "links",
    "orderId",
    "termDuration",
    "attributes",
    "renewalTermDuration",
    # In the current reference's Subscription table (new commerce).
    "attentionNeeded",
}
SUBSCRIPTION_SAMPLE = {
    "id": "A356AC8C-E310-44F4-BF85-C7F29044AF99",
    "entitlementId": "42226ED6-070A-4E0F-B80C-4CDFB3E97AA7",
    "offerId": "MS-AZR-0145P",
    "offerName": "Microsoft Azure",
    "friendlyName": "Microsoft Azure",
    "quantity": 1,
    "unitType": "Usage-based",
    "creationDate": "2016-05-10T07:30:05.427Z",
    "effectiveStartDate": "2016-05-10T00:00:00Z",
    "commitmentEndDate": "9999-12-10T00:00:00Z",
    "status": "active",
    "autoRenewEnabled": False,
    "billingType": "usage",
    "contractType": "subscription",
    "links": {
        "offer": {"uri": "/offers/MS-AZR-0145P?country=US", "method": "GET", "headers": []},
        "self": {
            "uri": "/customers/4d3cf487-70f4-4e1e-9ff1-b2bfce8d9f04/subscriptions/A356AC8C-E310-44F4-BF85-C7F29044AF99",
            "method": "GET",
            "headers": [],
        },
    },
    "orderId": "B23FDEDD-D6BD-415A-8B71-3624C81C9644",
    "attributes": {"etag": "eyJpZCI6ImEzNTZhYzhjIiwidmVyc2lvbiI6Mn0=", "objectType": "Subscription"},
}
SUBSCRIPTION_STATUSES = {"none", "active", "pending", "suspended", "expired", "deleted"}
CONTRACT_TYPES = {"subscription", "productKey", "redemptionCode"}

# https://learn.microsoft.com/en-us/partner-center/developer/user-resources (CustomerUser) and
# get-a-list-of-all-user-accounts-for-a-customer's response example (one item).
CUSTOMER_USER_PROPERTIES = {
    "usageLocation",
    "id",
    "userPrincipalName",
    "firstName",
    "lastName",
    "displayName",
    "immutableId",
    "passwordProfile",
    "phoneNumber",
    "lastDirectorySyncTime",
    "userDomainType",
    "state",
    "softDeletionTime",
    "links",
    "attributes",
}
CUSTOMER_USER_SAMPLE = {
    "usageLocation": "US",
    "id": "a9ef48bb-8758-4590-a312-d4a47bfaded4",
    "userPrincipalName": "Daniel@dtdemocspcustomer005.onmicrosoft.com",
    "firstName": "Daniel",
    "lastName": "Tsai",
    "displayName": "Daniel Tsai",
    "userDomainType": "none",
    "state": "active",
    "links": {
        "self": {
            "uri": "/customers/4d3cf487-70f4-4e1e-9ff1-b2bfce8d9f04/users/a9ef48bb-8758-4590-a312-d4a47bfaded4",
            "method": "GET",
            "headers": [],
        }
    },
    "attributes": {"objectType": "CustomerUser"},
}

# https://learn.microsoft.com/en-us/partner-center/developer/license-resources (License, ProductSku,
# ServicePlan, LicenseUpdate, LicenseAssignment, LicenseWarning), check-which-licenses-are-assigned-to-a-user's
# and assign-licenses-to-a-user's response examples.
LICENSE_PROPERTIES = {"servicePlans", "productSku", "attributes"}
PRODUCT_SKU_PROPERTIES = {"id", "name", "skuPartNumber", "targetType", "licenseGroupId"}
LICENSE_SAMPLE = {
    "servicePlans": [
        {
            "displayName": "Azure Information Protection Premium P1",
            "serviceName": "RMS_S_PREMIUM",
            "id": "6c57d4b6-3b23-47a5-9bc9-69f17b4947b3",
            "capabilityStatus": "Assigned",
            "targetType": "User",
        }
    ],
    "productSku": {
        "id": "efccb6f7-5641-4e0e-bd10-b4976e1bf68e",
        "name": "Enterprise Mobility + Security E3",
        "skuPartNumber": "EMS",
        "licenseGroupId": "group1",
    },
    "attributes": {"objectType": "License"},
}
LICENSE_UPDATE_PROPERTIES = {"licensesToAssign", "licensesToRemove", "licenseWarnings", "attributes"}
LICENSE_ASSIGNMENT_PROPERTIES = {"skuId", "excludedPlans"}
LICENSE_UPDATE_SAMPLE = {
    "licensesToAssign": [{"skuId": "f8a1db68-be16-40ed-86d5-cb42ce701560"}],
    "licenseWarnings": [],
    "attributes": {"objectType": "LicenseUpdate"},
}


@pytest.fixture
def book(api_client_for):
    """An indirect reseller and its provider, an indirect customer with an order placed by the provider for
    the reseller (partnerIdOnRecord), and one user holding one license."""
    from tests.customers.factories import order

    reseller, reseller_user, provider, provider_user = make_partnered()
    customer, _admin = make_customer(name="Tailspin Toys")
    relate(customer, reseller, kind="indirect", provider=provider)
    placed = order(provider, provider_user, customer, pior=reseller.mpn_id, quantity=3)
    reseller_api = api_client_for(reseller_user)
    users = f"/v1/customers/{customer.id}/users"
    user = reseller_api.post(users, {"userPrincipalName": "ann", "displayName": "Ann Lee"}, format="json")
    update = reseller_api.post(
        f"{users}/{user.json()['id']}/licenseupdates",
        {"licensesToAssign": [{"skuId": "CFQ7TTC0LH18:0001"}]},
        format="json",
    )
    return {
        "customer": customer,
        "order": placed,
        "reseller": reseller,
        "reseller_api": reseller_api,
        "provider_api": api_client_for(provider_user),
        "outsider_api": api_client_for(make_partnered()[1]),
        "user": user,
        "license_update": update,
    }


def test_customer_matches_the_reference_samples(book):
    customer = book["customer"]
    body = book["provider_api"].get(f"/v1/customers/{customer.id}").json()
    _assert_shape(body, CUSTOMER_SAMPLE, allowed=CUSTOMER_ALLOWED)
    assert body["relationshipToPartner"] in RELATIONSHIP_TO_PARTNER
    assert body["companyProfile"]["tenantId"] == body["id"] == str(customer.id)
    assert body["associatedPartnerId"] == str(book["reseller"].tenant_id)
    assert body["links"]["self"]["uri"] == f"/customers/{customer.id}"
    country = body["billingProfile"]["defaultAddress"]["country"]
    assert country is None or ISO_ALPHA2.match(country)
    listed = book["reseller_api"].get("/v1/customers").json()["items"][0]
    _assert_shape(listed, CUSTOMER_SAMPLE, allowed=CUSTOMER_ALLOWED)


def test_customer_profiles_are_served_on_their_own(book):
    customer = book["customer"]
    body = book["provider_api"].get(f"/v1/customers/{customer.id}").json()
    for name, key, sample, allowed in [
        ("company", "companyProfile", CUSTOMER_SAMPLE["companyProfile"], COMPANY_PROFILE_PROPERTIES),
        ("billing", "billingProfile", CUSTOMER_SAMPLE["billingProfile"], BILLING_PROFILE_PROPERTIES),
    ]:
        path = f"/customers/{customer.id}/profiles/{name}"
        profile = book["reseller_api"].get("/v1" + path)
        assert profile.status_code == 200, profile.content
        allowed_paths = {"$": allowed, "$.defaultAddress": ADDRESS_PROPERTIES}
        _assert_shape(profile.json(), sample, allowed=allowed_paths)
        assert profile.json() == body[key] and body[key]["links"]["self"]["uri"] == path
    outsider = book["outsider_api"].get(f"/v1/customers/{customer.id}/profiles/billing")
    assert outsider.status_code == 404


def test_created_customer_matches_the_reference_sample(api_client_for):
    reseller, _ru, provider, provider_user = make_partnered()
    body = {
        "CompanyProfile": {"Domain": "WingtipToys678152504.onmicrosoft.com"},
        "BillingProfile": {
            "Email": "Gena@wingtiptoys.com",
            "Culture": "EN-US",
            "Language": "En",
            "CompanyName": "Wingtip Toys678152504",
            "DefaultAddress": {"Country": "US", "City": "Redmond", "FirstName": "Gena", "LastName": "Soto"},
        },
        "AssociatedPartnerId": str(reseller.tenant_id),
    }
    resp = api_client_for(provider_user).post("/v1/customers", body, format="json")
    assert resp.status_code == 201, resp.content
    created = resp.json()
    _assert_shape(created, CUSTOMER_CREATED_SAMPLE, allowed=CUSTOMER_ALLOWED)
    assert created["associatedPartnerId"] == str(reseller.tenant_id)
    assert created["billingProfile"]["defaultAddress"]["country"] == "US"
    assert created["companyProfile"]["domain"] == "wingtiptoys678152504.onmicrosoft.com"


def test_offer_matches_the_reference_sample(book):
    body = book["reseller_api"].get("/v1/offers", {"size": 500}).json()
    assert body["attributes"] == {"objectType": "Collection"} and body["items"]
    for offer in body["items"]:
        _assert_shape(offer, OFFER_SAMPLE, allowed={"$": OFFER_PROPERTIES})
        assert offer["billing"] in OFFER_BILLING
        assert set(offer["supportedBillingCycles"]) <= BILLING_CYCLE_TYPES
        assert offer["product"]["id"] == offer["id"].split(":")[0]


def test_order_matches_the_reference_sample(book):
    customer = book["customer"]
    body = book["reseller_api"].get(f"/v1/customers/{customer.id}/orders").json()
    (order,) = body["items"]
    allowed = {"$": ORDER_PROPERTIES, "$.lineItems[]": ORDER_LINE_ITEM_PROPERTIES}
    _assert_shape(order, ORDER_SAMPLE, allowed=allowed)
    assert order["status"] in ORDER_STATUSES and order["billingCycle"] in BILLING_CYCLE_TYPES
    (line,) = order["lineItems"]
    assert line["partnerIdOnRecord"] == book["reseller"].mpn_id
    assert line["subscriptionId"] and line["links"]["subscription"]["uri"] == (
        f"/customers/{customer.id}/subscriptions/{line['subscriptionId']}"
    )
    assert order["currencyCode"] == "USD" and order["currencySymbol"] == "$"

    placed = book["provider_api"].post(
        f"/v1/customers/{customer.id}/orders",
        {
            "lineItems": [
                {"offerId": "CFQ7TTC0LH18:0001", "quantity": 1, "partnerIdOnRecord": book["reseller"].mpn_id}
            ]
        },
        format="json",
    )
    assert placed.status_code == 201, placed.content
    _assert_shape(placed.json(), ORDER_SAMPLE, allowed=allowed)


def test_subscription_matches_the_reference_sample(book):
    customer = book["customer"]
    base = f"/v1/customers/{customer.id}/subscriptions"
    (item,) = book["reseller_api"].get(base).json()["items"]
    body = book["reseller_api"].get(f"{base}/{item['id']}").json()
    for sub in (item, body):
        _assert_shape(sub, SUBSCRIPTION_SAMPLE, allowed={"$": SUBSCRIPTION_PROPERTIES})
        assert sub["status"] in SUBSCRIPTION_STATUSES and sub["contractType"] in CONTRACT_TYPES
        assert sub["billingType"] in OFFER_BILLING and sub["unitType"] == "Licenses"
        assert sub["partnerId"] == book["reseller"].mpn_id and sub["orderId"] == str(book["order"].pk)
        assert sub["links"]["self"]["uri"] == f"/customers/{customer.id}/subscriptions/{item['id']}"
        assert sub[EXTENSION]["assignedLicenses"] == 1


def test_customer_user_matches_the_reference_sample(book):
    created = book["user"].json()
    assert book["user"].status_code == 201
    customer = book["customer"]
    listed = book["reseller_api"].get(f"/v1/customers/{customer.id}/users").json()["items"]
    for user in (created, *listed):
        _assert_shape(user, CUSTOMER_USER_SAMPLE, allowed={"$": CUSTOMER_USER_PROPERTIES})
        assert user["state"] in {"active", "inactive"}
        assert user["userDomainType"] in {"none", "managed", "federated"}
        assert ISO_ALPHA2.match(user["usageLocation"])


def test_licenses_and_license_update_match_the_reference_samples(book):
    update = book["license_update"]
    assert update.status_code == 201, update.content
    _assert_shape(
        update.json(),
        LICENSE_UPDATE_SAMPLE,
        allowed={"$": LICENSE_UPDATE_PROPERTIES, "$.licensesToAssign[]": LICENSE_ASSIGNMENT_PROPERTIES},
    )
    assert update.json()["licensesToAssign"][0]["skuId"] == "CFQ7TTC0LH18:0001"
    uid = book["user"].json()["id"]
    body = book["reseller_api"].get(f"/v1/customers/{book['customer'].id}/users/{uid}/licenses").json()
    assert body["attributes"] == {"objectType": "Collection"}
    (license_,) = body["items"]
    _assert_shape(
        license_,
        LICENSE_SAMPLE,
        allowed={"$": LICENSE_PROPERTIES, "$.productSku": PRODUCT_SKU_PROPERTIES},
    )
    assert license_["productSku"]["id"] == "CFQ7TTC0LH18:0001"
    assert license_["productSku"]["targetType"] in {"User", "Tenant"}


def test_error_body_matches_the_reference_sample(book, client):
    customer = book["customer"]
    answers = [
        client.get("/v1/customers"),  # 401
        book["reseller_api"].get("/v1/customers/00000000-0000-0000-0000-000000000000"),  # 404
        book["reseller_api"].post(f"/v1/customers/{customer.id}/users", {}, format="json"),  # 400
        book["provider_api"].get(f"/v1/customers/{customer.id}/users"),  # 403 (R12)
    ]
    for answer in answers:
        assert answer.status_code >= 400
        body = answer.json()
        _assert_shape(body, ERROR_SAMPLE, allowed={"$": ERROR_PROPERTIES})
        assert body["source"] == ERROR_SAMPLE["source"] and body["reason"]
    assert [a.status_code for a in answers] == [401, 404, 400, 403]


def test_license_update_reads_the_reference_request_example(book):
    """assign-licenses-to-a-user's request example, as the SDK sends it (PascalCase, nulls included)."""
    customer = book["customer"]
    users = f"/v1/customers/{customer.id}/users"
    uid = (
        book["reseller_api"]
        .post(users, {"userPrincipalName": "bo", "displayName": "Bo"}, format="json")
        .json()["id"]
    )
    request = {
        "LicensesToAssign": [{"ExcludedPlans": None, "SkuId": "CFQ7TTC0LH18:0001"}],
        "LicensesToRemove": None,
        "LicenseWarnings": None,
        "Attributes": {"ObjectType": "LicenseUpdate"},
    }
    resp = book["reseller_api"].post(f"{users}/{uid}/licenseupdates", request, format="json")
    assert resp.status_code == 201, resp.content
    _assert_shape(resp.json(), LICENSE_UPDATE_SAMPLE, allowed={"$": LICENSE_UPDATE_PROPERTIES})
    held = book["reseller_api"].get(f"{users}/{uid}/licenses").json()["items"]
    assert [item["productSku"]["id"] for item in held] == ["CFQ7TTC0LH18:0001"]


# https://learn.microsoft.com/en-us/partner-center/developer/customer-resources (CustomerRelationshipRequest:
# url, attributes).
RELATIONSHIP_REQUEST_SAMPLE = {
    "url": "https://admin.microsoft.com/Adminportal/Home?invType=ResellerRelationship&partnerId=…",
    "attributes": {"objectType": "CustomerRelationshipRequest"},
}


def test_relationship_request_matches_the_reference_resource(book):
    body = book["reseller_api"].get("/v1/customers/relationshiprequests").json()
    _assert_shape(body, RELATIONSHIP_REQUEST_SAMPLE, allowed={"$": set(RELATIONSHIP_REQUEST_SAMPLE)})
