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
from tenants.api import country_code
from tenants.models import PartnerProfile

from .. import selectors, services
from ..models import CustomerAccount, ResellerRelationship
from ..services.accounts import relationship_request_url, reseller_relationships_remove
from .common import CUSTOMER_ID, PAGING, Collection, Obj, _access, _profile, _valid

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


def customer_body(
    account: CustomerAccount, rels: list[ResellerRelationship], profile: PartnerProfile
) -> dict:
    mine = [r for r in rels if r.status == "active"]
    kinds = sorted({r.kind for r in mine if r.partner_id == profile.pk or r.provider_id == profile.pk})
    reseller = next((r.partner for r in mine if r.provider_id == profile.pk), None)
    return {
        "id": str(account.tenant_id),
        "companyProfile": {
            "tenantId": str(account.tenant_id),
            "domain": account.tenant.default_domain,
            "companyName": account.company_name,
            "attributes": {"objectType": "CustomerCompanyProfile"},
        },
        "billingProfile": {
            "companyName": account.company_name,
            "email": account.contact_email,
            "defaultAddress": {"country": account.country, "city": account.city},
            "attributes": {"objectType": "CustomerBillingProfile"},
        },
        "relationshipToPartner": "reseller",
        "relationships": kinds,
        "associatedPartnerId": str(reseller.tenant_id) if reseller else None,
        "allowDelegatedAccess": any(r.delegated_admin for r in mine if r.partner_id == profile.pk),
        "isStoreForBusiness": account.store_for_business,
        "attributes": {"objectType": "Customer"},
    }


class CustomerCreateSerializer(serializers.Serializer):
    companyProfile = inline_serializer("NewCustomerCompanyProfile", {"domain": serializers.CharField()})
    billingProfile = inline_serializer(
        "NewCustomerBillingProfile",
        {
            "companyName": serializers.CharField(max_length=200),
            "email": serializers.EmailField(required=False, allow_blank=True),
            "firstName": serializers.CharField(required=False, allow_blank=True, max_length=100),
            "lastName": serializers.CharField(required=False, allow_blank=True, max_length=100),
            "defaultAddress": inline_serializer(
                "NewCustomerAddress",
                {
                    "country": serializers.CharField(required=False, allow_blank=True, max_length=100),
                    "city": serializers.CharField(required=False, allow_blank=True, max_length=100),
                },
                required=False,
            ),
        },
    )
    associatedPartnerId = serializers.UUIDField(help_text="The partnered indirect reseller's tenant id (R13)")


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
        responses={200: Collection, 400: ERROR_BODY, 403: ERROR_BODY},
    )
    def get(self, request):
        profile = _profile(request)
        qs = selectors.customers_for_partner(
            profile=profile, **_parse_filter(request.query_params.get("filter", ""))
        )
        items, total, token = page_slice(request, selectors.with_relationships(qs, profile=profile))
        body = [customer_body(c, c.my_relationships, profile) for c in items]
        return Response(page_body(request, body, total, token))

    @extend_schema(
        summary="Create a customer tenant for a partnered reseller (indirect provider, R13)",
        operation_id="customers_create",
        request=CustomerCreateSerializer,
        responses={201: Obj, 400: ERROR_BODY, 403: ERROR_BODY, 409: ERROR_BODY},
    )
    def post(self, request):
        profile = _profile(request)
        data = _valid(CustomerCreateSerializer, request.data)
        # Who may create, and for which reseller (R13), is the service's decision.
        reseller = PartnerProfile.objects.filter(tenant_id=data["associatedPartnerId"]).first()
        billing = data["billingProfile"]
        address = billing.get("defaultAddress") or {}
        domain = data["companyProfile"]["domain"].strip().lower()
        prefix = domain.removesuffix(".onmicrosoft.com")
        account, admin, password = services.customer_create_for_reseller(
            provider=profile,
            user=request.user,
            reseller=reseller,
            company_name=billing["companyName"],
            domain_prefix=prefix,
            contact_email=billing.get("email", ""),
            first_name=billing.get("firstName", ""),
            last_name=billing.get("lastName", ""),
            country=address.get("country", ""),
            city=address.get("city", ""),
        )
        rels = list(account.relationships.select_related("partner", "provider"))
        body = customer_body(account, rels, profile)
        body["userCredentials"] = {"userName": admin.email, "password": password}
        return Response(body, status=status.HTTP_201_CREATED)


class CustomerView(TenantAPIView, APIView):
    @extend_schema(
        summary="Get a customer",
        operation_id="customers_get",
        parameters=[CUSTOMER_ID],
        responses={200: Obj, 404: ERROR_BODY},
    )
    def get(self, request, customer_id):
        access = _access(request, customer_id)
        return Response(customer_body(access.customer, access.relationships, access.profile))

    @extend_schema(
        summary="Remove your reseller relationship (relationshipToPartner: none)",
        operation_id="customers_update",
        parameters=[CUSTOMER_ID],
        request=CustomerPatchSerializer,
        responses={200: Obj, 403: ERROR_BODY, 404: ERROR_BODY, 409: ERROR_BODY},
    )
    def patch(self, request, customer_id):
        access = _access(request, customer_id)
        _valid(CustomerPatchSerializer, request.data)
        reseller_relationships_remove(access=access, user=request.user, reason="relationshipToPartner: none")
        body = customer_body(access.customer, [], access.profile)
        body["relationshipToPartner"] = "none"
        return Response(body)


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
            200: inline_serializer("RelationshipRequest", {"url": serializers.URLField()}),
            403: ERROR_BODY,
        },
    )
    def get(self, request):
        url = relationship_request_url(partner=_profile(request), user=request.user, delegated_admin=True)
        return Response(
            {
                "url": url,
                "attributes": {"objectType": "CustomerRelationshipRequest"},
            }
        )
