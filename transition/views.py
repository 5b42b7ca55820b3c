"""The migration tracker page, its CSV export, the bulk move form and a batch's progress page."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from customers.selectors import partnered_providers
from customers.services.invitations import partnered_provider
from partnercenter import paging
from partnercenter.errors import DomainError, Forbidden
from tenants.permissions import partner_required

from . import selectors, services
from .forms import BulkMoveForm, TrackerFilterForm
from .selectors import MoveState

PAGE_SIZE = 50
PROBLEMS_PAGE_SIZE = 50


def _filters(request) -> dict:
    form = TrackerFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    return {"state": data.get("state") or "", "q": (data.get("q") or "").strip(), "form": form}


def _page(request, qs, size):
    try:
        return paging.seek_page(qs, path=request.path, token=request.GET.get("cursor"), size=size)
    except paging.BadCursor:  # a stale or edited link: start from the top
        return paging.seek_page(qs, path=request.path, token=None, size=size)


def _render_tracker(request, *, bulk_form=None, status=200):
    profile = request.partner_profile
    filters = _filters(request)
    qs = selectors.with_details(
        selectors.tracker_customers(profile=profile, state=filters["state"], q=filters["q"]), profile=profile
    )
    page = _page(request, qs, PAGE_SIZE)
    for row in page.object_list:
        row.state_label = MoveState.LABELS.get(row.move_state, "")
        if row.move_state == MoveState.BLOCKED:
            row.blocked_reason = selectors.reason_text(selectors.BLOCKED_REASON)
    providers = partnered_providers(reseller=profile)
    if bulk_form is None:
        bulk_form = BulkMoveForm(
            providers=providers,
            initial={"state": filters["state"], "q": filters["q"], "include_delegated_admin": True},
        )
    counts = selectors.state_counts(profile=profile, q=filters["q"])
    chart = selectors.progress_by_day(profile=profile)
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(
        request,
        "transition/tracker.html",
        {
            "page_obj": page,
            "filter_form": filters["form"],
            "bulk_form": bulk_form,
            "has_providers": providers.exists(),
            "counts": [(value, label, counts[value]) for value, label in MoveState.CHOICES],
            "counts_total": sum(counts.values()),
            "state": filters["state"],
            "q": filters["q"],
            "chart": _chart(chart),
            "batches": list(selectors.batches_of(profile=profile)[:5]),
            "query": query.urlencode(),
            "export_query": query.urlencode(),
        },
        status=status,
    )


CHART_HEIGHT = 120
BAR_WIDTH = 10
BAR_GAP = 4


def _chart(days: list[selectors.ChartDay]) -> dict:
    """A server-drawn SVG bar chart (no script; the bars are SVG geometry, allowed by the page's CSP)."""
    top = max([max(d.invited, d.moved) for d in days] + [1])
    bars = []
    slot = 2 * BAR_WIDTH + BAR_GAP
    for i, d in enumerate(days):
        x = i * slot
        hi = round(CHART_HEIGHT * d.invited / top)
        hm = round(CHART_HEIGHT * d.moved / top)
        bars.append(
            {
                "day": d.day,
                "invited": d.invited,
                "moved": d.moved,
                "x_invited": x,
                "x_moved": x + BAR_WIDTH,
                "y_invited": CHART_HEIGHT - hi,
                "y_moved": CHART_HEIGHT - hm,
                "h_invited": hi,
                "h_moved": hm,
                "label": i % 7 == 0,
            }
        )
    return {
        "bars": bars,
        "width": len(days) * slot,
        "height": CHART_HEIGHT,
        "label_y": CHART_HEIGHT + 14,
        "view_height": CHART_HEIGHT + 18,
        "bar_width": BAR_WIDTH,
        "top": top,
        "invited_total": sum(d.invited for d in days),
        "moved_total": sum(d.moved for d in days),
    }


@never_cache
@partner_required
def tracker(request):
    return _render_tracker(request)


@require_POST
@partner_required
def move(request):
    """Send customer invitations with one provider to the selected customers, or all matching the filter."""
    profile = request.partner_profile
    form = BulkMoveForm(request.POST, providers=partnered_providers(reseller=profile))
    if form.is_valid():
        data = form.cleaned_data
        try:
            provider = partnered_provider(
                reseller=profile, user=request.user, provider_id=str(data["provider"].tenant_id)
            )
            selected = data["scope"] == BulkMoveForm.SCOPE_SELECTED
            batch = services.move_batch_create(
                reseller=profile,
                user=request.user,
                provider=provider,
                customer_ids=data["customers"] if selected else None,
                state=data.get("state") or "",
                q=data.get("q") or "",
                include_delegated_admin=data["include_delegated_admin"],
            )
        except Forbidden:
            raise  # a refused role: the 403 page names the rule and the roles needed
        except DomainError as exc:
            form.add_error(None, exc.text)
        else:
            messages.success(
                request,
                _("Sending %(n)s customer invitations with %(provider)s.")
                % {"n": batch.total, "provider": provider.legal_name},
            )
            return redirect("transition:batch", batch_id=batch.pk)
    return _render_tracker(request, bulk_form=form, status=400)


@never_cache
@partner_required
def batch_detail(request, batch_id):
    batch = selectors.batch_of(profile=request.partner_profile, batch_id=batch_id)
    problems = _page(request, selectors.batch_problems(batch=batch), PROBLEMS_PAGE_SIZE)
    for item in problems.object_list:
        item.reason_text = selectors.reason_text(item.reason, item.message)
    return render(
        request,
        "transition/batch.html",
        {
            "batch": batch,
            "page_obj": problems,
            "status_url": reverse("api-transition-batch", args=[batch.pk]),
        },
    )


class _Echo:
    def write(self, value):
        return value


def _cell(value) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@require_GET
@partner_required
def export_csv(request):
    """The tracker's rows for the current filter, streamed (the whole book, in batches of rows)."""
    profile = request.partner_profile
    filters = _filters(request)
    qs = selectors.with_details(
        selectors.tracker_customers(profile=profile, state=filters["state"], q=filters["q"]), profile=profile
    )
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(
            [
                _("Company"),
                _("Domain"),
                _("Customer ID"),
                _("State"),
                _("Invited"),
                _("Indirect provider"),
                _("Reason"),
            ]
        )
        for c in qs.iterator(chunk_size=2000):
            blocked = c.move_state == MoveState.BLOCKED
            yield writer.writerow(
                [
                    _cell(c.company_name),
                    _cell(c.tenant.default_domain),
                    str(c.tenant_id),
                    str(MoveState.LABELS.get(c.move_state, "")),
                    c.invited_at.isoformat() if c.invited_at else "",
                    _cell(c.invited_provider_name or ""),
                    selectors.reason_text(selectors.BLOCKED_REASON) if blocked else "",
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="customer-migration.csv"'
    return response
