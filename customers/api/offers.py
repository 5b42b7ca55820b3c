"""The offers catalog."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from partnercenter.api import TenantAPIView, page_body, page_slice

from .. import selectors
from ..models import Offer
from .common import PAGING, Collection


def offer_body(o: Offer) -> dict:
    return {
        "id": o.pk,
        "name": o.name,
        "description": o.description,
        "category": {"id": o.category.lower().replace(" ", "-"), "name": o.category},
        "billing": o.billing,
        "unitPrice": str(o.unit_price),
        "currencyCode": o.currency,
        "termDuration": f"P{o.term_months}M" if o.term_months % 12 else f"P{o.term_months // 12}Y",
        "minimumQuantity": o.min_quantity,
        "maximumQuantity": o.max_quantity,
        "attributes": {"objectType": "Offer"},
    }


class OffersView(TenantAPIView, APIView):
    @extend_schema(summary="The product catalog", parameters=PAGING, responses={200: Collection})
    def get(self, request):
        items, total, token = page_slice(request, selectors.offers_catalog())
        return Response(page_body(request, [offer_body(o) for o in items], total, token))
