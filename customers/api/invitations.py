"""Customer invitations (R11, R12): create, list, revoke, accept."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from partnercenter import clock
from partnercenter.api import ERROR_BODY, TenantAPIView, page_body, page_slice

from .. import selectors, services
from ..models import ResellerRelationship
from ..services.invitations import draft_text, invitation_url
from .common import PAGING, Collection, Obj, _profile, _valid
from .customers import relationship_body


class CustomerInvitationCreateSerializer(serializers.Serializer):
    providerId = serializers.CharField(
        help_text="The indirect provider's tenant id (a UUID), one of your partnered providers"
    )
    includeDelegatedAdmin = serializers.BooleanField(default=True)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=200)


def customer_invitation_body(inv) -> dict:
    return {
        "id": str(inv.pk),
        # A pending invitation past its expiry reads expired, as a partnership invitation does.
        "status": inv.effective_status(clock.now()),
        "includeDelegatedAdmin": inv.include_delegated_admin,
        "provider": {"id": str(inv.provider.tenant_id), "name": inv.provider.legal_name},
        "emailTo": inv.email_to,
        "createdAt": inv.created_at,
        "expiresAt": inv.expires_at,
        "customerId": str(inv.customer.tenant_id) if inv.customer else None,
        "attributes": {"objectType": "CustomerInvitation"},
    }


class CustomerInvitationsView(TenantAPIView, APIView):
    @extend_schema(
        summary="Your customer invitations",
        operation_id="customerinvitations_list",
        parameters=PAGING,
        responses={200: Collection},
    )
    def get(self, request):
        qs = selectors.invitations_sent(reseller=_profile(request)).select_related(
            "provider__tenant", "customer"
        )
        items, total, token = page_slice(request, qs)
        return Response(page_body(request, [customer_invitation_body(i) for i in items], total, token))

    @extend_schema(
        summary="Invite new customers with an indirect provider (reseller, R11)",
        request=CustomerInvitationCreateSerializer,
        responses={
            201: inline_serializer(
                "CustomerInvitation",
                {
                    "id": serializers.CharField(),
                    "url": serializers.URLField(),
                    "status": serializers.CharField(),
                    "expiresAt": serializers.DateTimeField(),
                    "emailDraft": inline_serializer(
                        "EmailDraft", {"subject": serializers.CharField(), "body": serializers.CharField()}
                    ),
                },
            ),
            400: ERROR_BODY,
            403: ERROR_BODY,
        },
    )
    def post(self, request):
        profile = _profile(request)
        data = _valid(CustomerInvitationCreateSerializer, request.data)
        provider = services.partnered_provider(
            reseller=profile, user=request.user, provider_id=data["providerId"]
        )
        invitation, token = services.customer_invitation_create(
            reseller=profile,
            user=request.user,
            provider=provider,
            include_delegated_admin=data["includeDelegatedAdmin"],
        )
        subject, body = draft_text(invitation, token)
        return Response(
            {
                "id": str(invitation.pk),
                "url": invitation_url(token),
                "status": invitation.status,
                "includeDelegatedAdmin": invitation.include_delegated_admin,
                "provider": {
                    "id": str(invitation.provider.tenant_id),
                    "name": invitation.provider.legal_name,
                },
                "expiresAt": invitation.expires_at,
                "emailDraft": {"subject": subject, "body": body},
                "attributes": {"objectType": "CustomerInvitation"},
            },
            status=status.HTTP_201_CREATED,
        )


class CustomerInvitationRevokeView(TenantAPIView, APIView):
    @extend_schema(
        summary="Revoke a pending customer invitation",
        request=None,
        parameters=[OpenApiParameter("invitation_id", int, OpenApiParameter.PATH)],
        responses={200: Obj, 404: ERROR_BODY, 409: ERROR_BODY},
    )
    def post(self, request, invitation_id):
        inv = selectors.invitation_of(reseller=_profile(request), invitation_id=invitation_id)
        inv = services.customer_invitation_revoke(invitation=inv, user=request.user)
        inv = selectors.invitation_of(reseller=inv.reseller, invitation_id=inv.pk)
        return Response(customer_invitation_body(inv))


class CustomerInvitationAcceptView(TenantAPIView, APIView):
    @extend_schema(
        summary="Authorize the reseller and provider (the customer's global admin, R12)",
        request=TokenSerializer,
        responses={200: Obj, 403: ERROR_BODY, 404: ERROR_BODY, 409: ERROR_BODY, 410: ERROR_BODY},
    )
    def post(self, request):
        data = _valid(TokenSerializer, request.data)
        rel = services.customer_invitation_accept(token=data["token"], user=request.user)
        rel = ResellerRelationship.objects.select_related("partner__tenant", "provider__tenant").get(
            pk=rel.pk
        )
        body = relationship_body(rel)
        body["customerId"] = str(request.user.tenant_id)
        return Response(body)
