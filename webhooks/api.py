"""The Partner Center webhook registration API (`/webhooks/v1/registration...`) and the event feed
(`GET /v1/events`). Bodies use Partner Center's names (`WebhookUrl`, `WebhookEvents`, `SubscriberId`)."""

from __future__ import annotations

import json

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from partnercenter.api import ERROR_BODY, TenantAPIView, error_response

from . import selectors, services
from .models import WebhookRegistration

ERRORS = {
    400: OpenApiResponse(
        ERROR_BODY, description="Invalid URL or event names (https only, no private addresses)."
    ),
    401: OpenApiResponse(ERROR_BODY, description="Missing, invalid or revoked bearer token."),
    403: OpenApiResponse(
        ERROR_BODY, description="Not a global admin or admin agent of a partner (SPEC §10)."
    ),
    404: OpenApiResponse(ERROR_BODY, description="No webhook registration."),
}


class RegistrationInSerializer(serializers.Serializer):
    WebhookUrl = serializers.CharField(max_length=2000)
    WebhookEvents = serializers.ListField(child=serializers.CharField(max_length=80), max_length=50)


class RegistrationSerializer(serializers.Serializer):
    SubscriberId = serializers.UUIDField()
    WebhookUrl = serializers.CharField()
    WebhookEvents = serializers.ListField(child=serializers.CharField())
    Health = serializers.ChoiceField(choices=WebhookRegistration.Health.choices)


def registration_body(registration: WebhookRegistration) -> dict:
    return {
        "SubscriberId": str(registration.subscriber_id),
        "WebhookUrl": registration.url,
        "WebhookEvents": list(registration.events),
        "Health": registration.health,
    }


class RegistrationView(TenantAPIView, APIView):
    @extend_schema(operation_id="webhook_registration_get", responses={200: RegistrationSerializer, **ERRORS})
    def get(self, request):
        registration = selectors.registration_for(request.user)
        if registration is None:
            return error_response(
                404, _("This partner has no webhook registration."), 404, reason="webhooks.not_registered"
            )
        return Response(registration_body(registration))

    @extend_schema(
        operation_id="webhook_registration_create",
        request=RegistrationInSerializer,
        responses={201: RegistrationSerializer, 409: OpenApiResponse(ERROR_BODY), **ERRORS},
    )
    def post(self, request):
        data = _valid(request)
        registration = services.registration_create(
            user=request.user, url=data["WebhookUrl"], events_=data["WebhookEvents"]
        )
        return Response(registration_body(registration), status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="webhook_registration_update",
        request=RegistrationInSerializer,
        responses={200: RegistrationSerializer, **ERRORS},
    )
    def put(self, request):
        data = _valid(request)
        registration = services.registration_update(
            user=request.user, url=data["WebhookUrl"], events_=data["WebhookEvents"]
        )
        return Response(registration_body(registration))

    @extend_schema(operation_id="webhook_registration_delete", responses={204: None, **ERRORS})
    def delete(self, request):
        services.registration_delete(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _valid(request) -> dict:
    serializer = RegistrationInSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class EventNamesView(TenantAPIView, APIView):
    @extend_schema(
        operation_id="webhook_registration_events",
        responses={
            200: OpenApiResponse(
                {"type": "array", "items": {"type": "string"}}, description="The event names."
            ),
            401: ERRORS[401],
        },
    )
    def get(self, request):
        return Response(list(services.REGISTRABLE))


class CorrelationSerializer(serializers.Serializer):
    CorrelationId = serializers.UUIDField()


class ValidationEventsView(TenantAPIView, APIView):
    @extend_schema(
        operation_id="webhook_validation_event_send",
        request=None,
        responses={200: CorrelationSerializer, 429: OpenApiResponse(ERROR_BODY), **ERRORS},
    )
    def post(self, request):
        correlation_id = services.validation_event_send(user=request.user)
        return Response({"CorrelationId": str(correlation_id)})


class AttemptSerializer(serializers.Serializer):
    attempt = serializers.IntegerField()
    time = serializers.DateTimeField()
    statusCode = serializers.IntegerField(allow_null=True)
    latencyMs = serializers.IntegerField()
    responseBody = serializers.CharField(allow_blank=True)
    error = serializers.CharField(allow_blank=True)


class ValidationEventSerializer(serializers.Serializer):
    correlationId = serializers.UUIDField()
    partnerId = serializers.UUIDField()
    status = serializers.CharField()
    events = serializers.ListField(child=serializers.DictField())


class ValidationEventView(TenantAPIView, APIView):
    @extend_schema(
        operation_id="webhook_validation_event_get", responses={200: ValidationEventSerializer, **ERRORS}
    )
    def get(self, request, correlation_id):
        notification, delivery = selectors.validation_event_for(request.user, correlation_id)
        attempts = list(delivery.attempt_log.all()) if delivery is not None else []
        state = delivery.status if delivery is not None else "failed"
        return Response(
            {
                "correlationId": str(correlation_id),
                "partnerId": str(notification.tenant_id),
                "status": {"delivered": "completed"}.get(state, state),
                "events": [
                    {
                        "correlationId": str(correlation_id),
                        "eventName": notification.event_name,
                        "status": {"delivered": "completed"}.get(state, state),
                        "retryCount": max(len(attempts) - 1, 0),
                        "resultCode": str(attempts[-1].status_code or "") if attempts else "",
                        "resultMessage": (attempts[-1].error or attempts[-1].response_excerpt)
                        if attempts
                        else "",
                        "attempts": [
                            {
                                "attempt": a.number,
                                "time": a.started_at,
                                "statusCode": a.status_code,
                                "latencyMs": a.latency_ms,
                                "responseBody": a.response_excerpt,
                                "error": a.error,
                            }
                            for a in attempts
                        ],
                    }
                ],
            }
        )


class FeedItemSerializer(serializers.Serializer):
    Id = serializers.CharField()
    EventName = serializers.CharField()
    ResourceUri = serializers.CharField()
    ResourceName = serializers.CharField()
    AuditUri = serializers.CharField(allow_null=True)
    ResourceChangeUtcDate = serializers.CharField()


class FeedSerializer(serializers.Serializer):
    items = FeedItemSerializer(many=True)
    cursor = serializers.CharField()
    hasMore = serializers.BooleanField()


class EventFeedView(TenantAPIView, APIView):
    @extend_schema(
        operation_id="events_list",
        parameters=[
            OpenApiParameter("since", str, description="The `cursor` of the previous page; omit to start."),
            OpenApiParameter("size", int, description="Items per page (1-500)."),
        ],
        responses={200: FeedSerializer, 400: OpenApiResponse(ERROR_BODY), 401: ERRORS[401]},
    )
    def get(self, request):
        raw_size = request.query_params.get("size") or str(settings.PAGE_SIZE)
        try:
            size = int(raw_size)
        except ValueError:
            size = 0
        if not 1 <= size <= 500:
            return error_response(400, _("size must be between 1 and 500."), 400, reason="input.invalid")
        page, cursor, more = selectors.feed_for(
            self.tenant, since=request.query_params.get("since"), size=size
        )
        items = [{"Id": str(n.pk), **json.loads(n.body)} for n in page]
        return Response({"items": items, "cursor": cursor, "hasMore": more})
