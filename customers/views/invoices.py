"""Billing (R18 "bill customers directly"): the direct-bill partner's invoices to its direct-bill customers."""

from __future__ import annotations

from django.shortcuts import render

from partnercenter import paging
from tenants.permissions import partner_required

from ..services import invoices as billing

PAGE_SIZE = 25


@partner_required
def invoice_list(request):
    profile = request.partner_profile
    refusal = billing.billing_refusal(profile=profile, user=request.user)
    if refusal is not None:  # an indirect reseller: its provider bills its customers
        return render(
            request, "customers/invoice_list.html", {"refusal": refusal.message}, status=refusal.status
        )
    qs = billing.invoices_for(profile=profile, user=request.user)
    try:
        page = paging.seek_page(qs, path=request.path, token=request.GET.get("cursor"), size=PAGE_SIZE)
    except paging.BadCursor:  # a stale or edited link: start from the top
        page = paging.seek_page(qs, path=request.path, token=None, size=PAGE_SIZE)
    return render(request, "customers/invoice_list.html", {"page_obj": page})


@partner_required
def invoice_detail(request, number):
    invoice = billing.invoice_for(profile=request.partner_profile, user=request.user, number=number)
    return render(
        request,
        "customers/invoice_detail.html",
        {"invoice": invoice, "lines": list(billing.invoice_lines(invoice=invoice))},
    )
