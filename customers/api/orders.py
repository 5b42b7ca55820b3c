"""Orders and subscriptions of a customer, in the real Partner Center shapes (R12, R14, R15, R18)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from partnercenter.api import ERROR_BODY, TenantAPIView, page_body, page_slice

from .. import selectors, services
from ..models import Order, Subscription
from .common import CUSTOMER_ID, PAGING, Collection, Obj, _access, _valid


def subscription_body(sub: Subscription) -> dict:
    return {
        "id": str(sub.pk),
        "offerId": sub.offer_id,
        "offerName": sub.offer.name,
        "friendlyName": sub.friendly_name,
        "quantity": sub.quantity,
        "unitType": "Licenses" if sub.offer.is_license_based else "Usage-based",
        "status": sub.status,
        "autoRenewEnabled": sub.auto_renew,
        "billingCycle": sub.billing_cycle,
        "creationDate": sub.created_at,
        "effectiveStartDate": sub.term_start,
        "commitmentEndDate": sub.term_end,
        "partnerId": sub.partner_on_record.mpn_id,
        "orderId": str(sub.order_id),
        "assignedLicenses": getattr(sub, "assigned", None),
        "attributes": {"objectType": "Subscription"},
    }


def order_body(order: Order) -> dict:
    return {
        "id": str(order.pk),
        "referenceCustomerId": str(order.customer.tenant_id),
        "billingCycle": order.billing_cycle,
        "lineItems": order.line_items,
        "status": order.status,
        "creationDate": order.created_at,
        "attributes": {"objectType": "Order"},
    }


class LineItemSerializer(serializers.Serializer):
    lineItemNumber = serializers.IntegerField(required=False)
    offerId = serializers.CharField(max_length=40)
    quantity = serializers.IntegerField(min_value=1, max_value=100000)
    partnerIdOnRecord = serializers.CharField(required=False, allow_blank=True, max_length=20)


class OrderCreateSerializer(serializers.Serializer):
    referenceCustomerId = serializers.CharField(required=False)
    billingCycle = serializers.ChoiceField(choices=["monthly", "annual"], default="monthly")
    lineItems = LineItemSerializer(many=True)


class SubscriptionPatchSerializer(serializers.Serializer):
    quantity = serializers.IntegerField(required=False, min_value=1, max_value=100000)
    status = serializers.ChoiceField(required=False, choices=["active", "suspended"])
    autoRenewEnabled = serializers.BooleanField(required=False)


class OrdersView(TenantAPIView, APIView):
    @extend_schema(
        summary="The customer's orders",
        operation_id="customers_orders_list",
        parameters=[CUSTOMER_ID, *PAGING],
        responses={200: Collection},
    )
    def get(self, request, customer_id):
        access = _access(request, customer_id)
        items, total, token = page_slice(
            request, selectors.orders_for(access=access).select_related("customer")
        )
        return Response(page_body(request, [order_body(o) for o in items], total, token))

    @extend_schema(
        summary="Place an order (direct bill, or provider with partnerIdOnRecord; R14, R18)",
        parameters=[
            CUSTOMER_ID,
            OpenApiParameter(
                "MS-RequestId",
                str,
                OpenApiParameter.HEADER,
                description="Idempotency key: the same id again returns the same order",
            ),
        ],
        request=OrderCreateSerializer,
        responses={201: Obj, 400: ERROR_BODY, 403: ERROR_BODY, 404: ERROR_BODY},
    )
    def post(self, request, customer_id):
        access = _access(request, customer_id)
        data = _valid(OrderCreateSerializer, request.data)
        lines = [dict(item) for item in data["lineItems"]]
        order = services.order_create(
            access=access,
            user=request.user,
            line_items=lines,
            billing_cycle=data["billingCycle"],
            request_id=request.headers.get("MS-RequestId"),
        )
        order = Order.objects.select_related("customer").get(pk=order.pk)
        return Response(order_body(order), status=status.HTTP_201_CREATED)


class SubscriptionsView(TenantAPIView, APIView):
    @extend_schema(
        summary="The customer's subscriptions",
        operation_id="customers_subscriptions_list",
        parameters=[CUSTOMER_ID, *PAGING],
        responses={200: Collection},
    )
    def get(self, request, customer_id):
        access = _access(request, customer_id)
        items, total, token = page_slice(request, selectors.subscriptions_for(access=access))
        return Response(page_body(request, [subscription_body(s) for s in items], total, token))


SUBSCRIPTION_ID = OpenApiParameter("subscription_id", str, OpenApiParameter.PATH)


class SubscriptionView(TenantAPIView, APIView):
    @extend_schema(
        summary="Get a subscription",
        operation_id="customers_subscriptions_get",
        parameters=[CUSTOMER_ID, SUBSCRIPTION_ID],
        responses={200: Obj, 404: ERROR_BODY},
    )
    def get(self, request, customer_id, subscription_id):
        access = _access(request, customer_id)
        return Response(
            subscription_body(selectors.subscription_for(access=access, subscription_id=subscription_id))
        )

    @extend_schema(
        summary="Change quantity, suspend/reactivate, auto-renew",
        parameters=[CUSTOMER_ID, SUBSCRIPTION_ID],
        request=SubscriptionPatchSerializer,
        responses={200: Obj, 400: ERROR_BODY, 404: ERROR_BODY, 409: ERROR_BODY},
    )
    def patch(self, request, customer_id, subscription_id):
        access = _access(request, customer_id)
        sub = selectors.subscription_for(access=access, subscription_id=subscription_id)
        data = _valid(SubscriptionPatchSerializer, request.data)
        services.subscription_update(
            access=access,
            user=request.user,
            subscription=sub,
            quantity=data.get("quantity"),
            status=data.get("status"),
            auto_renew=data.get("autoRenewEnabled"),
        )
        return Response(subscription_body(selectors.subscription_for(access=access, subscription_id=sub.pk)))
