"""The partner's Customers list (R17), customer detail, provider-created tenants (R13), orders (R14, R18),
subscriptions, users and licenses."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from partnercenter import ids, paging
from partnercenter.errors import Conflict, DomainError, Forbidden, NotFound
from partnercenter.pagecache import cached_page
from partnercenter.templatetags import timeline
from tenants.models import Program, ProgramMembership
from tenants.permissions import partner_required
from tenants.selectors import programs_for

from .. import selectors, services
from ..forms import (
    CustomerCreateForm,
    CustomerFilterForm,
    CustomerUserForm,
    LicenseForm,
    OrderForm,
    SubscriptionActionForm,
)
from ..models import Offer, RelationshipKind, Subscription
from ..services.accounts import reseller_relationships_remove
from ..services.directory import license_change as license_change_service
from ..services.orders import order_refusal

PAGE_SIZE = 25
_ANY_TENANT = "00000000-0000-0000-0000-000000000000"
USERS_PAGE_SIZE = 50


def _access(request, customer_id):
    # NotFound is an Http404: another tenant's customer answers the readable 404 page.
    return selectors.customer_access(
        profile=request.partner_profile, customer_id=customer_id, user=request.user
    )


@cached_page
@partner_required
def customer_list(request):
    profile = request.partner_profile
    options = selectors.customer_list_options(
        profile=profile,
        user=request.user,
        provider_id=request.GET.get("provider"),
        reseller_id=request.GET.get("reseller"),
    )
    providers, resellers = options.providers, options.resellers
    request.partner_programs = programs_for(profile)  # remembered for a GET: no second query
    form = CustomerFilterForm(request.GET or None, providers=providers, resellers=resellers)
    audience = _list_audience(request.partner_programs, options)
    # Only the kinds of customers this partner can have: a provider has no direct-bill customers.
    form.fields["relationship"].choices = [
        (value, label)
        for value, label in form.fields["relationship"].choices
        if not value or value in audience["kinds"]
    ]
    filters = form.cleaned_data if form.is_valid() else {}
    reseller_filter = next((r for r in resellers if r.pk == filters.get("reseller")), None)
    qs = selectors.customers_for_partner(
        profile=profile,
        q=(filters.get("q") or "").strip(),
        relationship=filters.get("relationship") or "",
        provider_id=filters.get("provider"),
        reseller_tenant_id=str(reseller_filter.tenant_id) if reseller_filter else "",
    )
    details = selectors.with_list_details(qs, profile=profile)
    try:
        page = paging.seek_page(details, path=request.path, token=request.GET.get("cursor"), size=PAGE_SIZE)
    except paging.BadCursor:  # a stale or edited link: start from the top
        page = paging.seek_page(details, path=request.path, token=None, size=PAGE_SIZE)
    page.object_list = selectors.list_rows(page.object_list, profile=profile, user=request.user)
    # Each row's links from one reverse per link kind (the tenant id put in its place), not 3 × 25 reverses.
    links = {name: reverse(f"customers:{name}", args=[_ANY_TENANT]) for name in ("detail", "order", "row")}
    for row in page.object_list:
        tenant_id = str(row.tenant_id)
        row.detail_url = links["detail"].replace(_ANY_TENANT, tenant_id)
        row.order_url = links["order"].replace(_ANY_TENANT, tenant_id)
        row.row_url = links["row"].replace(_ANY_TENANT, tenant_id)
    query = request.GET.copy()
    query.pop("cursor", None)
    query.pop("page", None)
    return render(
        request,
        "customers/list.html",
        {
            "page_obj": page,
            "form": form,
            "query": query.urlencode(),
            "options": options,
            "audience": audience["name"],
            "provider_filter": next((p for p in providers if p.pk == filters.get("provider")), None),
            "reseller_filter": reseller_filter,
        },
    )


@require_GET
@partner_required
def customer_row(request, customer_id):
    """An opened row of the Customers page (account, services, users, licenses), read when the row is
    opened rather than for every row of every page. Opened as a page of its own (a bookmark, no script),
    it leads to the customer's page."""
    access = _access(request, customer_id)
    if request.headers.get("X-Requested-With") != "fetch":
        return redirect("customers:detail", customer_id=access.customer.tenant_id)
    details = selectors.row_details(access=access)
    return render(
        request,
        "customers/_row_details.html",
        {"access": access, "customer": access.customer, **vars(details)},
    )


def _active(programs: dict, program: str) -> bool:
    membership = programs.get(program)
    return membership is not None and membership.status == ProgramMembership.Status.ACTIVE


def _list_audience(programs: dict, options) -> dict:
    """Who reads the Customers page: a direct-bill partner, an indirect reseller, both, or a provider, and
    the relationship kinds its customers can have."""
    direct = _active(programs, Program.DIRECT_BILL)
    provider = _active(programs, Program.INDIRECT_PROVIDER)
    kinds = set()
    if direct:
        kinds.add(RelationshipKind.DIRECT.value)
    if options.is_reseller or provider:
        kinds.add(RelationshipKind.INDIRECT.value)
    if direct and options.is_reseller:
        name = "both"
    elif options.is_reseller:
        name = "reseller"
    elif provider and not direct:
        name = "provider"
    else:
        name = "direct"
    return {"name": name, "kinds": kinds}


@cached_page
@partner_required
def customer_detail(request, customer_id):
    access = _access(request, customer_id)
    subscriptions = list(selectors.subscriptions_for(access=access))
    users_page = (
        Paginator(selectors.users_for(access=access), USERS_PAGE_SIZE).get_page(request.GET.get("users_page"))
        if access.can_see_users
        else None
    )
    users = list(users_page.object_list) if users_page else []
    orders = _with_offer_names(list(selectors.orders_for(access=access)[:20]))
    history, history_next = _customer_timeline(request, access, subscriptions, orders)
    return render(
        request,
        "customers/detail.html",
        {
            "timeline": history,
            "timeline_next": history_next,
            "access": access,
            "customer": access.customer,
            "subscriptions": subscriptions,
            "direct_subscriptions": [s for s in subscriptions if s.relationship.kind == "direct"],
            "indirect_subscriptions": [s for s in subscriptions if s.relationship.kind == "indirect"],
            "licensable": access.licensable(subscriptions),
            "users": users,
            "users_page": users_page,
            "orders": orders,
            "user_form": CustomerUserForm(),
            "removable": access.removable_relationships,
        },
    )


def _with_offer_names(orders):
    """Each order's line items with the offer's name (people read product names, not offer ids): one query
    for the page's orders."""
    ids_ = {str(li.get("offerId")) for o in orders for li in (o.line_items or []) if isinstance(li, dict)}
    names = dict(Offer.objects.filter(id__in=ids_).values_list("id", "name")) if ids_ else {}
    for o in orders:
        o.lines = [
            {
                "name": names.get(str(li.get("offerId")), _("Unknown product")),
                "quantity": li.get("quantity"),
                "partner_on_record": li.get("partnerIdOnRecord"),
            }
            for li in (o.line_items or [])
            if isinstance(li, dict)
        ]
    return orders


def _customer_timeline(request, access, subscriptions, orders):
    """The customer's history as this partner may see it (the customer account, this partner's
    relationships with it, their orders and subscriptions), from the audit trail, and the next renewal or
    expiry."""
    found = timeline.trail([access.customer, *access.relationships, *orders, *subscriptions])
    entries = timeline.entries(found, viewer_tenant_id=request.user.tenant_id)
    upcoming = sorted(
        (s for s in subscriptions if s.status == Subscription.Status.ACTIVE and s.term_end),
        key=lambda s: s.term_end,
    )
    following = None
    if upcoming:
        first = upcoming[0]
        text = _("%(name)s renews on") if first.auto_renew else _("%(name)s ends on")
        following = timeline.Next(text % {"name": first.friendly_name}, first.term_end)
    return entries, following


@partner_required
def customer_create(request):
    """R13: a provider creates a customer tenant for a partnered reseller. Resellers cannot (the selector
    refuses them: a 403 page with the rule). `?kind=direct`: a direct-bill partner creates one for a new
    direct-bill customer."""
    profile = request.partner_profile
    if request.GET.get("kind") == "direct":
        return _customer_create_direct(request, profile)
    resellers = selectors.customer_creation_resellers(provider=profile, user=request.user)
    initial = {}
    requested = request.GET.get("reseller", "")
    requested_pk = ids.parse_pk(requested)
    if requested_pk is not None and resellers.filter(pk=requested_pk).exists():
        initial["reseller"] = requested_pk
    elif requested:
        messages.warning(request, _("That reseller is not one of your indirect resellers."))
    form = CustomerCreateForm(request.POST or None, resellers=resellers, initial=initial)

    def create(data):
        return services.customer_create_for_reseller(
            provider=profile, user=request.user, reseller=data["reseller"], **_tenant_fields(data)
        )

    return _create_customer_page(request, form, create, {"has_resellers": resellers.exists()})


def _customer_create_direct(request, profile):
    refusal = selectors.direct_customer_creation_refusal(partner=profile, user=request.user)
    if refusal is not None:
        raise refusal  # the 403 page with the rule and the roles needed
    form = CustomerCreateForm(request.POST or None, resellers=None)

    def create(data):
        return services.customer_create_direct(partner=profile, user=request.user, **_tenant_fields(data))

    return _create_customer_page(request, form, create, {"has_resellers": True, "direct": True})


TENANT_FIELDS = [
    "company_name",
    "domain_prefix",
    "contact_email",
    "first_name",
    "last_name",
    "country",
    "city",
]


def _tenant_fields(data: dict) -> dict:
    return {name: data[name] for name in TENANT_FIELDS}


def _create_customer_page(request, form, create, context: dict):
    """The create-customer form for either kind: `create(cleaned_data)` calls the kind's service; a
    refused domain lands on its field (by reason code), the created page shows the admin credentials."""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account, admin, password = create(data)
        except DomainError as exc:
            on_domain = exc.reason in ("customers.domain_taken", "customers.domain_invalid")
            form.add_error("domain_prefix" if on_domain else None, exc.text)
        else:
            return render(
                request,
                "customers/created.html",
                {"customer": account, "admin": admin, "password": password, "reseller": data.get("reseller")},
                status=201,
            )
    return render(
        request,
        "customers/create.html",
        {"form": form, **context},
        status=400 if request.method == "POST" else 200,
    )


@partner_required
def order_new(request, customer_id):
    """ "Add products" (direct bill) or the provider's order for a reseller's customer (R14, R18)."""
    access = _access(request, customer_id)
    as_provider = access.can_order_as_provider
    refusal = order_refusal(access=access, user=request.user)  # R14/R18 or the role: shown, not the form
    initial = {"request_id": uuid.uuid4()}
    if as_provider:
        initial["partner_id_on_record"] = access.as_provider[0].partner.mpn_id
    form = OrderForm(
        request.POST or None,
        offers=selectors.offers_catalog(),
        ask_partner_on_record=as_provider,
        initial=initial,
    )
    status = 200
    if request.method == "POST" and refusal is not None:
        status = refusal.status
    elif request.method == "POST" and form.is_valid():
        line = {"offerId": form.cleaned_data["offer"].pk, "quantity": form.cleaned_data["quantity"]}
        if as_provider:
            line["partnerIdOnRecord"] = form.cleaned_data["partner_id_on_record"]
        try:
            request_id = form.cleaned_data.get("request_id")
            order = services.order_create(
                access=access,
                user=request.user,
                line_items=[line],
                billing_cycle=form.cleaned_data["billing_cycle"],
                request_id=str(request_id) if request_id else None,
            )
        except DomainError as exc:
            form.add_error(None, f"{exc.text} [{exc.code}]" if exc.code >= 800000 else exc.text)
            status = exc.status
        else:
            messages.success(
                request,
                _("Order placed: %(offer)s × %(q)d. The subscription is active.")
                % {"offer": form.cleaned_data["offer"].name, "q": form.cleaned_data["quantity"]},
            )
            return redirect(
                reverse("customers:detail", args=[access.customer.tenant_id]) + f"?order={order.pk}"
            )
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "customers/order.html",
        {
            "access": access,
            "customer": access.customer,
            "form": form,
            "refusal": refusal.text if refusal is not None else None,
            "as_provider": as_provider,
        },
        status=status,
    )


@require_POST
@partner_required
def subscription_action(request, customer_id, subscription_id):
    access = _access(request, customer_id)
    sub = selectors.subscription_for(access=access, subscription_id=subscription_id)
    form = SubscriptionActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That change is not valid."))
    else:
        action = form.cleaned_data["action"]
        kwargs = {
            "quantity": {"quantity": form.cleaned_data.get("quantity")},
            "suspend": {"status": Subscription.Status.SUSPENDED},
            "reactivate": {"status": Subscription.Status.ACTIVE},
            "autorenew_on": {"auto_renew": True},
            "autorenew_off": {"auto_renew": False},
        }[action]
        if action == "quantity" and not form.cleaned_data.get("quantity"):
            messages.error(request, _("Enter the new quantity."))
        else:
            try:
                services.subscription_update(access=access, user=request.user, subscription=sub, **kwargs)
            except Forbidden:
                raise  # a refused role: the 403 page with the rule and the roles needed (SPEC §10)
            except DomainError as exc:
                messages.error(request, exc.text)
            else:
                messages.success(
                    request, _("The subscription %(name)s was updated.") % {"name": sub.friendly_name}
                )
    return redirect(reverse("customers:detail", args=[access.customer.tenant_id]) + "#subscriptions")


@require_POST
@partner_required
def customer_user_add(request, customer_id):
    access = _access(request, customer_id)
    form = CustomerUserForm(request.POST)
    if form.is_valid():
        try:
            created = services.customer_user_create(access=access, user=request.user, **form.cleaned_data)
        except Forbidden:
            raise  # a refused role: the 403 page with the rule and the roles needed (SPEC §10)
        except DomainError as exc:
            messages.error(request, exc.text)
        else:
            messages.success(request, _("User %(upn)s added.") % {"upn": created.user_principal_name})
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect(reverse("customers:detail", args=[access.customer.tenant_id]) + "#users")


@require_POST
@partner_required
def customer_user_remove(request, customer_id, user_id):
    access = _access(request, customer_id)
    customer_user = selectors.user_for(access=access, user_id=user_id)
    try:
        services.customer_user_delete(access=access, user=request.user, customer_user=customer_user)
    except Forbidden:
        raise  # a refused role: the 403 page with the rule and the roles needed (SPEC §10)
    except DomainError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, _("User %(upn)s deleted.") % {"upn": customer_user.user_principal_name})
    return redirect(reverse("customers:detail", args=[access.customer.tenant_id]) + "#users")


@require_POST
@partner_required
def license_change(request, customer_id, user_id):
    access = _access(request, customer_id)
    customer_user = selectors.user_for(access=access, user_id=user_id)
    form = LicenseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a subscription."))
    else:
        action = form.cleaned_data["action"]
        try:
            license_change_service(
                access=access,
                user=request.user,
                customer_user=customer_user,
                subscription_id=form.cleaned_data["subscription"],
                action=action,
            )
        except (NotFound, Forbidden):
            raise  # a 404 or 403 page, not a message: not this partner's subscription, or a refused role
        except DomainError as exc:
            messages.error(request, exc.text)
        else:
            done = (
                _("License assigned to %(upn)s.")
                if action == "assign"
                else _("License removed from %(upn)s.")
            )
            messages.success(request, done % {"upn": customer_user.user_principal_name})
    return redirect(reverse("customers:detail", args=[access.customer.tenant_id]) + "#licenses")


@require_POST
@partner_required
def relationship_remove(request, customer_id, pk: int):
    access = _access(request, customer_id)
    try:
        # Not this partner's relationship: 404; not a global admin: 403 (both pages, from the service).
        reseller_relationships_remove(
            access=access, user=request.user, relationship_id=pk, reason=_("Removed by the partner")
        )
    except Conflict as exc:
        messages.error(request, exc.text)
        return redirect(reverse("customers:detail", args=[access.customer.tenant_id]))
    messages.success(
        request, _("The reseller relationship with %(c)s was removed.") % {"c": access.customer.company_name}
    )
    if any(r.pk != pk for r in access.relationships):
        return redirect(reverse("customers:detail", args=[access.customer.tenant_id]))
    return redirect("customers:list")
