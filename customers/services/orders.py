"""Orders (R14, R15, R18). Subscription changes and the term-end renewal job are in `subscriptions`.

R18: Azure reservations and software (offers marked `direct_bill_only`) are bought only through a
direct-bill relationship. A reservation becomes a subscription with a 1- or 3-year term; software is a
one-time purchase that creates no subscription (the order line is the purchase)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from partnercenter import clock, events, jobs
from partnercenter.errors import Conflict, DomainError, Forbidden, NotFound
from partnercenter.events import EventKind
from tenants.models import PartnerProfile, Program, ProgramMembership, User
from tenants.services import is_direct_bill, roles_text

from ..models import Offer, Order, ResellerRelationship, Subscription
from ..selectors import ORDER_ROLES, CustomerAccess, role_allows
from .subscriptions import (  # noqa: F401  (subscription_* re-exported: callers import them from here)
    RENEWAL_JOB,
    add_months,
    subscription_renew_or_expire,
    subscription_update,
)

MAX_LINE_ITEMS = 50
BILLING_CYCLES = ("monthly", "annual")

# The real Partner Center API's error codes for a provider's order on behalf of a reseller.
MPN_NOT_FOUND = 800015  # partnerIdOnRecord is not a known MPN ID
NOT_INDIRECT_RESELLER = 800016  # the MPN ID is not an indirect reseller's
RESELLER_NOT_ACTIVE = 800039  # the reseller's indirect reseller program membership is not active (restricted)


def reseller_on_record(mpn_id: str) -> PartnerProfile:
    """Check `partnerIdOnRecord` as the real API does: 800015, 800016, 800039."""
    mpn_id = str(mpn_id or "").strip()
    profile = (
        PartnerProfile.objects.filter(mpn_id=mpn_id).first()
        if mpn_id.isascii() and mpn_id.isdigit()
        else None
    )
    if profile is None:
        raise DomainError(
            _("The MPN ID %(mpn)s in partnerIdOnRecord was not found.") % {"mpn": mpn_id or "-"},
            code=MPN_NOT_FOUND,
            status=400,
            rule="R18",
            reason="orders.mpn_id_not_found",
        )
    membership = ProgramMembership.objects.filter(partner=profile, program=Program.INDIRECT_RESELLER).first()
    if membership is None:
        raise DomainError(
            _("The MPN ID %(mpn)s (%(name)s) is not an indirect reseller's.")
            % {"mpn": mpn_id, "name": profile.legal_name},
            code=NOT_INDIRECT_RESELLER,
            status=400,
            rule="R18",
            reason="orders.not_indirect_reseller",
        )
    if membership.status != ProgramMembership.Status.ACTIVE:
        raise DomainError(
            _("The indirect reseller program of %(name)s (MPN ID %(mpn)s) is not active (%(status)s).")
            % {"mpn": mpn_id, "name": profile.legal_name, "status": membership.get_status_display()},
            code=RESELLER_NOT_ACTIVE,
            status=400,
            rule="R18",
            reason="orders.reseller_not_active",
        )
    return profile


def reseller_order_refusal(access: CustomerAccess) -> Forbidden:
    """Why the indirect reseller does not order for its indirect customer: R14 when it holds the direct-bill
    capability, R18 otherwise (as indirect reseller, the provider orders)."""
    values = {"customer": access.customer.company_name, "provider": access.as_reseller.provider.legal_name}
    if is_direct_bill(access.profile):
        return Forbidden(
            _(
                "%(customer)s was acquired as an indirect reseller customer: the direct-bill capability cannot "
                "be used to buy for it. Your indirect provider %(provider)s submits its orders."
            )
            % values,
            rule="R14",
            reason="orders.direct_bill_not_allowed",
        )
    return Forbidden(
        _(
            "As the indirect reseller of %(customer)s you do not place its orders: your indirect provider %(provider)s does."
        )
        % values,
        rule="R18",
        reason="orders.provider_orders",
    )


def moved_customer_order_refusal(access: CustomerAccess) -> Forbidden:
    """R15 (and R14): a direct-bill customer moved to the indirect model by the invitation buys through the
    provider; its existing direct-bill subscriptions keep being managed and billed as before (R7)."""
    return Forbidden(
        _(
            "%(customer)s was moved to the indirect model: new purchases go through your indirect provider "
            "%(provider)s, not your direct-bill capability. Its existing direct-bill subscriptions are still "
            "managed and billed as before."
        )
        % {"customer": access.customer.company_name, "provider": access.as_reseller.provider.legal_name},
        rule="R15",
        reason="orders.customer_moved_to_provider",
    )


def order_refusal(*, access: CustomerAccess, user: User) -> DomainError | None:
    """Why `user` cannot order for this customer through its partner, or None: the order page shows it
    instead of the form, and `order_create` raises it (SPEC §10 roles; R14, R15, R18)."""
    if not role_allows(user, ORDER_ROLES, access.profile):
        return Forbidden(
            _("Only a %(roles)s of the partner can place orders.") % {"roles": roles_text(ORDER_ROLES)},
            rule="R18",
            reason="orders.role_cannot_order",
        )
    if access.order_mode is None:
        if access.moved_to_provider:
            return moved_customer_order_refusal(access)
        return reseller_order_refusal(access) if access.as_reseller is not None else NotFound()
    return None


# The refusals that mean "not through your direct-bill capability": a direct-bill-only offer in such an
# order is refused for that more specific reason (R18) instead.
_CHANNEL_REFUSALS = {
    "orders.direct_bill_not_allowed",
    "orders.provider_orders",
    "orders.customer_moved_to_provider",
}


def _direct_bill_only_offers(line_items) -> list[Offer]:
    if not isinstance(line_items, list):
        return []
    ids = [str(i.get("offerId", "")) for i in line_items if isinstance(i, dict)][:MAX_LINE_ITEMS]
    return list(Offer.objects.filter(pk__in=ids, direct_bill_only=True).order_by("pk"))


def direct_bill_only_refusal(*, access: CustomerAccess, offer: Offer) -> Forbidden:
    """R18 (and R14): Azure reservations and software purchases are direct-bill capabilities; they are bought
    only by a direct-bill partner for its direct-bill customer, never for a customer served through an
    indirect reseller and its provider."""
    values = {"offer": offer.name, "customer": access.customer.company_name}
    if offer.is_reservation:
        message = _(
            "Azure reservations are managed only by a direct-bill partner for its direct-bill customers: "
            "%(offer)s cannot be bought for %(customer)s through the indirect reseller model."
        )
    else:
        message = _(
            "Software is purchased only by a direct-bill partner for its direct-bill customers: "
            "%(offer)s cannot be bought for %(customer)s through the indirect reseller model."
        )
    return Forbidden(message % values, rule="R18", reason="orders.direct_bill_only_offer")


def _refusal_with_offers(*, access: CustomerAccess, user: User, line_items) -> DomainError | None:
    """`order_refusal`, or the direct-bill-only refusal when the order is not a direct-bill one and names
    an Azure reservation or software offer."""
    refusal = order_refusal(access=access, user=user)
    channel_refused = refusal is not None and refusal.reason in _CHANNEL_REFUSALS
    if refusal is None and access.order_mode == "direct":
        return None
    if refusal is None or channel_refused:
        restricted = _direct_bill_only_offers(line_items)
        if restricted:
            return direct_bill_only_refusal(access=access, offer=restricted[0])
    return refusal


def _relationship_for_order(access: CustomerAccess, line_items: list[dict]) -> ResellerRelationship:
    profile = access.profile
    if access.order_mode == "provider":
        chosen: ResellerRelationship | None = None
        for item in line_items:
            pior = str(item.get("partnerIdOnRecord") or "").strip()
            if not pior:
                raise DomainError(
                    _("An indirect provider's order names the reseller in partnerIdOnRecord (its MPN ID)."),
                    code=MPN_NOT_FOUND,
                    status=400,
                    rule="R18",
                    reason="orders.partner_on_record_missing",
                )
            reseller = reseller_on_record(pior)
            rel = next((r for r in access.as_provider if r.partner_id == reseller.pk), None)
            if rel is None:
                raise DomainError(
                    _(
                        "%(customer)s has not authorized %(reseller)s with you as resellers of record; "
                        "until it accepts their invitation, you cannot order for it."
                    )
                    % {"customer": access.customer.company_name, "reseller": reseller.legal_name},
                    code=400,
                    status=400,
                    rule="R15",
                    reason="orders.customer_not_authorized",
                )
            if chosen is not None and chosen.pk != rel.pk:
                raise DomainError(
                    _("One order names one reseller on record."),
                    code=400,
                    status=400,
                    reason="orders.several_resellers",
                )
            chosen = rel
        assert chosen is not None
        return chosen
    for item in line_items:
        pior = str(item.get("partnerIdOnRecord") or "").strip()
        if pior and pior != profile.mpn_id:
            raise DomainError(
                _("A direct-bill order is on record for your own MPN ID only."),
                code=400,
                status=400,
                reason="orders.direct_bill_other_mpn_id",
            )
    return access.direct


def _parse_lines(line_items) -> list[tuple[dict, Offer, int]]:
    if not isinstance(line_items, list) or not line_items:
        raise DomainError(
            _("An order needs at least one line item."), code=400, status=400, reason="orders.no_line_items"
        )
    if len(line_items) > MAX_LINE_ITEMS:
        raise DomainError(
            _("An order has at most %(n)d line items.") % {"n": MAX_LINE_ITEMS},
            code=400,
            status=400,
            reason="orders.too_many_line_items",
        )
    offers = {o.pk: o for o in Offer.objects.filter(pk__in=[str(i.get("offerId", "")) for i in line_items])}
    parsed = []
    for item in line_items:
        if not isinstance(item, dict):
            raise DomainError(
                _("Each line item is an object."), code=400, status=400, reason="orders.bad_line_item"
            )
        offer = offers.get(str(item.get("offerId", "")))
        if offer is None or not offer.is_active:
            raise DomainError(
                _("The offer %(id)s is not in the catalog.") % {"id": item.get("offerId", "-")},
                code=400,
                status=400,
                reason="orders.offer_not_in_catalog",
            )
        try:
            quantity = int(item.get("quantity", 0))
        except (TypeError, ValueError):
            quantity = 0
        if not offer.min_quantity <= quantity <= offer.max_quantity:
            raise DomainError(
                _("The quantity of %(offer)s must be between %(min)d and %(max)d.")
                % {"offer": offer.name, "min": offer.min_quantity, "max": offer.max_quantity},
                code=400,
                status=400,
                reason="orders.bad_quantity",
            )
        parsed.append((item, offer, quantity))
    return parsed


@transaction.atomic
def order_create(
    *,
    access: CustomerAccess,
    user: User,
    line_items: list[dict],
    billing_cycle: str = "monthly",
    request_id: str | None = None,
) -> Order:
    """Place an order for a customer. A direct-bill partner orders for its direct customers; the indirect
    provider orders for a reseller's customer with partnerIdOnRecord = the reseller's MPN ID (R18); the
    direct-bill capability is refused for customers acquired as an indirect reseller (R14).
    The same `request_id` twice (a double click, a retried API call) makes one order."""
    refusal = _refusal_with_offers(access=access, user=user, line_items=line_items)
    if refusal is not None:
        raise refusal
    if billing_cycle not in BILLING_CYCLES:
        raise DomainError(
            _("billingCycle is monthly or annual."), code=400, status=400, reason="orders.bad_billing_cycle"
        )
    request_id = (request_id or "").strip()[:64] or None
    parsed = _parse_lines(line_items)
    relationship = _relationship_for_order(access, line_items)
    placed_by = relationship.provider if relationship.kind == "indirect" else relationship.partner
    if request_id:
        existing = Order.objects.filter(placed_by=placed_by, request_id=request_id).first()
        if existing is not None:
            if existing.customer_id != access.customer.pk:
                raise Conflict(
                    _("This request id was already used for another order."),
                    reason="orders.request_id_reused",
                )
            return existing
    now = clock.now()
    try:
        with transaction.atomic():
            order = Order.objects.create(
                customer=access.customer,
                relationship=relationship,
                placed_by=placed_by,
                billing_cycle=billing_cycle,
                request_id=request_id,
                created_by=user,
                created_at=now,
            )
    except IntegrityError:
        # A concurrent submit with the same request id won: answer with its order.
        existing = Order.objects.filter(placed_by=placed_by, request_id=request_id).first()
        if existing is None or existing.customer_id != access.customer.pk:
            raise Conflict(
                _("This request id was already used for another order."), reason="orders.request_id_reused"
            )
        return existing
    events.record(
        EventKind.ORDER_CREATED,
        tenant=access.customer.tenant,
        actor=user,
        obj=order,
        payload={"placedBy": placed_by.mpn_id, "partnerIdOnRecord": relationship.partner.mpn_id},
    )
    lines = []
    for number, (_item, offer, quantity) in enumerate(parsed):
        if offer.is_one_time:
            # Software is a perpetual licence bought once: the order line is the purchase (billed on the
            # month's invoice); no subscription, nothing to renew.
            lines.append(
                {
                    "lineItemNumber": number,
                    "offerId": offer.pk,
                    "quantity": quantity,
                    "partnerIdOnRecord": "",
                    "subscriptionId": None,
                }
            )
            continue
        sub = Subscription.objects.create(
            customer=access.customer,
            relationship=relationship,
            offer=offer,
            order=order,
            partner_on_record=relationship.partner,
            friendly_name=offer.name,
            quantity=quantity,
            billing_cycle=billing_cycle,
            created_at=now,
            term_start=now,
            term_end=add_months(now, offer.term_months),
        )
        jobs.job_schedule(kind=RENEWAL_JOB, obj=sub, due_at=sub.term_end, tenant=access.customer.tenant)
        events.record(
            EventKind.SUBSCRIPTION_CREATED,
            tenant=access.customer.tenant,
            actor=user,
            obj=sub,
            payload={"offerId": offer.pk, "quantity": quantity, "orderId": str(order.pk)},
        )
        lines.append(
            {
                "lineItemNumber": number,
                "offerId": offer.pk,
                "quantity": quantity,
                "partnerIdOnRecord": relationship.partner.mpn_id if relationship.kind == "indirect" else "",
                "subscriptionId": str(sub.pk),
            }
        )
    order.line_items = lines
    order.complete()
    order.save(update_fields=["line_items", "status"])
    events.record(EventKind.ORDER_COMPLETED, tenant=access.customer.tenant, actor=user, obj=order)
    return order
