from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from partnercenter.api import TenantAPIView, error_response

from .models import PartnerProfile
from .selectors import partner_profile_for, programs_for


def legal_business_body(profile: PartnerProfile) -> dict:
    programs = programs_for(profile)
    return {
        "legalName": profile.legal_name,
        "mpnId": profile.mpn_id,
        "tenantId": str(profile.tenant_id),
        "defaultDomain": profile.tenant.default_domain,
        "primaryContact": {"email": profile.primary_contact_email},
        "mpnAccountEmail": profile.mpn_account_email,
        "country": profile.country,
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
        "attributes": {"objectType": "LegalBusinessProfile"},
    }


class MpnProfileView(TenantAPIView, APIView):
    @extend_schema(
        summary="Look up a partner by MPN ID",
        parameters=[
            OpenApiParameter("mpnId", str, required=False, description="6–7 digit MPN ID; own when omitted")
        ],
        responses={
            200: inline_serializer(
                "MpnProfile", {"partnerName": serializers.CharField(), "mpnId": serializers.CharField()}
            )
        },
    )
    def get(self, request):
        mpn_id = (request.query_params.get("mpnId") or "").strip()
        if not mpn_id:
            profile = partner_profile_for(request.user)
        else:
            profile = PartnerProfile.objects.filter(mpn_id=mpn_id).first() if mpn_id.isdigit() else None
        if profile is None:
            return error_response(3000, _("No partner has the MPN ID %(mpn)s.") % {"mpn": mpn_id or "-"}, 404)
        return Response(
            {
                "partnerName": profile.legal_name,
                "mpnId": profile.mpn_id,
                "profileType": "mpn_profile",
                "attributes": {"objectType": "MpnProfile"},
            }
        )


class LegalBusinessProfileView(TenantAPIView, APIView):
    @extend_schema(summary="Own legal business profile", responses={200: dict})
    def get(self, request):
        profile = partner_profile_for(request.user)
        if profile is None:
            return error_response(404, _("This tenant has no partner profile."), 404)
        return Response(legal_business_body(profile))
