"""Customers (SPEC §6): list with filters, provider-created tenants (R13), a customer, its relationships, the direct reseller relationship link. Another tenant's ids answer 404."""

from __future__ import annotations

import json

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from partnercenter.api import ERROR_BODY, TenantAPIView, page_body, page_slice
from partnercenter.errors import DomainError, NotFound
from partnercenter.pagecache import cached_api
from tenants.api import AddressSerializer, SelfLinksSerializer, country_code
from tenants.models import PartnerProfile

from .. import selectors, services
from ..models import CustomerAccount, ResellerRelationship
from ..services.accounts import relationship_request_url, reseller_relationships_remove
from .common import CUSTOMER_ID, PAGING, _access, _profile, _valid, attributes, collection_of, link

# GET /v1/customers/{id}/relationships answers a collection of the real PartnerRelationship resource
# (get-indirect-resellers-of-a-customer), whose relationshipType values are "none",
# "is_indirect_reseller_of" and "is_indirect_cloud_solution_provider_of". The reference sample lists a
# customer's indirect reseller as "is_indirect_cloud_solution_provider_of"; the real type has no value for
# a direct reseller, so it is "none" and the portal's kind is under `portal.relationshipKind`.
CUSTOMER_RELATIONSHIP_TYPES = {
    "indirect": "is_indirect_cloud_solution_provider_of",
    "direct": "none",
}


def relationship_body(rel: ResellerRelationship) -> dict:
    return {
        "id": str(rel.partner.tenant_id),
        "name": rel.partner.legal_name,
        "mpnId": rel.partner.mpn_id,
        "location": country_code(rel.partner.country),
        "relationshipType": CUSTOMER_RELATIONSHIP_TYPES.get(rel.kind, "none"),
        "state": "Active" if rel.status == "active" else "Inactive",
        "attributes": {"objectType": "PartnerRelationship"},
        # Facts the real PartnerRelationship has no field for (docs/api.md).
        "portal": {
            "relationshipKind": rel.kind,
            "indirectProvider": (
                {
                    "id": str(rel.provider.tenant_id),
                    "name": rel.provider.legal_name,
                    "mpnId": rel.provider.mpn_id,
                }
                if rel.provider
                else None
            ),
            "delegatedAdminPrivileges": rel.delegated_admin,
            "since": rel.established_at,
        },
    }


CustomerRelationshipSerializer = inline_serializer(
    "CustomerPartnerRelationship",
    {
        "id": serializers.CharField(help_text="The reseller's tenant id"),
        "name": serializers.CharField(),
        "mpnId": serializers.CharField(),
        "location": serializers.CharField(
            allow_null=True, help_text="ISO 3166-1 alpha-2 code; null when unknown"
        ),
        "relationshipType": serializers.ChoiceField(
            choices=sorted(set(CUSTOMER_RELATIONSHIP_TYPES.values()))
        ),
        "state": serializers.CharField(),
        "attributes": serializers.DictField(),
        "portal": inline_serializer(
            "CustomerPartnerRelationshipPortal",
            {
                "relationshipKind": serializers.ChoiceField(choices=sorted(CUSTOMER_RELATIONSHIP_TYPES)),
                "indirectProvider": inline_serializer(
                    "CustomerRelationshipProvider",
                    {
                        "id": serializers.CharField(),
                        "name": serializers.CharField(),
                        "mpnId": serializers.CharField(),
                    },
                    allow_null=True,
                ),
                "delegatedAdminPrivileges": serializers.BooleanField(),
                "since": serializers.DateTimeField(),
            },
            help_text="Portal facts the real PartnerRelationship lacks (docs/api.md)",
        ),
    },
)
CustomerRelationshipsSerializer = inline_serializer(
    "CustomerPartnerRelationshipCollection",
    {
        "totalCount": serializers.IntegerField(),
        "items": CustomerRelationshipSerializer.__class__(many=True),
        "attributes": serializers.DictField(),
    },
)


# Customer.relationshipToPartner (customer-resources): "none", "reseller", "advisor", "syndication",
# "microsoft_support". A partner that serves the customer (its reseller, or the indirect provider of its
# reseller) sees "reseller"; after PATCH relationshipToPartner: none, "none".
RELATIONSHIP_TO_PARTNER = ["none", "reseller", "advisor", "syndication", "microsoft_support"]


def address_body(*, country: str, city: str) -> dict:
    """The real Address object; the portal keeps no street, state, postal code, names or phone number."""
    return {
        "country": country_code(country),
        "region": None,
        "city": city or None,
        "state": None,
        "addressLine1": None,
        "addressLine2": None,
        "postalCode": None,
        "firstName": None,
        "lastName": None,
        "phoneNumber": None,
    }


def company_profile_body(account: CustomerAccount) -> dict:
    return {
        "tenantId": str(account.tenant_id),
        "domain": account.tenant.default_domain,
        "companyName": account.company_name,
        "links": {"self": link(f"/customers/{account.tenant_id}/profiles/company")},
        "attributes": attributes("CustomerCompanyProfile"),
    }


def billing_profile_body(account: CustomerAccount) -> dict:
    return {
        # The portal keeps one billing contact per customer and no separate profile record, culture or
        # language: those are null.
        "id": None,
        "firstName": None,
        "lastName": None,
        "email": account.contact_email or None,
        "culture": None,
        "language": None,
        "companyName": account.company_name,
        "defaultAddress": address_body(country=account.country, city=account.city),
        "links": {"self": link(f"/customers/{account.tenant_id}/profiles/billing")},
        "attributes": attributes("CustomerBillingProfile"),
    }


def customer_body(
    account: CustomerAccount, rels: list[ResellerRelationship], profile: PartnerProfile
) -> dict:
    mine = [
        r
        for r in rels
        if r.status == "active" and (r.partner_id == profile.pk or r.provider_id == profile.pk)
    ]
    kinds = sorted({r.kind for r in mine})
    reseller = next((r.partner for r in mine if r.provider_id == profile.pk), None)
    tenant_id = str(account.tenant_id)
    return {
        "id": tenant_id,
        "commerceId": None,
        "companyProfile": company_profile_body(account),
        "billingProfile": billing_profile_body(account),
        "relationshipToPartner": "reseller" if mine else "none",
        "allowDelegatedAccess": any(r.delegated_admin for r in mine if r.partner_id == profile.pk),
        # The portal's tenants have only their onmicrosoft.com domain.
        "customDomains": [],
        "associatedPartnerId": str(reseller.tenant_id) if reseller else None,
        "links": {"self": link(f"/customers/{tenant_id}")},
        "attributes": attributes("Customer"),
        # Facts the real Customer has no field for (docs/api.md).
        "portal": {
            "relationships": kinds,
            "isStoreForBusiness": account.store_for_business,
            "country": account.country,
        },
    }


class CompanyProfileSerializer(serializers.Serializer):
    tenantId = serializers.UUIDField()
    domain = serializers.CharField()
    companyName = serializers.CharField()
    links = serializers.DictField()
    attributes = serializers.DictField()

    class Meta:
        ref_name = "CustomerCompanyProfile"


class BillingProfileSerializer(serializers.Serializer):
    id = serializers.CharField(allow_null=True)
    firstName = serializers.CharField(allow_null=True)
    lastName = serializers.CharField(allow_null=True)
    email = serializers.EmailField(allow_null=True)
    culture = serializers.CharField(allow_null=True)
    language = serializers.CharField(allow_null=True)
    companyName = serializers.CharField()
    defaultAddress = AddressSerializer()
    links = serializers.DictField()
    attributes = serializers.DictField()

    class Meta:
        ref_name = "CustomerBillingProfile"


class CustomerPortalSerializer(serializers.Serializer):
    relationships = serializers.ListField(
        child=serializers.CharField(),
        help_text="Your relationships with the customer: `direct` (direct bill) and/or `indirect`",
    )
    isStoreForBusiness = serializers.BooleanField()
    country = serializers.CharField(allow_blank=True, help_text="The country as stored")


class UserCredentialsSerializer(serializers.Serializer):
    userName = serializers.CharField()
    password = serializers.CharField()


class CustomerSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    commerceId = serializers.CharField(allow_null=True)
    companyProfile = CompanyProfileSerializer()
    billingProfile = BillingProfileSerializer()
    relationshipToPartner = serializers.ChoiceField(choices=RELATIONSHIP_TO_PARTNER)
    allowDelegatedAccess = serializers.BooleanField()
    userCredentials = UserCredentialsSerializer(
        required=False, help_text="Only in the answer that creates the customer"
    )
    customDomains = serializers.ListField(child=serializers.CharField())
    associatedPartnerId = serializers.UUIDField(allow_null=True)
    links = SelfLinksSerializer()
    attributes = serializers.DictField()
    portal = CustomerPortalSerializer(help_text="Portal facts the real Customer lacks (docs/api.md)")

    class Meta:
        ref_name = "Customer"


class NewCustomerAddressSerializer(serializers.Serializer):
    country = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=100)
    city = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=100)
    firstName = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=100)
    lastName = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=100)


class NewCustomerCompanyProfileSerializer(serializers.Serializer):
    domain = serializers.CharField(
        max_length=253, help_text="`name.onmicrosoft.com` (or just `name`): the new tenant's domain"
    )

    def validate_domain(self, value: str) -> str:
        prefix = value.strip().lower().removesuffix(".onmicrosoft.com")
        if not prefix or "." in prefix:
            raise serializers.ValidationError(
                _("The domain is name.onmicrosoft.com: a new tenant gets an onmicrosoft.com domain.")
            )
        return prefix


class NewCustomerBillingProfileSerializer(serializers.Serializer):
    companyName = serializers.CharField(max_length=200)
    email = serializers.EmailField(required=False, allow_blank=True, allow_null=True)
    firstName = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=100)
    lastName = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=100)
    defaultAddress = NewCustomerAddressSerializer(required=False, allow_null=True)


class CustomerCreateSerializer(serializers.Serializer):
    companyProfile = NewCustomerCompanyProfileSerializer()
    billingProfile = NewCustomerBillingProfileSerializer()
    associatedPartnerId = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text="An indirect provider names the partnered indirect reseller's tenant id (R13); a "
        "direct-bill partner creating a tenant for its own direct-bill customer leaves it out",
    )


CustomerCollectionSerializer = collection_of("CustomerResourceCollection", CustomerSerializer)


class CustomerPatchSerializer(serializers.Serializer):
    relationshipToPartner = serializers.ChoiceField(
        choices=["none"], help_text="`none` removes your relationship"
    )


FILTER_FIELDS = {"CompanyName", "Domain", "IndirectReseller"}


def _parse_filter(raw: str) -> dict:
    if not raw:
        return {}
    try:
        spec = json.loads(raw)
    except ValueError:
        raise DomainError(_("filter is not valid JSON."), code=400, status=400, reason="customers.bad_filter")
    if not isinstance(spec, dict):
        raise DomainError(_("filter is a JSON object."), code=400, status=400, reason="customers.bad_filter")
    field, value, op = spec.get("Field"), spec.get("Value"), str(spec.get("Operator", "starts_with")).lower()
    if field not in FILTER_FIELDS:
        raise DomainError(
            _("filter Field is one of %(f)s.") % {"f": ", ".join(sorted(FILTER_FIELDS))},
            code=400,
            status=400,
            reason="customers.bad_filter",
        )
    if op != "starts_with" or not isinstance(value, str) or not value.strip():
        raise DomainError(
            _("filter needs Operator starts_with and a text Value."),
            code=400,
            status=400,
            reason="customers.bad_filter",
        )
    value = value.strip()[:200]
    if field == "CompanyName":
        return {"company_prefix": value}
    if field == "Domain":
        return {"domain_prefix": value}
    try:
        return {"reseller_tenant_id": str(selectors.uuid_or_404(value))}
    except NotFound:
        raise DomainError(
            _("IndirectReseller filter Value is the reseller's tenant id."),
            code=400,
            status=400,
            reason="customers.bad_filter",
        )


class CustomersView(TenantAPIView, APIView):
    @extend_schema(
        summary="List your customers",
        operation_id="customers_list",
        parameters=[
            *PAGING,
            OpenApiParameter(
                "filter",
                str,
                description='JSON, e.g. {"Field":"CompanyName","Value":"Wing","Operator":"starts_with"}; '
                "fields CompanyName, Domain, IndirectReseller",
            ),
        ],
        responses={200: CustomerCollectionSerializer, 400: ERROR_BODY, 403: ERROR_BODY},
    )
    @cached_api
    def get(self, request):
        profile = _profile(request)
        qs = selectors.customers_for_partner(
            profile=profile, **_parse_filter(request.query_params.get("filter", ""))
        )
        items, total, token = page_slice(request, selectors.with_relationships(qs, profile=profile))
        body = [customer_body(c, c.my_relationships, profile) for c in items]
        return Response(page_body(request, body, total, token))

    @extend_schema(
        summary="Create a customer tenant",
        description="An indirect provider creates the tenant of a new customer for one of its partnered "
        "indirect resellers, named by `associatedPartnerId` (R13). A direct-bill partner creates the tenant "
        "of a new direct-bill customer by leaving `associatedPartnerId` out; it becomes the customer's "
        "reseller of record with delegated admin privileges. An indirect reseller cannot create tenants "
        "(403). The answer carries the new global admin's credentials, once.",
        operation_id="customers_create",
        request=CustomerCreateSerializer,
        responses={201: CustomerSerializer, 400: ERROR_BODY, 403: ERROR_BODY, 409: ERROR_BODY},
    )
    def post(self, request):
        profile = _profile(request)
        data = _valid(CustomerCreateSerializer, request.data)
        billing = data["billingProfile"]
        address = billing.get("defaultAddress") or {}
        fields = {
            "company_name": billing["companyName"],
            "domain_prefix": data["companyProfile"]["domain"],
            "contact_email": billing.get("email") or "",
            # The real request names the billing contact in defaultAddress; the profile's own
            # firstName/lastName are read too.
            "first_name": address.get("firstName") or billing.get("firstName") or "",
            "last_name": address.get("lastName") or billing.get("lastName") or "",
            "country": address.get("country") or "",
            "city": address.get("city") or "",
        }
        # Who may create, and for which reseller (R13, R18), is the services' decision.
        if data.get("associatedPartnerId"):
            reseller = PartnerProfile.objects.filter(tenant_id=data["associatedPartnerId"]).first()
            account, admin, password = services.customer_create_for_reseller(
                provider=profile, user=request.user, reseller=reseller, **fields
            )
        else:
            account, admin, password = services.customer_create_direct(
                partner=profile, user=request.user, **fields
            )
        rels = list(account.relationships.select_related("partner__tenant", "provider__tenant"))
        body = customer_body(account, rels, profile)
        body["userCredentials"] = {"userName": admin.email, "password": password}
        return Response(body, status=status.HTTP_201_CREATED)


class CustomerView(TenantAPIView, APIView):
    @extend_schema(
        summary="Get a customer",
        operation_id="customers_get",
        parameters=[CUSTOMER_ID],
        responses={200: CustomerSerializer, 404: ERROR_BODY},
    )
    def get(self, request, customer_id):
        access = _access(request, customer_id)
        return Response(customer_body(access.customer, access.relationships, access.profile))

    @extend_schema(
        summary="Remove your reseller relationship (relationshipToPartner: none)",
        operation_id="customers_update",
        parameters=[CUSTOMER_ID],
        request=CustomerPatchSerializer,
        responses={200: CustomerSerializer, 403: ERROR_BODY, 404: ERROR_BODY, 409: ERROR_BODY},
    )
    def patch(self, request, customer_id):
        access = _access(request, customer_id)
        _valid(CustomerPatchSerializer, request.data)
        reseller_relationships_remove(access=access, user=request.user, reason="relationshipToPartner: none")
        return Response(customer_body(access.customer, [], access.profile))


class CustomerCompanyProfileView(TenantAPIView, APIView):
    @extend_schema(
        summary="Get a customer's company profile",
        operation_id="customers_profiles_company_get",
        parameters=[CUSTOMER_ID],
        responses={200: CompanyProfileSerializer, 404: ERROR_BODY},
    )
    def get(self, request, customer_id):
        access = _access(request, customer_id)
        return Response(company_profile_body(access.customer))


class CustomerBillingProfileView(TenantAPIView, APIView):
    @extend_schema(
        summary="Get a customer's billing profile",
        operation_id="customers_profiles_billing_get",
        parameters=[CUSTOMER_ID],
        responses={200: BillingProfileSerializer, 404: ERROR_BODY},
    )
    def get(self, request, customer_id):
        access = _access(request, customer_id)
        return Response(billing_profile_body(access.customer))


class CustomerRelationshipsView(TenantAPIView, APIView):
    @extend_schema(
        summary="The customer's resellers and providers",
        operation_id="customers_relationships_list",
        parameters=[CUSTOMER_ID],
        responses={200: CustomerRelationshipsSerializer},
    )
    def get(self, request, customer_id):
        access = _access(request, customer_id)
        items = [relationship_body(r) for r in selectors.customer_relationships(access=access)]
        return Response(
            {"totalCount": len(items), "items": items, "attributes": {"objectType": "Collection"}}
        )


class RelationshipRequestView(TenantAPIView, APIView):
    @extend_schema(
        summary="Your direct reseller relationship request link",
        operation_id="customers_relationshiprequests_get",
        responses={
            200: inline_serializer(
                "CustomerRelationshipRequest",
                {"url": serializers.URLField(), "attributes": serializers.DictField()},
            ),
            403: ERROR_BODY,
        },
    )
    def get(self, request):
        url = relationship_request_url(partner=_profile(request), user=request.user, delegated_admin=True)
        return Response({"url": url, "attributes": attributes("CustomerRelationshipRequest")})
