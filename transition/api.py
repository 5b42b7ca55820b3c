"""The migration tracker and the bulk move over the API (/v1/transition/...)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from customers.api.common import PAGING, _profile, _valid
from customers.services.invitations import partnered_provider
from partnercenter.api import ERROR_BODY, TenantAPIView, page_body, page_slice

from . import selectors, services
from .models import MoveBatch, MoveBatchItem
from .selectors import MoveState


def customer_body(c) -> dict:
    blocked = c.move_state == MoveState.BLOCKED
    return {
        "id": str(c.tenant_id),
        "companyName": c.company_name,
        "domain": c.tenant.default_domain,
        "state": c.move_state,
        "invitation": (
            {
                "createdAt": c.invited_at,
                "provider": {"id": str(c.invited_provider_tenant), "name": c.invited_provider_name},
            }
            if c.invited_at
            else None
        ),
        "blockedReason": (
            {"code": selectors.BLOCKED_REASON, "description": selectors.reason_text(selectors.BLOCKED_REASON)}
            if blocked
            else None
        ),
        "attributes": {"objectType": "TransitionCustomer"},
    }


def batch_body(batch: MoveBatch) -> dict:
    return {
        "id": str(batch.pk),
        "state": batch.state,
        "provider": {"id": str(batch.provider.tenant_id), "name": batch.provider.legal_name},
        "includeDelegatedAdmin": batch.include_delegated_admin,
        "createdAt": batch.created_at,
        "finishedAt": batch.finished_at,
        "createdBy": batch.created_by.email if batch.created_by else None,
        "totalCount": batch.total,
        "invitedCount": batch.invited,
        "skippedCount": batch.skipped,
        "failedCount": batch.failed,
        "pendingCount": max(batch.total - batch.processed, 0),
        "reason": (
            {"code": batch.reason, "description": selectors.reason_text(batch.reason)}
            if batch.reason
            else None
        ),
        "attributes": {"objectType": "CustomerMoveBatch"},
    }


def item_body(item: MoveBatchItem) -> dict:
    return {
        "customerId": str(item.customer.tenant_id),
        "companyName": item.customer.company_name,
        "state": item.state,
        "invitationId": str(item.invitation_id) if item.invitation_id else None,
        "reason": (
            {"code": item.reason, "description": selectors.reason_text(item.reason, item.message)}
            if item.reason
            else None
        ),
        "processedAt": item.processed_at,
    }


Page = inline_serializer(
    "TransitionCollection",
    {
        "totalCount": serializers.IntegerField(),
        "items": serializers.ListField(child=serializers.DictField()),
        "continuationToken": serializers.CharField(required=False),
    },
)
BatchBody = inline_serializer(
    "CustomerMoveBatch",
    {
        "id": serializers.UUIDField(),
        "state": serializers.ChoiceField(choices=MoveBatch.State.values),
        "totalCount": serializers.IntegerField(),
        "invitedCount": serializers.IntegerField(),
        "skippedCount": serializers.IntegerField(),
        "failedCount": serializers.IntegerField(),
        "pendingCount": serializers.IntegerField(),
    },
)


class TransitionCustomersView(TenantAPIView, APIView):
    @extend_schema(
        summary="The migration tracker: your direct-bill customers and their move state",
        operation_id="transition_customers_list",
        parameters=[
            OpenApiParameter("state", str, enum=MoveState.VALUES, description="Only customers in this state"),
            OpenApiParameter("q", str, description="Search by company name or domain"),
            *PAGING,
        ],
        responses={200: Page, 400: ERROR_BODY},
    )
    def get(self, request):
        profile = _profile(request)
        state = (request.query_params.get("state") or "").strip()
        if state and state not in MoveState.VALUES:
            raise serializers.ValidationError(
                {"state": [_("Choose one of: %(states)s.") % {"states": ", ".join(MoveState.VALUES)}]}
            )
        q = (request.query_params.get("q") or "").strip()[:200]
        qs = selectors.with_details(
            selectors.tracker_customers(profile=profile, state=state, q=q), profile=profile
        )
        items, total, token = page_slice(request, qs)
        body = page_body(request, [customer_body(c) for c in items], total, token)
        body["stateCounts"] = selectors.state_counts(profile=profile, q=q)
        return Response(body)


class FilterSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=MoveState.VALUES, required=False, allow_blank=True, default="")
    q = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class MoveBatchCreateSerializer(serializers.Serializer):
    providerId = serializers.CharField(
        help_text="The indirect provider's tenant id, one of your partnered providers"
    )
    customerIds = serializers.ListField(
        child=serializers.CharField(max_length=64),
        required=False,
        allow_empty=False,
        max_length=services.MAX_BATCH,
        help_text="Tenant ids of your direct-bill customers",
    )
    filter = FilterSerializer(
        required=False, help_text="Instead of customerIds: every customer the tracker shows"
    )
    includeDelegatedAdmin = serializers.BooleanField(default=True)

    def validate(self, attrs):
        if ("customerIds" in attrs) == ("filter" in attrs):
            raise serializers.ValidationError(_("Give either customerIds or filter, not both."))
        return attrs


class MoveBatchesView(TenantAPIView, APIView):
    @extend_schema(
        summary="Your bulk customer invitation batches, newest first",
        operation_id="transition_invitations_list",
        parameters=PAGING,
        responses={200: Page},
    )
    def get(self, request):
        qs = selectors.batches_of(profile=_profile(request)).select_related("provider__tenant")
        items, total, token = page_slice(request, qs)
        return Response(page_body(request, [batch_body(b) for b in items], total, token))

    @extend_schema(
        summary="Invite many direct-bill customers with one provider, as one durable batch (R11, R15)",
        operation_id="transition_invitations_create",
        request=MoveBatchCreateSerializer,
        responses={201: BatchBody, 400: ERROR_BODY, 403: ERROR_BODY},
    )
    def post(self, request):
        profile = _profile(request)
        data = _valid(MoveBatchCreateSerializer, request.data)
        provider = partnered_provider(reseller=profile, user=request.user, provider_id=data["providerId"])
        flt = data.get("filter") or {}
        batch = services.move_batch_create(
            reseller=profile,
            user=request.user,
            provider=provider,
            customer_ids=data.get("customerIds"),
            state=flt.get("state") or "",
            q=(flt.get("q") or "").strip(),
            include_delegated_admin=data["includeDelegatedAdmin"],
        )
        batch = selectors.batch_of(profile=profile, batch_id=batch.pk)
        return Response(batch_body(batch), status=status.HTTP_201_CREATED)


BATCH_ID = OpenApiParameter("batch_id", str, OpenApiParameter.PATH, description="The batch id")


class MoveBatchView(TenantAPIView, APIView):
    @extend_schema(
        summary="A bulk customer invitation batch and its progress",
        operation_id="transition_invitations_retrieve",
        parameters=[BATCH_ID],
        responses={200: BatchBody, 404: ERROR_BODY},
    )
    def get(self, request, batch_id):
        batch = selectors.batch_of(profile=_profile(request), batch_id=batch_id)
        return Response(batch_body(batch))


class MoveBatchItemsView(TenantAPIView, APIView):
    @extend_schema(
        summary="The customers of a batch: invited, skipped or failed, and why",
        operation_id="transition_invitations_items",
        parameters=[
            BATCH_ID,
            OpenApiParameter(
                "state", str, enum=MoveBatchItem.State.values, description="Only items in this state"
            ),
            *PAGING,
        ],
        responses={200: Page, 404: ERROR_BODY},
    )
    def get(self, request, batch_id):
        batch = selectors.batch_of(profile=_profile(request), batch_id=batch_id)
        state = (request.query_params.get("state") or "").strip()
        if state and state not in MoveBatchItem.State.values:
            raise serializers.ValidationError(
                {
                    "state": [
                        _("Choose one of: %(states)s.") % {"states": ", ".join(MoveBatchItem.State.values)}
                    ]
                }
            )
        items, total, token = page_slice(request, selectors.batch_items(batch=batch, state=state))
        return Response(page_body(request, [item_body(i) for i in items], total, token))
