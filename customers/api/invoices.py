"""Invoices of a direct-bill partner to its direct-bill customers (R18 "bill customers directly"), in the
real Partner Center Invoice resources' shapes: `GET /v1/invoices`, `GET /v1/invoices/{id}` and
`GET /v1/invoices/{id}/lineitems?provider=&invoicelineitemtype=billinglineitems`.

Partner Center's invoices are Microsoft's to the partner; here the same resources carry the partner's
invoice to one customer, so each invoice also names its `customerId` and `customerName`, and its line
items are the license-based (`office`) and one-time (`one_time`) billing line items of that customer."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from partnercenter.api import ERROR_BODY, TenantAPIView, page_body, page_slice
from partnercenter.errors import DomainError

from ..models import Invoice, InvoiceLineItem
from ..services import invoices as billing
from .common import PAGING, _profile

INVOICE_ID = OpenApiParameter("invoice_id", str, OpenApiParameter.PATH, description="The invoice id")
# Partner Center's billing providers: license-based subscriptions are "office"; reservations and software,
# bought once or on a term, are "one_time".
PROVIDER_OFFICE, PROVIDER_ONE_TIME = "office", "one_time"
PROVIDERS = {"office": PROVIDER_OFFICE, "onetime": PROVIDER_ONE_TIME, "one_time": PROVIDER_ONE_TIME}
LINE_ITEM_TYPE = "billing_line_items"


def _money(value) -> float:
    return float(value)


def _date(value) -> str:
    return f"{value:%Y-%m-%d}T00:00:00Z"


def _link(uri: str) -> dict:
    return {"uri": uri, "method": "GET", "headers": []}


def line_provider(line: InvoiceLineItem) -> str:
    if line.charge_type == InvoiceLineItem.ChargeType.ONE_TIME or line.offer.is_reservation:
        return PROVIDER_ONE_TIME
    return PROVIDER_OFFICE


def invoice_body(invoice: Invoice, *, providers: list[str] | None = None) -> dict:
    number = invoice.number
    details = [
        {
            "invoiceLineItemType": LINE_ITEM_TYPE,
            "billingProvider": provider,
            "links": {
                "self": _link(
                    f"/v1/invoices/{number}/lineitems?provider={provider}&invoicelineitemtype=billinglineitems"
                )
            },
            "attributes": {"objectType": "InvoiceDetail"},
        }
        for provider in (providers if providers is not None else [PROVIDER_OFFICE, PROVIDER_ONE_TIME])
    ]
    return {
        "id": number,
        "invoiceDate": invoice.invoice_date,
        "billingPeriodStartDate": _date(invoice.period_start),
        "billingPeriodEndDate": _date(invoice.period_end),
        "totalCharges": _money(invoice.total_charges),
        "paidAmount": _money(invoice.paid_amount),
        "currencyCode": invoice.currency,
        "currencySymbol": "$" if invoice.currency == "USD" else invoice.currency,
        "pdfDownloadLink": None,
        "invoiceDetails": details,
        "amendments": [],
        "documentType": "invoice",
        "amendsOf": None,
        "invoiceType": "Recurring",
        # The state the portal adds: "open" while the month runs, "issued" once it has ended.
        "state": invoice.state,
        "customerId": str(invoice.customer.tenant_id),
        "customerName": invoice.customer.company_name,
        "links": {"self": _link(f"/v1/invoices/{number}")},
        "attributes": {"objectType": "Invoice"},
    }


def line_item_body(line: InvoiceLineItem, invoice: Invoice) -> dict:
    one_time = line_provider(line) == PROVIDER_ONE_TIME
    customer = invoice.customer
    sub = line.subscription
    return {
        "invoiceNumber": invoice.number,
        "partnerId": str(invoice.partner.tenant_id),
        "mpnId": int(invoice.partner.mpn_id) if invoice.partner.mpn_id.isdigit() else None,
        "tier2MpnId": None,
        "customerId": str(customer.tenant_id),
        "customerName": customer.company_name,
        "domainName": customer.tenant.default_domain,
        "orderId": str(line.order_id or (sub.order_id if sub else "")) or None,
        "subscriptionId": str(line.subscription_id) if line.subscription_id else None,
        "subscriptionDescription": sub.friendly_name if sub else line.offer_name,
        "subscriptionStartDate": _date(sub.created_at.date()) if sub else None,
        "subscriptionEndDate": _date(sub.term_end.date()) if sub else None,
        "offerId": line.offer_id,
        "durableOfferId": line.offer_id,
        "offerName": line.offer_name,
        "productId": line.offer_id.partition(":")[0],
        "skuId": line.offer_id.partition(":")[2],
        "chargeStartDate": _date(line.charge_start),
        "chargeEndDate": _date(line.charge_end),
        "chargeType": {"recurring": "Cycle fee", "term": "Cycle fee", "one_time": "New"}[line.charge_type],
        "billingCycleType": line.billing_cycle,
        "unitPrice": _money(line.unit_price),
        "quantity": line.quantity,
        "amount": _money(line.amount),
        "totalOtherDiscount": 0.0,
        "subtotal": _money(line.amount),
        "tax": 0.0,
        "totalForCustomer": _money(line.amount),
        "currency": invoice.currency,
        "invoiceLineItemType": LINE_ITEM_TYPE,
        "billingProvider": PROVIDER_ONE_TIME if one_time else PROVIDER_OFFICE,
        "attributes": {"objectType": "OneTimeInvoiceLineItem" if one_time else "LicenseBasedLineItem"},
    }


_Link = inline_serializer(
    "InvoiceLink",
    {"uri": serializers.CharField(), "method": serializers.CharField(), "headers": serializers.ListField()},
)
InvoiceSerializer = inline_serializer(
    "Invoice",
    {
        "id": serializers.CharField(),
        "invoiceDate": serializers.DateTimeField(),
        "billingPeriodStartDate": serializers.CharField(),
        "billingPeriodEndDate": serializers.CharField(),
        "totalCharges": serializers.FloatField(),
        "paidAmount": serializers.FloatField(),
        "currencyCode": serializers.CharField(),
        "currencySymbol": serializers.CharField(),
        "pdfDownloadLink": serializers.CharField(allow_null=True),
        "invoiceDetails": serializers.ListField(child=serializers.DictField()),
        "amendments": serializers.ListField(child=serializers.DictField()),
        "documentType": serializers.CharField(),
        "amendsOf": serializers.CharField(allow_null=True),
        "invoiceType": serializers.CharField(),
        "state": serializers.ChoiceField(choices=["open", "issued"]),
        "customerId": serializers.CharField(),
        "customerName": serializers.CharField(),
        "links": serializers.DictField(),
        "attributes": serializers.DictField(),
    },
)


def _collection(name: str) -> serializers.Serializer:
    return inline_serializer(
        name,
        {
            "totalCount": serializers.IntegerField(),
            "items": serializers.ListField(child=serializers.DictField()),
            "continuationToken": serializers.CharField(required=False),
            "links": serializers.DictField(required=False),
            "attributes": serializers.DictField(),
        },
    )


def _invoice(request, invoice_id) -> Invoice:
    return billing.invoice_for(profile=_profile(request), user=request.user, number=invoice_id)


class InvoicesView(TenantAPIView, APIView):
    @extend_schema(
        summary="The partner's invoices to its direct-bill customers",
        operation_id="invoices_list",
        parameters=PAGING,
        responses={200: _collection("InvoiceCollection"), 403: ERROR_BODY},
    )
    def get(self, request):
        qs = billing.invoices_for(profile=_profile(request), user=request.user)
        items, total, token = page_slice(request, qs)
        return Response(page_body(request, [invoice_body(i) for i in items], total, token))


class InvoiceView(TenantAPIView, APIView):
    @extend_schema(
        summary="One invoice",
        operation_id="invoices_retrieve",
        parameters=[INVOICE_ID],
        responses={200: InvoiceSerializer, 403: ERROR_BODY, 404: ERROR_BODY},
    )
    def get(self, request, invoice_id):
        invoice = _invoice(request, invoice_id)
        providers = sorted({line_provider(line) for line in billing.invoice_lines(invoice=invoice)})
        return Response(invoice_body(invoice, providers=providers))


class InvoiceLineItemsView(TenantAPIView, APIView):
    @extend_schema(
        summary="An invoice's billing line items",
        operation_id="invoices_lineitems",
        parameters=[
            INVOICE_ID,
            OpenApiParameter("provider", OpenApiTypes.STR, description="office or onetime (default: all)"),
            OpenApiParameter("invoicelineitemtype", OpenApiTypes.STR, description="billinglineitems"),
            *PAGING,
        ],
        responses={200: _collection("InvoiceLineItemCollection"), 400: ERROR_BODY, 404: ERROR_BODY},
    )
    def get(self, request, invoice_id):
        invoice = _invoice(request, invoice_id)
        raw_provider = (request.query_params.get("provider") or "").strip().lower()
        if raw_provider and raw_provider not in PROVIDERS:
            raise DomainError(
                _("provider is office or onetime."), code=400, status=400, reason="invoices.bad_provider"
            )
        line_type = (request.query_params.get("invoicelineitemtype") or "billinglineitems").strip().lower()
        if line_type not in ("billinglineitems", "billing_line_items"):
            raise DomainError(
                _("invoicelineitemtype is billinglineitems: the portal meters no usage."),
                code=400,
                status=400,
                reason="invoices.bad_line_item_type",
            )
        provider = PROVIDERS.get(raw_provider)
        lines = [
            line
            for line in billing.invoice_lines(invoice=invoice)
            if provider is None or line_provider(line) == provider
        ]
        items, total, token = page_slice(request, lines)
        return Response(page_body(request, [line_item_body(line, invoice) for line in items], total, token))
