"""REST API (SPEC §6): relationships between providers and resellers, and partnership invitations."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from partnercenter import clock
from partnercenter.api import ERROR_BODY, TenantAPIView, page_body, page_slice
from partnercenter.errors import Forbidden, InvalidInput, NotFound
from partnercenter.pagecache import cached_api
from tenants.api import country_code
from tenants.models import PartnerProfile, Partnership
from tenants.selectors import partner_profile_for

from . import selectors, services
from .models import PartnerInvitation, invitation_url

# The query parameter takes the PartnerRelationshipType member names; responses carry the serialized
# values (retrieve-a-list-of-indirect-resellers: "relationshipType": "is_indirect_cloud_solution_provider_of").
IS_RESELLER_OF = "IsIndirectResellerOf"
IS_PROVIDER_OF = "IsIndirectCloudSolutionProviderOf"
RELATIONSHIP_TYPE_VALUES = {
    IS_RESELLER_OF: "is_indirect_reseller_of",
    IS_PROVIDER_OF: "is_indirect_cloud_solution_provider_of",
}


def _profile(request) -> PartnerProfile:
    profile = partner_profile_for(request.user)
    if profile is None:
        raise Forbidden(
            _("This API is for partner tenants."),
            code=services.CODE_NOT_PARTNER,
            reason=services.REASON_NOT_PARTNER,
        )
    return profile


def relationship_body(partner: PartnerProfile, partnership: Partnership, relationship_type: str) -> dict:
    return {
        "id": str(partner.tenant_id),
        "name": partner.legal_name,
        "mpnId": partner.mpn_id,
        "location": country_code(partner.country),
        "relationshipType": RELATIONSHIP_TYPE_VALUES[relationship_type],
        "state": "Active" if partnership.status == Partnership.Status.ACTIVE else "Inactive",
        "attributes": {"objectType": "PartnerRelationship"},
        # Facts the real PartnerRelationship has no field for (docs/api.md).
        "portal": {"since": partnership.created_at},
    }


def invitation_body(invitation: PartnerInvitation, now) -> dict:
    reseller = invitation.reseller
    return {
        "id": str(invitation.pk),
        "email": invitation.email,
        "status": invitation.effective_status(now),
        "createdAt": invitation.created_at,
        "expiresAt": invitation.expires_at,
        "sentAt": invitation.sent_at,
        # "closedAt" is the API's name since the first release; the model calls it finished_at.
        "closedAt": invitation.finished_at,
        "reseller": (
            {"id": str(reseller.tenant_id), "name": reseller.legal_name, "mpnId": reseller.mpn_id}
            if reseller
            else None
        ),
        "attributes": {"objectType": "PartnerInvitation"},
    }


RelationshipSerializer = inline_serializer(
    "PartnerRelationship",
    {
        "id": serializers.CharField(help_text="The other partner's tenant id"),
        "name": serializers.CharField(),
        "mpnId": serializers.CharField(),
        "location": serializers.CharField(
            allow_null=True, help_text="ISO 3166-1 alpha-2 code; null when unknown"
        ),
        "relationshipType": serializers.ChoiceField(choices=list(RELATIONSHIP_TYPE_VALUES.values())),
        "state": serializers.CharField(),
        "attributes": serializers.DictField(),
        "portal": inline_serializer(
            "PartnerRelationshipPortal",
            {"since": serializers.DateTimeField(help_text="When the partnership was established")},
            help_text="Portal facts the real PartnerRelationship lacks (docs/api.md)",
        ),
    },
)
RelationshipsSerializer = inline_serializer(
    "PartnerRelationshipCollection",
    {
        "totalCount": serializers.IntegerField(),
        "items": RelationshipSerializer.__class__(many=True),
        "continuationToken": serializers.CharField(required=False),
    },
)
ResellerRefSerializer = inline_serializer(
    "InvitationReseller",
    {"id": serializers.CharField(), "name": serializers.CharField(), "mpnId": serializers.CharField()},
)
InvitationSerializer = inline_serializer(
    "PartnerInvitation",
    {
        "id": serializers.CharField(),
        # Empty when the provider shared the link itself (Done on the draft page) instead of emailing it
        # through the portal. Drafts are never stored, so every listed invitation was sent one way or the other.
        "email": serializers.EmailField(allow_blank=True),
        "status": serializers.ChoiceField(choices=PartnerInvitation.Status.values),
        "createdAt": serializers.DateTimeField(),
        "expiresAt": serializers.DateTimeField(),
        "sentAt": serializers.DateTimeField(allow_null=True),
        "closedAt": serializers.DateTimeField(allow_null=True),
        "reseller": ResellerRefSerializer.__class__(allow_null=True),
    },
)
InvitationsSerializer = inline_serializer(
    "PartnerInvitationCollection",
    {
        "totalCount": serializers.IntegerField(),
        "items": InvitationSerializer.__class__(many=True),
        "continuationToken": serializers.CharField(required=False),
    },
)


class InvitationCreateSerializer(serializers.Serializer):
    email = serializers.EmailField(help_text="The reseller's email address; the invitation is emailed to it")


class InvitationAcceptSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=200, help_text="The token from the invitation link")


class RelationshipsView(TenantAPIView, APIView):
    @extend_schema(
        summary="List indirect providers or indirect resellers",
        parameters=[
            OpenApiParameter(
                "relationship_type",
                str,
                required=True,
                enum=[IS_RESELLER_OF, IS_PROVIDER_OF],
                description=f"{IS_RESELLER_OF}: my providers; {IS_PROVIDER_OF}: my resellers",
            ),
            OpenApiParameter("size", int, required=False),
            OpenApiParameter("continuationToken", str, required=False),
        ],
        responses={200: RelationshipsSerializer, 400: ERROR_BODY, 403: ERROR_BODY},
    )
    @cached_api
    def get(self, request):
        profile = _profile(request)
        kind = (request.query_params.get("relationship_type") or "").strip().lower()
        if kind == IS_RESELLER_OF.lower():
            items, total, nxt = page_slice(request, selectors.providers_of(profile))
            body = [relationship_body(p.provider, p, IS_RESELLER_OF) for p in items]
        elif kind == IS_PROVIDER_OF.lower():
            items, total, nxt = page_slice(request, selectors.resellers_of(profile))
            body = [relationship_body(p.reseller, p, IS_PROVIDER_OF) for p in items]
        else:
            raise InvalidInput(
                _("relationship_type must be %(a)s or %(b)s.") % {"a": IS_RESELLER_OF, "b": IS_PROVIDER_OF}
            )
        return Response(page_body(request, body, total, nxt))


class PartnerInvitationsView(TenantAPIView, APIView):
    @extend_schema(
        summary="The provider's partnership invitations",
        parameters=[
            OpenApiParameter("status", str, required=False, enum=PartnerInvitation.Status.values),
            OpenApiParameter("size", int, required=False),
            OpenApiParameter("continuationToken", str, required=False),
        ],
        responses={200: InvitationsSerializer, 403: ERROR_BODY},
    )
    def get(self, request):
        profile = services.require_provider(profile=_profile(request), user=request.user)
        qs = selectors.invitations_of(profile, status=(request.query_params.get("status") or "").strip())
        items, total, nxt = page_slice(request, qs)
        now = clock.now()
        return Response(page_body(request, [invitation_body(i, now) for i in items], total, nxt))

    @extend_schema(
        summary="Invite a reseller (the invitation is emailed)",
        request=InvitationCreateSerializer,
        responses={
            201: inline_serializer(
                "PartnerInvitationCreated",
                {
                    "id": serializers.CharField(),
                    "status": serializers.CharField(),
                    "url": serializers.URLField(),
                    "expiresAt": serializers.DateTimeField(),
                },
            ),
            400: ERROR_BODY,
            403: ERROR_BODY,
        },
    )
    def post(self, request):
        profile = services.require_provider(profile=_profile(request), user=request.user)
        data = InvitationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invitation, token = services.invitation_create_and_send(
            provider=profile, user=request.user, to=data.validated_data["email"]
        )
        return Response(
            {
                "id": str(invitation.pk),
                "status": invitation.status,
                "url": invitation_url(token),
                "expiresAt": invitation.expires_at,
                "email": invitation.email,
            },
            status=status.HTTP_201_CREATED,
        )


class PartnerInvitationRevokeView(TenantAPIView, APIView):
    @extend_schema(
        summary="Revoke a pending invitation",
        request=None,
        responses={200: InvitationSerializer, 404: ERROR_BODY, 409: ERROR_BODY},
    )
    def post(self, request, invitation_id: int):
        profile = _profile(request)
        # Another tenant's invitation does not exist for this caller: 404 before any role check.
        if selectors.invitation_of(profile, invitation_id) is None:
            raise NotFound(_("No such invitation."), reason=services.REASON_NOT_FOUND)
        invitation = services.invitation_revoke(
            provider=profile, invitation_id=invitation_id, user=request.user
        )
        return Response(invitation_body(invitation, clock.now()))


class PartnerInvitationAcceptView(TenantAPIView, APIView):
    @extend_schema(
        summary="Accept a provider's invitation (the reseller's global admin)",
        request=InvitationAcceptSerializer,
        responses={
            200: inline_serializer(
                "PartnerInvitationAccepted",
                {
                    "id": serializers.CharField(),
                    "status": serializers.CharField(),
                    "relationship": RelationshipSerializer.__class__(),
                },
            ),
            403: ERROR_BODY,
            404: ERROR_BODY,
            409: ERROR_BODY,
            410: ERROR_BODY,
        },
    )
    def post(self, request):
        data = InvitationAcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        partnership = services.invitation_accept(token=data.validated_data["token"], user=request.user)
        invitation = partnership.invitations.first()
        return Response(
            {
                "id": str(invitation.pk) if invitation else None,
                "status": PartnerInvitation.Status.ACCEPTED,
                "relationship": relationship_body(partnership.provider, partnership, IS_RESELLER_OF),
            }
        )
