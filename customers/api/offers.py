"""The offers catalog, in the real Offer resource's shape (offer-resources)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from partnercenter.api import TenantAPIView, page_body, page_slice
from tenants.models import Program
from tenants.selectors import partner_profile_for
from tenants.services import has_program

from .. import selectors
from ..models import Offer
from ..services.orders import BILLING_CYCLES
from .common import PAGING, attributes, collection_of

PRODUCT_TYPES = ["subscription", "azure_reservation", "software"]


def unit_type(o: Offer) -> str:
    """Offer/Subscription `unitType` as in the reference's examples."""
    return "Usage-based" if o.billing == "usage" else "Licenses"


def term_duration(months: int) -> str:
    """ISO 8601 duration, as the real `termDuration` (P1M, P1Y, P3Y)."""
    return f"P{months}M" if months % 12 else f"P{months // 12}Y"


def supported_billing_cycles(o: Offer) -> list[str]:
    """BillingCycleType member names (product-resources) an order for this offer accepts: usage is billed
    monthly; software is paid once (`one_time` where orders take it; otherwise it is billed once whatever
    the order's cycle)."""
    cycles = list(BILLING_CYCLES)
    if getattr(o, "product_type", "subscription") == "software" and "one_time" in cycles:
        return ["one_time"]
    if o.billing == "usage" and "monthly" in cycles:
        return ["monthly"]
    return [c for c in cycles if c != "one_time"]


def offer_body(o: Offer, *, direct_bill: bool) -> dict:
    """`direct_bill`: the caller buys as a direct-bill partner, so offers only a direct-bill relationship may
    buy (Azure reservations, software: R18) are available to it for purchase."""
    product_type = getattr(o, "product_type", "subscription")
    direct_bill_only = getattr(o, "direct_bill_only", False)
    product_id, _sep, _sku = o.pk.partition(":")
    return {
        "id": o.pk,
        "name": o.name,
        "description": o.description,
        "minimumQuantity": o.min_quantity,
        "maximumQuantity": o.max_quantity,
        # The portal has one market and no offer ranking; no partner-scoped offer URI.
        "rank": None,
        "uri": None,
        "locale": None,
        "country": None,
        "category": {
            "id": o.category.lower().replace(" ", "-"),
            "name": o.category,
            "rank": None,
            "locale": None,
            "country": None,
            "attributes": attributes("OfferCategory"),
        },
        "limitUnitOfMeasure": "None",
        "limit": None,
        "prerequisiteOffers": [],
        "isAddOn": False,
        "hasAddOns": False,
        "isAvailableForPurchase": o.is_active and (direct_bill or not direct_bill_only),
        "billing": o.billing,
        "supportedBillingCycles": supported_billing_cycles(o),
        "isAutoRenewable": product_type != "software",
        "upgradeTargetOffers": [],
        "conversionTargetOffers": [],
        "reselleeQualifications": [],
        "resellerQualifications": [],
        "salesGroupId": None,
        "isTrial": False,
        "product": {"id": product_id, "name": o.name, "unit": unit_type(o)},
        "unitType": unit_type(o),
        "links": {},
        "attributes": attributes("Offer"),
        # Facts the real Offer has no field for (docs/api.md).
        "portal": {
            "productType": product_type,
            "directBillOnly": direct_bill_only,
            "unitPrice": str(o.unit_price),
            "currencyCode": o.currency,
            "termDuration": term_duration(o.term_months),
        },
    }


class OfferCategorySerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    rank = serializers.IntegerField(allow_null=True)
    locale = serializers.CharField(allow_null=True)
    country = serializers.CharField(allow_null=True)
    attributes = serializers.DictField()


class OfferProductSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()


class OfferPortalSerializer(serializers.Serializer):
    productType = serializers.ChoiceField(choices=PRODUCT_TYPES)
    directBillOnly = serializers.BooleanField(
        help_text="Only a direct-bill partner buys it, for its direct-bill customers"
    )
    unitPrice = serializers.DecimalField(
        max_digits=10, decimal_places=2, coerce_to_string=True, help_text="List price per unit"
    )
    currencyCode = serializers.CharField()
    termDuration = serializers.CharField(help_text="ISO 8601 duration: P1M, P1Y, P3Y")


class OfferSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    minimumQuantity = serializers.IntegerField()
    maximumQuantity = serializers.IntegerField()
    rank = serializers.IntegerField(allow_null=True)
    uri = serializers.CharField(allow_null=True)
    locale = serializers.CharField(allow_null=True)
    country = serializers.CharField(allow_null=True)
    category = OfferCategorySerializer()
    limitUnitOfMeasure = serializers.ChoiceField(choices=["None", "Concurrent", "LifeTime"])
    limit = serializers.IntegerField(allow_null=True)
    prerequisiteOffers = serializers.ListField(child=serializers.CharField())
    isAddOn = serializers.BooleanField()
    hasAddOns = serializers.BooleanField()
    isAvailableForPurchase = serializers.BooleanField(
        help_text="For the caller: false for an offer only a direct-bill partner buys, unless the caller is one"
    )
    billing = serializers.ChoiceField(choices=["none", "usage", "license"])
    supportedBillingCycles = serializers.ListField(child=serializers.CharField())
    isAutoRenewable = serializers.BooleanField()
    upgradeTargetOffers = serializers.ListField(child=serializers.CharField())
    conversionTargetOffers = serializers.ListField(child=serializers.CharField())
    reselleeQualifications = serializers.ListField(child=serializers.CharField())
    resellerQualifications = serializers.ListField(child=serializers.CharField())
    salesGroupId = serializers.CharField(allow_null=True)
    isTrial = serializers.BooleanField()
    product = OfferProductSerializer()
    unitType = serializers.CharField()
    links = serializers.DictField()
    attributes = serializers.DictField()
    portal = OfferPortalSerializer(help_text="Portal facts the real Offer lacks (docs/api.md)")

    class Meta:
        ref_name = "Offer"


class OffersView(TenantAPIView, APIView):
    @extend_schema(
        summary="The product catalog",
        operation_id="offers_list",
        parameters=PAGING,
        responses={200: collection_of("OfferCollection", OfferSerializer)},
    )
    def get(self, request):
        # Customer tenants see the catalog too; only a direct-bill partner buys direct-bill-only offers.
        direct_bill = has_program(partner_profile_for(request.user), Program.DIRECT_BILL)
        items, total, token = page_slice(request, selectors.offers_catalog())
        return Response(
            page_body(request, [offer_body(o, direct_bill=direct_bill) for o in items], total, token)
        )
