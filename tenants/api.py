from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from partnercenter.api import ERROR_BODY, TenantAPIView, error_response

from .models import PartnerProfile
from .selectors import partner_profile_for, programs_for

PARTNER_NOT_FOUND = 3000


class MpnProfileSerializer(serializers.Serializer):
    partnerName = serializers.CharField()
    mpnId = serializers.CharField()
    profileType = serializers.CharField()
    attributes = serializers.DictField()


class ContactSerializer(serializers.Serializer):
    email = serializers.EmailField()


class AddressSerializer(serializers.Serializer):
    country = serializers.CharField()
    region = serializers.CharField(allow_blank=True)
    city = serializers.CharField(allow_blank=True)


class ProgramSerializer(serializers.Serializer):
    program = serializers.CharField()
    name = serializers.CharField()
    status = serializers.CharField()
    joinedAt = serializers.DateTimeField()


class LegalBusinessProfileSerializer(serializers.Serializer):
    legalName = serializers.CharField()
    companyName = serializers.CharField()
    mpnId = serializers.CharField()
    tenantId = serializers.UUIDField()
    defaultDomain = serializers.CharField()
    primaryContact = ContactSerializer()
    mpnAccountEmail = serializers.EmailField()
    country = serializers.CharField()
    addressInformation = AddressSerializer()
    detailsConfirmedAt = serializers.DateTimeField(allow_null=True)
    identifiedForDirectBillOffboarding = serializers.BooleanField()
    programs = ProgramSerializer(many=True)
    profileType = serializers.CharField()
    attributes = serializers.DictField()


ERRORS = {
    401: OpenApiResponse(ERROR_BODY, description="Missing, invalid or revoked bearer token."),
    403: OpenApiResponse(ERROR_BODY, description="Not a user of a partner or customer tenant."),
}


def legal_business_body(profile: PartnerProfile) -> dict:
    programs = programs_for(profile)
    return {
        "legalName": profile.legal_name,
        "companyName": profile.legal_name,
        "mpnId": profile.mpn_id,
        "tenantId": str(profile.tenant_id),
        "defaultDomain": profile.tenant.default_domain,
        "primaryContact": {"email": profile.primary_contact_email},
        "mpnAccountEmail": profile.mpn_account_email,
        "country": profile.country,
        "addressInformation": {"country": profile.country, "region": profile.region, "city": profile.city},
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
        "profileType": "legal_business_profile",
        "attributes": {"objectType": "LegalBusinessProfile"},
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
        description="The caller's partner profile: legal name, MPN ID, primary contact and programs.",
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
