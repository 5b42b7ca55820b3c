from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from partnercenter import countries
from partnercenter.api import ERROR_BODY, TenantAPIView, error_response

from .models import PartnerProfile
from .selectors import partner_profile_for, programs_for

PARTNER_NOT_FOUND = 3000


class MpnProfileSerializer(serializers.Serializer):
    partnerName = serializers.CharField()
    mpnId = serializers.CharField()
    profileType = serializers.CharField()
    attributes = serializers.DictField()


def country_code(country: str | None) -> str | None:
    """ISO 3166-1 alpha-2 code for a stored country name or code (the real API answers codes:
    PartnerRelationship.location, Address.country); None when it is no country rather than a guess."""
    return countries.code(country)


class ContactSerializer(serializers.Serializer):
    """The real Contact object."""

    firstName = serializers.CharField(allow_null=True)
    lastName = serializers.CharField(allow_null=True)
    email = serializers.EmailField(allow_null=True)
    phoneNumber = serializers.CharField(allow_null=True)


class AddressSerializer(serializers.Serializer):
    """The real Address object; fields the portal has no fact for are null."""

    country = serializers.CharField(allow_null=True, help_text="ISO 3166-1 alpha-2 code")
    region = serializers.CharField(allow_null=True)
    city = serializers.CharField(allow_null=True)
    state = serializers.CharField(allow_null=True)
    addressLine1 = serializers.CharField(allow_null=True)
    addressLine2 = serializers.CharField(allow_null=True)
    postalCode = serializers.CharField(allow_null=True)
    firstName = serializers.CharField(allow_null=True)
    lastName = serializers.CharField(allow_null=True)
    phoneNumber = serializers.CharField(allow_null=True)


class ProgramSerializer(serializers.Serializer):
    program = serializers.CharField()
    name = serializers.CharField()
    status = serializers.CharField()
    joinedAt = serializers.DateTimeField()


# VettingStatus (Microsoft.Store.PartnerCenter.Models.Partners.VettingStatus) as serialized in responses.
VETTING_STATUSES = ["none", "pending", "authorized", "rejected"]


class LegalBusinessPortalSerializer(serializers.Serializer):
    """`portal`: this portal's facts the real LegalBusinessProfile has no field for (docs/api.md)."""

    mpnId = serializers.CharField()
    tenantId = serializers.UUIDField()
    defaultDomain = serializers.CharField()
    mpnAccountEmail = serializers.EmailField()
    country = serializers.CharField(help_text="The country as stored (a name)")
    salesRegion = serializers.CharField(allow_blank=True)
    detailsConfirmedAt = serializers.DateTimeField(allow_null=True)
    identifiedForDirectBillOffboarding = serializers.BooleanField()
    programs = ProgramSerializer(many=True)


class LinkSerializer(serializers.Serializer):
    uri = serializers.CharField()
    method = serializers.CharField()
    headers = serializers.ListField()


class SelfLinksSerializer(serializers.Serializer):
    self = LinkSerializer()


class LegalBusinessProfileSerializer(serializers.Serializer):
    companyName = serializers.CharField()
    address = AddressSerializer()
    primaryContact = ContactSerializer()
    companyApproverAddress = AddressSerializer(allow_null=True)
    companyApproverEmail = serializers.EmailField(allow_null=True)
    vettingStatus = serializers.ChoiceField(choices=VETTING_STATUSES)
    vettingSubStatus = serializers.CharField()
    profileType = serializers.CharField()
    links = SelfLinksSerializer()
    attributes = serializers.DictField()
    portal = LegalBusinessPortalSerializer()


ERRORS = {
    401: OpenApiResponse(ERROR_BODY, description="Missing, invalid or revoked bearer token."),
    403: OpenApiResponse(ERROR_BODY, description="Not a user of a partner or customer tenant."),
}


def legal_business_body(profile: PartnerProfile) -> dict:
    programs = programs_for(profile)
    # The real shape (get-legal-business-profile): companyName, address, primaryContact,
    # companyApproverAddress/Email, vettingStatus/SubStatus, profileType, links, attributes. The portal keeps
    # no street address, names or phone numbers, no company approver and no vetting: null / "none".
    return {
        "companyName": profile.legal_name,
        "address": {
            "country": country_code(profile.country),
            # Address.region is a state/province-level field; the portal's region is a sales region (portal).
            "region": None,
            "city": profile.city or None,
            "state": None,
            "addressLine1": None,
            "addressLine2": None,
            "postalCode": None,
            "firstName": None,
            "lastName": None,
            "phoneNumber": None,
        },
        "primaryContact": {
            "firstName": None,
            "lastName": None,
            "email": profile.primary_contact_email or None,
            "phoneNumber": None,
        },
        "companyApproverAddress": None,
        "companyApproverEmail": None,
        "vettingStatus": "none",
        "vettingSubStatus": "none",
        "profileType": "LegalBusinessProfile",
        "links": {"self": {"uri": "/profiles/legalbusiness", "method": "GET", "headers": []}},
        "attributes": {"objectType": "LegalBusinessProfile"},
        "portal": {
            "mpnId": profile.mpn_id,
            "tenantId": str(profile.tenant_id),
            "defaultDomain": profile.tenant.default_domain,
            "mpnAccountEmail": profile.mpn_account_email,
            "country": profile.country,
            "salesRegion": profile.region,
            "detailsConfirmedAt": profile.details_confirmed_at,
            "identifiedForDirectBillOffboarding": profile.identified_for_offboarding,
            "programs": [
                {
                    "program": m.program,
                    "name": str(m.get_program_display()),
                    "status": m.status,
                    "joinedAt": m.joined_at,
                }
                for m in programs.values()
            ],
        },
    }


class MpnProfileView(TenantAPIView, APIView):
    @extend_schema(
        operation_id="profiles_mpn_retrieve",
        summary="Look up a partner by MPN ID",
        description="The partner name for an MPN ID (any partner), or the caller's own when `mpnId` is "
        "omitted. Unknown MPN IDs answer 404 with code 3000.",
        parameters=[
            OpenApiParameter("mpnId", str, required=False, description="6–7 digit MPN ID; own when omitted")
        ],
        responses={
            200: MpnProfileSerializer,
            404: OpenApiResponse(ERROR_BODY, description="No partner has this MPN ID (code 3000)."),
            **ERRORS,
        },
    )
    def get(self, request):
        mpn_id = (request.query_params.get("mpnId") or "").strip()
        if not mpn_id:
            profile = partner_profile_for(request.user)
            if profile is None:
                return error_response(PARTNER_NOT_FOUND, _("This tenant has no partner profile."), 404)
        else:
            profile = (
                PartnerProfile.objects.filter(mpn_id=mpn_id).first()
                if mpn_id.isascii() and mpn_id.isdigit() and len(mpn_id) <= 7
                else None
            )
            if profile is None:
                return error_response(
                    PARTNER_NOT_FOUND, _("No partner has the MPN ID %(mpn)s.") % {"mpn": mpn_id[:20]}, 404
                )
        return Response(
            {
                "partnerName": profile.legal_name,
                "mpnId": profile.mpn_id,
                "profileType": "mpn_profile",
                "attributes": {"objectType": "MpnProfile"},
            }
        )


class LegalBusinessProfileView(TenantAPIView, APIView):
    @extend_schema(
        operation_id="profiles_legalbusiness_retrieve",
        summary="Own legal business profile",
        description="The caller's partner profile in the real LegalBusinessProfile shape; MPN ID, tenant, "
        "programs and other portal facts the real resource lacks are under `portal` (docs/api.md).",
        responses={
            200: LegalBusinessProfileSerializer,
            404: OpenApiResponse(ERROR_BODY, description="The caller's tenant is not a partner."),
            **ERRORS,
        },
    )
    def get(self, request):
        profile = partner_profile_for(request.user)
        if profile is None:
            return error_response(PARTNER_NOT_FOUND, _("This tenant has no partner profile."), 404)
        return Response(legal_business_body(profile))
