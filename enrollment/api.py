"""The enrollment API (SPEC §6). Thin: parse, call one service or selector, shape the body."""

from __future__ import annotations

import uuid

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from partnercenter.api import ERROR_BODY, TenantAPIView
from partnercenter.errors import DomainError, Forbidden, NotFound
from tenants.models import PartnerProfile
from tenants.selectors import partner_profile_for, programs_for

from . import selectors, services

REASONS = inline_serializer(
    "EligibilityReason",
    {
        "rule": serializers.CharField(),
        "code": serializers.CharField(),
        "description": serializers.CharField(),
    },
    many=True,
)
HISTORY = inline_serializer(
    "EnrollmentTransition",
    {
        "from": serializers.CharField(allow_blank=True),
        "to": serializers.CharField(),
        "by": serializers.CharField(),
        "at": serializers.DateTimeField(),
        "reason": serializers.CharField(allow_blank=True),
    },
    many=True,
)
ENROLLMENT = inline_serializer(
    "IndirectResellerEnrollment",
    {
        "status": serializers.ChoiceField(
            choices=["none", "pending_approval", "approved", "active", "rejected"]
        ),
        "legalName": serializers.CharField(),
        "mpnId": serializers.CharField(),
        "primaryContactEmail": serializers.EmailField(),
        "tenantId": serializers.UUIDField(),
        "defaultDomain": serializers.CharField(),
        "submittedAt": serializers.DateTimeField(allow_null=True),
        "approvalDueAt": serializers.DateTimeField(allow_null=True),
        "approvalPromisedAt": serializers.DateTimeField(allow_null=True),
        "approvedAt": serializers.DateTimeField(allow_null=True),
        "rejectedAt": serializers.DateTimeField(allow_null=True),
        "rejectionReason": serializers.CharField(allow_blank=True),
        "activatedAt": serializers.DateTimeField(allow_null=True),
        "canEnroll": serializers.BooleanField(),
        "eligibilityReasons": REASONS,
        "history": HISTORY,
    },
)


ENROLL_REQUEST = inline_serializer(
    "IndirectResellerEnrollmentRequest",
    {
        "primaryContactEmail": serializers.EmailField(
            required=False,
            help_text="The primary contact specified for this enrollment (R2); the approval email goes to it "
            "(R4). Defaults to the partner profile's primary contact.",
        ),
    },
)


def _profile(request, *, acting: bool = False) -> PartnerProfile:
    """The caller's partner profile. A tenant without one has no enrollment to read (404), and enrolling
    is refused to it like to any role that is not a partner's global admin (403, R1)."""
    profile = partner_profile_for(request.user)
    if profile is None and acting:
        raise Forbidden(
            _("Only a global admin of a partner tenant can enroll or accept the agreement."),
            rule="R1",
            reason="enrollment.not_partner",
        )
    if profile is None:
        raise NotFound(_("This tenant has no partner profile."), reason="enrollment.no_partner_profile")
    return profile


def enrollment_body(profile: PartnerProfile, user) -> dict:
    eligibility = selectors.enrollment_eligibility(profile=profile, user=user, programs=programs_for(profile))
    current, reasons = eligibility.current, eligibility.reasons
    source = current or profile
    return {
        "status": current.state if current else "none",
        "legalName": source.legal_name,
        "mpnId": source.mpn_id,
        "primaryContactEmail": source.primary_contact_email,
        "tenantId": str(profile.tenant_id),
        "defaultDomain": current.tenant_domain if current else profile.tenant.default_domain,
        "submittedAt": current.submitted_at if current else None,
        "approvalDueAt": current.approval_due_at if current else None,
        "approvalPromisedAt": current.approval_promised_at if current else None,
        "approvedAt": current.approved_at if current else None,
        "rejectedAt": current.rejected_at if current else None,
        "rejectionReason": current.rejection_reason if current else "",
        "activatedAt": current.activated_at if current else None,
        "canEnroll": eligibility.can_enroll,
        "eligibilityReasons": [r.as_data() for r in reasons],
        # Each state change's event: the states from its payload, who, when and why from the event.
        "history": [
            {
                "from": e.payload.get("from", ""),
                "to": e.payload.get("to", ""),
                "by": e.actor_label,
                "at": e.created_at,
                "reason": e.reason,
            }
            for e in selectors.enrollment_history(current)
        ],
        "attributes": {"objectType": "IndirectResellerEnrollment"},
    }


class EnrollmentView(TenantAPIView, APIView):
    @extend_schema(
        summary="Own indirect reseller enrollment",
        description="The status, timestamps, history and every reason the partner cannot enroll yet.",
        responses={200: ENROLLMENT, 404: ERROR_BODY},
    )
    def get(self, request):
        profile = _profile(request)
        return Response(enrollment_body(profile, request.user))

    @extend_schema(
        summary="Enroll now",
        description="Create the indirect reseller enrollment. The body may specify `primaryContactEmail` (R2; "
        "default: the profile's primary contact), to which the approval email goes (R4). 403 unless a global "
        "admin (R1); 409 with every eligibility reason in `data` when not eligible (R2, R3) or when an "
        "enrollment is already open; 400 when `primaryContactEmail` is not an email address.",
        request=ENROLL_REQUEST,
        responses={
            201: ENROLLMENT,
            400: OpenApiResponse(
                ERROR_BODY, description="`primaryContactEmail` is not an email address (R2)."
            ),
            403: OpenApiResponse(ERROR_BODY, description="Not the global admin (R1)."),
            409: OpenApiResponse(ERROR_BODY, description="Not eligible, or an enrollment is already open."),
        },
    )
    def post(self, request):
        profile = _profile(request, acting=True)
        data = request.data if isinstance(request.data, dict) else {}
        # Absent: the profile's; not a string or not an address: the service refuses it (400, R2).
        services.enrollment_submit(
            profile=profile, user=request.user, primary_contact_email=data.get("primaryContactEmail")
        )
        return Response(enrollment_body(profile, request.user), status=status.HTTP_201_CREATED)


class AgreementView(TenantAPIView, APIView):
    @extend_schema(
        summary="Accept and continue",
        description="Accept the indirect reseller agreement of an approved enrollment (R5). 409 unless "
        "approved; 403 unless a global admin (R1).",
        request=None,
        responses={200: ENROLLMENT, 403: ERROR_BODY, 409: ERROR_BODY},
    )
    def post(self, request):
        profile = _profile(request, acting=True)
        services.enrollment_accept_agreement(profile=profile, user=request.user)
        return Response(enrollment_body(profile, request.user), status=status.HTTP_200_OK)


class AgreementStatusView(TenantAPIView, APIView):
    @extend_schema(
        summary="Has a partner signed the indirect reseller agreement?",
        parameters=[
            OpenApiParameter("mpnId", str, required=False, description="the partner's MPN ID"),
            OpenApiParameter("tenantId", str, required=False, description="the partner's tenant id"),
        ],
        responses={
            200: inline_serializer("AgreementStatus", {"isAgreementSigned": serializers.BooleanField()}),
            400: ERROR_BODY,
            404: ERROR_BODY,
        },
    )
    def get(self, request):
        mpn_id = (request.query_params.get("mpnId") or "").strip()
        tenant_id = (request.query_params.get("tenantId") or "").strip()
        if not mpn_id and not tenant_id:
            raise DomainError(
                _("Give mpnId or tenantId."),
                code=400,
                status=400,
                reason="enrollment.agreement_status.no_query",
            )
        profiles = PartnerProfile.objects.all()
        if mpn_id:
            if not (mpn_id.isascii() and mpn_id.isdigit()):
                raise DomainError(
                    _("An MPN ID (Partner ID) is 6 or 7 digits."),
                    code=400,
                    status=400,
                    reason="enrollment.agreement_status.bad_mpn_id",
                )
            profiles = profiles.filter(mpn_id=mpn_id)
        if tenant_id:
            try:
                profiles = profiles.filter(tenant_id=uuid.UUID(tenant_id))
            except ValueError:
                raise DomainError(
                    _("tenantId must be a tenant id (a UUID)."),
                    code=400,
                    status=400,
                    reason="enrollment.agreement_status.bad_tenant_id",
                )
        profile = profiles.first()
        if profile is None:
            raise NotFound(
                _("No partner matches that MPN ID or tenant id."),
                code=3000,
                reason="enrollment.agreement_status.partner_not_found",
            )
        return Response({"isAgreementSigned": selectors.agreement_signed(profile)})
