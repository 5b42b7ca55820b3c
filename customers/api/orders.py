"""Orders and subscriptions of a customer, in the real Partner Center shapes (R12, R14, R15, R18)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from partnercenter.api import ERROR_BODY, TenantAPIView, page_body, page_slice
from tenants.api import LinkSerializer

from .. import selectors, services
from ..models import Offer, Order, Subscription
from ..services.orders import BILLING_CYCLES
from .common import CUSTOMER_ID, PAGING, _access, _valid, attributes, collection_of, link
from .offers import term_duration, unit_type

# SubscriptionStatus as served: the reference's "active", "suspended", "deleted" (and "pending", "none",
# which the portal never has), plus "expired" for a term that ended without renewal (new-commerce
# subscriptions report it).
SUBSCRIPTION_STATUSES = ["none", "active", "pending", "suspended", "expired", "deleted"]
ORDER_STATUSES = ["unknown", "completed", "pending", "cancelled"]
CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "KRW": "₩", "AUD": "$", "CAD": "$"}


def subscription_body(sub: Subscription, *, customer_id: str) -> dict:
    offer = sub.offer
    sid = str(sub.pk)
    editable = sub.status in (Subscription.Status.ACTIVE, Subscription.Status.SUSPENDED)
    return {
        "id": sid,
        "entitlementId": None,
        "offerId": sub.offer_id,
        "offerName": offer.name,
        "friendlyName": sub.friendly_name,
        "quantity": sub.quantity,
        "unitType": unit_type(offer),
        "parentSubscriptionId": None,
        "creationDate": sub.created_at,
        "effectiveStartDate": sub.term_start,
        "commitmentEndDate": sub.term_end,
        "status": sub.status,
        "autoRenewEnabled": sub.auto_renew,
        "billingType": offer.billing,
        "billingCycle": sub.billing_cycle,
        "termDuration": term_duration(offer.term_months),
        "renewalTermDuration": term_duration(offer.term_months) if sub.auto_renew else None,
        "hasPurchasableAddons": False,
        "isTrial": False,
        "isMicrosoftProduct": True,
        "publisherName": "Microsoft Corporation",
        # PATCH changes quantity, status and auto-renewal ("edit"); the portal has no cancel operation.
        "actions": ["edit"] if editable else [],
        "partnerId": sub.partner_on_record.mpn_id,
        # The portal records who suspended and when (the event trail), not a suspension reason code.
        "suspensionReasons": [],
        "contractType": "subscription",
        "refundOptions": [],
        "attentionNeeded": False,
        "orderId": str(sub.order_id),
        "links": {"self": link(f"/customers/{customer_id}/subscriptions/{sid}")},
        "attributes": attributes("Subscription"),
        # Facts the real Subscription has no field for (docs/api.md).
        "portal": {
            "assignedLicenses": getattr(sub, "assigned", None),
            "relationshipKind": sub.relationship.kind,
        },
    }


def line_item_body(item: dict, *, customer_id: str, offers: dict[str, Offer]) -> dict:
    offer = offers.get(item.get("offerId"))
    subscription_id = item.get("subscriptionId") or None
    return {
        "lineItemNumber": item.get("lineItemNumber", 0),
        "offerId": item.get("offerId"),
        "subscriptionId": subscription_id,
        "parentSubscriptionId": None,
        # A new subscription is named after its offer.
        "friendlyName": offer.name if offer else None,
        "quantity": item.get("quantity"),
        "termDuration": term_duration(offer.term_months) if offer else None,
        "transactionType": "new",
        "partnerIdOnRecord": item.get("partnerIdOnRecord") or None,
        "provisioningContext": {},
        "links": (
            {"subscription": link(f"/customers/{customer_id}/subscriptions/{subscription_id}")}
            if subscription_id
            else {}
        ),
    }


def order_offers(orders) -> dict[str, Offer]:
    """The offers the orders' line items name, in one query (a page of orders costs the same)."""
    ids = {item.get("offerId") for o in orders for item in o.line_items or []}
    return {o.pk: o for o in Offer.objects.filter(pk__in=ids)} if ids else {}


def order_body(order: Order, *, offers: dict[str, Offer]) -> dict:
    customer_id = str(order.customer.tenant_id)
    lines = [line_item_body(i, customer_id=customer_id, offers=offers) for i in order.line_items or []]
    currencies = {offers[i["offerId"]].currency for i in lines if i["offerId"] in offers}
    currency = currencies.pop() if len(currencies) == 1 else None
    return {
        "id": str(order.pk),
        "alternateId": None,
        "referenceCustomerId": customer_id,
        "billingCycle": order.billing_cycle,
        "transactionType": "UserPurchase",
        "currencyCode": currency,
        "currencySymbol": CURRENCY_SYMBOLS.get(currency) if currency else None,
        "lineItems": lines,
        "creationDate": order.created_at,
        "status": order.status,
        # The portal serves no single-order or provisioning-status resource to link to.
        "links": {},
        "attributes": attributes("Order"),
    }


class SubscriptionPortalSerializer(serializers.Serializer):
    assignedLicenses = serializers.IntegerField(allow_null=True, help_text="Seats assigned to users")
    relationshipKind = serializers.ChoiceField(
        choices=["direct", "indirect"], help_text="Bought under a direct-bill or an indirect relationship"
    )


class SubscriptionLinksSerializer(serializers.Serializer):
    self = LinkSerializer()


class SubscriptionSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    entitlementId = serializers.CharField(allow_null=True)
    offerId = serializers.CharField()
    offerName = serializers.CharField()
    friendlyName = serializers.CharField()
    quantity = serializers.IntegerField()
    unitType = serializers.CharField()
    parentSubscriptionId = serializers.CharField(allow_null=True)
    creationDate = serializers.DateTimeField()
    effectiveStartDate = serializers.DateTimeField()
    commitmentEndDate = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=SUBSCRIPTION_STATUSES)
    autoRenewEnabled = serializers.BooleanField()
    billingType = serializers.CharField(help_text="How it is billed: none, usage or license")
    billingCycle = serializers.CharField()
    termDuration = serializers.CharField()
    renewalTermDuration = serializers.CharField(allow_null=True)
    hasPurchasableAddons = serializers.BooleanField()
    isTrial = serializers.BooleanField()
    isMicrosoftProduct = serializers.BooleanField()
    publisherName = serializers.CharField()
    actions = serializers.ListField(child=serializers.ChoiceField(choices=["edit", "cancel"]))
    partnerId = serializers.CharField()
    suspensionReasons = serializers.ListField(child=serializers.CharField())
    contractType = serializers.ChoiceField(choices=["subscription", "productKey", "redemptionCode"])
    refundOptions = serializers.ListField(child=serializers.DictField())
    attentionNeeded = serializers.BooleanField()
    orderId = serializers.UUIDField()
    links = SubscriptionLinksSerializer()
    attributes = serializers.DictField()
    portal = SubscriptionPortalSerializer(help_text="Portal facts the real Subscription lacks (docs/api.md)")

    class Meta:
        ref_name = "Subscription"


class OrderLineItemSerializer(serializers.Serializer):
    lineItemNumber = serializers.IntegerField()
    offerId = serializers.CharField()
    subscriptionId = serializers.CharField(allow_null=True)
    parentSubscriptionId = serializers.CharField(allow_null=True)
    friendlyName = serializers.CharField(allow_null=True)
    quantity = serializers.IntegerField()
    termDuration = serializers.CharField(allow_null=True)
    transactionType = serializers.CharField()
    partnerIdOnRecord = serializers.CharField(allow_null=True)
    provisioningContext = serializers.DictField(child=serializers.CharField())
    links = inline_serializer("OrderLineItemLinks", {"subscription": LinkSerializer(required=False)})

    class Meta:
        ref_name = "OrderLineItem"


class OrderSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    alternateId = serializers.CharField(allow_null=True)
    referenceCustomerId = serializers.UUIDField()
    billingCycle = serializers.CharField()
    transactionType = serializers.ChoiceField(choices=["UserPurchase", "SystemPurchase", "SystemBilling"])
    currencyCode = serializers.CharField(allow_null=True)
    currencySymbol = serializers.CharField(allow_null=True)
    lineItems = OrderLineItemSerializer(many=True)
    creationDate = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=ORDER_STATUSES)
    links = serializers.DictField()
    attributes = serializers.DictField()

    class Meta:
        ref_name = "Order"


class LineItemSerializer(serializers.Serializer):
    lineItemNumber = serializers.IntegerField(required=False)
    offerId = serializers.CharField(max_length=40)
    quantity = serializers.IntegerField(min_value=1, max_value=100000)
    partnerIdOnRecord = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=20
    )
    friendlyName = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=200)


class OrderCreateSerializer(serializers.Serializer):
    referenceCustomerId = serializers.CharField(required=False, allow_null=True)
    billingCycle = serializers.ChoiceField(choices=list(BILLING_CYCLES), default="monthly")
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
        responses={200: collection_of("OrderCollection", OrderSerializer)},
    )
    def get(self, request, customer_id):
        access = _access(request, customer_id)
        items, total, token = page_slice(
            request, selectors.orders_for(access=access).select_related("customer")
        )
        offers = order_offers(items)
        return Response(page_body(request, [order_body(o, offers=offers) for o in items], total, token))

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
        responses={201: OrderSerializer, 400: ERROR_BODY, 403: ERROR_BODY, 404: ERROR_BODY, 409: ERROR_BODY},
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
        return Response(order_body(order, offers=order_offers([order])), status=status.HTTP_201_CREATED)


class SubscriptionsView(TenantAPIView, APIView):
    @extend_schema(
        summary="The customer's subscriptions",
        operation_id="customers_subscriptions_list",
        parameters=[CUSTOMER_ID, *PAGING],
        responses={200: collection_of("SubscriptionCollection", SubscriptionSerializer)},
    )
    def get(self, request, customer_id):
        access = _access(request, customer_id)
        items, total, token = page_slice(request, selectors.subscriptions_for(access=access))
        cid = str(access.customer.tenant_id)
        return Response(
            page_body(request, [subscription_body(s, customer_id=cid) for s in items], total, token)
        )


SUBSCRIPTION_ID = OpenApiParameter("subscription_id", str, OpenApiParameter.PATH)


class SubscriptionView(TenantAPIView, APIView):
    @extend_schema(
        summary="Get a subscription",
        operation_id="customers_subscriptions_get",
        parameters=[CUSTOMER_ID, SUBSCRIPTION_ID],
        responses={200: SubscriptionSerializer, 404: ERROR_BODY},
    )
    def get(self, request, customer_id, subscription_id):
        access = _access(request, customer_id)
        sub = selectors.subscription_for(access=access, subscription_id=subscription_id)
        return Response(subscription_body(sub, customer_id=str(access.customer.tenant_id)))

    @extend_schema(
        summary="Change quantity, suspend/reactivate, auto-renew",
        parameters=[CUSTOMER_ID, SUBSCRIPTION_ID],
        request=SubscriptionPatchSerializer,
        responses={
            200: SubscriptionSerializer,
            400: ERROR_BODY,
            403: ERROR_BODY,
            404: ERROR_BODY,
            409: ERROR_BODY,
        },
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
        sub = selectors.subscription_for(access=access, subscription_id=sub.pk)
        return Response(subscription_body(sub, customer_id=str(access.customer.tenant_id)))
