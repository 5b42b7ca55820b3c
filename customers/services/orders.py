"""Orders and subscriptions (R14, R15, R18) and the term-end renewal job."""

from __future__ import annotations

import calendar
import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from partnercenter import clock, events, jobs
from partnercenter.errors import Conflict, DomainError, Forbidden, NotFound
from tenants.models import PartnerProfile, Program, ProgramMembership, Role, User
from tenants.services import is_direct_bill

from ..models import LicenseAssignment, Offer, Order, ResellerRelationship, Subscription
from ..selectors import CustomerAccess

RENEWAL_JOB = "customers.subscription_term_end"
ORDER_ROLES = (Role.GLOBAL_ADMIN, Role.ADMIN_AGENT, Role.SALES_AGENT)
MAX_LINE_ITEMS = 50
BILLING_CYCLES = ("monthly", "annual")

# The real Partner Center API's error codes for a provider's order on behalf of a reseller.
MPN_NOT_FOUND = 800015  # partnerIdOnRecord is not a known MPN ID
NOT_INDIRECT_RESELLER = 800016  # the MPN ID is not an indirect reseller's
RESELLER_NOT_ACTIVE = 800039  # the reseller's indirect reseller program membership is not active (restricted)


def add_months(moment: dt.datetime, months: int) -> dt.datetime:
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def reseller_on_record(mpn_id: str) -> PartnerProfile:
    """Check `partnerIdOnRecord` as the real API does: 800015, 800016, 800039."""
    mpn_id = str(mpn_id or "").strip()
    profile = PartnerProfile.objects.filter(mpn_id=mpn_id).first() if mpn_id.isdigit() else None
    if profile is None:
        raise DomainError(
            _("The MPN ID %(mpn)s in partnerIdOnRecord was not found.") % {"mpn": mpn_id or "-"},
            code=MPN_NOT_FOUND,
            status=400,
            rule="R18",
        )
    membership = ProgramMembership.objects.filter(partner=profile, program=Program.INDIRECT_RESELLER).first()
    if membership is None:
        raise DomainError(
            _("The MPN ID %(mpn)s (%(name)s) is not an indirect reseller's.")
            % {"mpn": mpn_id, "name": profile.legal_name},
            code=NOT_INDIRECT_RESELLER,
            status=400,
            rule="R18",
        )
    if membership.status != ProgramMembership.Status.ACTIVE:
        raise DomainError(
            _("The indirect reseller program of %(name)s (MPN ID %(mpn)s) is not active (%(status)s).")
            % {"mpn": mpn_id, "name": profile.legal_name, "status": membership.get_status_display()},
            code=RESELLER_NOT_ACTIVE,
            status=400,
            rule="R18",
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
        )
    return Forbidden(
        _(
            "As the indirect reseller of %(customer)s you do not place its orders: your indirect provider %(provider)s does."
        )
        % values,
        rule="R18",
    )


def _relationship_for_order(access: CustomerAccess, line_items: list[dict]) -> ResellerRelationship:
    profile = access.profile
    if access.as_provider:
        chosen: ResellerRelationship | None = None
        for item in line_items:
            pior = str(item.get("partnerIdOnRecord") or "").strip()
            if not pior:
                raise DomainError(
                    _("An indirect provider's order names the reseller in partnerIdOnRecord (its MPN ID)."),
                    code=MPN_NOT_FOUND,
                    status=400,
                    rule="R18",
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
                )
            if chosen is not None and chosen.pk != rel.pk:
                raise DomainError(_("One order names one reseller on record."), code=400, status=400)
            chosen = rel
        assert chosen is not None
        return chosen
    if access.direct is not None:
        for item in line_items:
            pior = str(item.get("partnerIdOnRecord") or "").strip()
            if pior and pior != profile.mpn_id:
                raise DomainError(
                    _("A direct-bill order is on record for your own MPN ID only."), code=400, status=400
                )
        return access.direct
    if access.as_reseller is not None:
        raise reseller_order_refusal(access)
    raise NotFound()


def _parse_lines(line_items) -> list[tuple[dict, Offer, int]]:
    if not isinstance(line_items, list) or not line_items:
        raise DomainError(_("An order needs at least one line item."), code=400, status=400)
    if len(line_items) > MAX_LINE_ITEMS:
        raise DomainError(
            _("An order has at most %(n)d line items.") % {"n": MAX_LINE_ITEMS}, code=400, status=400
        )
    offers = {o.pk: o for o in Offer.objects.filter(pk__in=[str(i.get("offerId", "")) for i in line_items])}
    parsed = []
    for item in line_items:
        if not isinstance(item, dict):
            raise DomainError(_("Each line item is an object."), code=400, status=400)
        offer = offers.get(str(item.get("offerId", "")))
        if offer is None or not offer.is_active:
            raise DomainError(
                _("The offer %(id)s is not in the catalog.") % {"id": item.get("offerId", "-")},
                code=400,
                status=400,
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
    if user.role not in ORDER_ROLES:
        raise Forbidden(_("Your role cannot place orders."), rule="R18")
    if billing_cycle not in BILLING_CYCLES:
        raise DomainError(_("billingCycle is monthly or annual."), code=400, status=400)
    request_id = (request_id or "").strip()[:64] or None
    parsed = _parse_lines(line_items)
    relationship = _relationship_for_order(access, line_items)
    placed_by = relationship.provider if relationship.kind == "indirect" else relationship.partner
    if request_id:
        existing = Order.objects.filter(placed_by=placed_by, request_id=request_id).first()
        if existing is not None:
            if existing.customer_id != access.customer.pk:
                raise Conflict(_("This request id was already used for another order."))
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
            raise Conflict(_("This request id was already used for another order."))
        return existing
    events.record(
        "order.created",
        tenant=access.customer.tenant,
        actor=user,
        obj=order,
        payload={"placedBy": placed_by.mpn_id, "partnerIdOnRecord": relationship.partner.mpn_id},
    )
    lines = []
    for number, (_item, offer, quantity) in enumerate(parsed):
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
            "subscription.created",
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
    events.record("order.completed", tenant=access.customer.tenant, actor=user, obj=order)
    return order


@transaction.atomic
def subscription_update(
    *,
    access: CustomerAccess,
    user: User,
    subscription: Subscription,
    quantity: int | None = None,
    status: str | None = None,
    auto_renew: bool | None = None,
) -> Subscription:
    """Change quantity, suspend/reactivate, turn auto-renew on or off (R12, R18)."""
    if not access.manages(subscription):
        raise NotFound()
    if user.role not in ORDER_ROLES:
        raise Forbidden(_("Your role cannot change subscriptions."), rule="R18")
    sub = Subscription.objects.select_for_update().select_related("offer").get(pk=subscription.pk)
    if sub.status in (Subscription.Status.EXPIRED, Subscription.Status.DELETED):
        raise Conflict(_("This subscription has ended and cannot be changed."))
    tenant = access.customer.tenant
    if status is not None and status not in (Subscription.Status.ACTIVE, Subscription.Status.SUSPENDED):
        raise DomainError(_("status is active or suspended."), code=400, status=400)
    if status == Subscription.Status.ACTIVE and sub.status == Subscription.Status.SUSPENDED:
        sub.reactivate()
        sub.save(update_fields=["status"])
        events.record("subscription.reactivated", tenant=tenant, actor=user, obj=sub)
    if quantity is not None and quantity != sub.quantity:
        if sub.status != Subscription.Status.ACTIVE:
            raise Conflict(_("Reactivate the subscription before changing its quantity."))
        if not sub.offer.min_quantity <= quantity <= sub.offer.max_quantity:
            raise DomainError(
                _("The quantity must be between %(min)d and %(max)d.")
                % {"min": sub.offer.min_quantity, "max": sub.offer.max_quantity},
                code=400,
                status=400,
            )
        assigned = LicenseAssignment.objects.filter(subscription=sub).count()
        if quantity < assigned:
            raise Conflict(
                _("%(n)d licenses are assigned; unassign some before lowering the quantity to %(q)d.")
                % {"n": assigned, "q": quantity}
            )
        before = sub.quantity
        sub.quantity = quantity
        sub.save(update_fields=["quantity"])
        events.record(
            "subscription.quantity_changed",
            tenant=tenant,
            actor=user,
            obj=sub,
            payload={"from": before, "to": quantity},
        )
    if auto_renew is not None and auto_renew != sub.auto_renew:
        sub.auto_renew = auto_renew
        sub.save(update_fields=["auto_renew"])
        events.record(
            "subscription.auto_renew_changed",
            tenant=tenant,
            actor=user,
            obj=sub,
            payload={"autoRenew": auto_renew},
        )
    if status == Subscription.Status.SUSPENDED and sub.status == Subscription.Status.ACTIVE:
        sub.suspend()
        sub.save(update_fields=["status"])
        events.record("subscription.suspended", tenant=tenant, actor=user, obj=sub)
    return sub


def subscription_renew_or_expire(*, subscription_id) -> str:
    """At term end: renew (auto-renew on, active) or expire. Idempotent: a run before the term end, or a
    second run after it was handled, changes nothing. Runs inside the job's transaction."""
    sub = (
        Subscription.objects.select_for_update()
        .select_related("offer", "customer__tenant")
        .filter(pk=subscription_id)
        .first()
    )
    if sub is None:
        return "gone"
    if sub.status not in (Subscription.Status.ACTIVE, Subscription.Status.SUSPENDED):
        return f"already {sub.status}"
    now = clock.now()
    if sub.term_end > now:
        return "not due"
    tenant = sub.customer.tenant
    if sub.status == Subscription.Status.ACTIVE and sub.auto_renew:
        previous_end = sub.term_end
        while sub.term_end <= now:
            sub.term_start = sub.term_end
            sub.term_end = add_months(sub.term_end, sub.offer.term_months)
            sub.renewed_count += 1
        sub.save(update_fields=["term_start", "term_end", "renewed_count"])
        jobs.job_schedule(kind=RENEWAL_JOB, obj=sub, due_at=sub.term_end, tenant=tenant)
        events.record(
            "subscription.renewed",
            tenant=tenant,
            actor_label=f"job:{RENEWAL_JOB}",
            obj=sub,
            payload={"previousTermEnd": previous_end.isoformat(), "termEnd": sub.term_end.isoformat()},
        )
        return "renewed"
    freed = LicenseAssignment.objects.filter(subscription=sub).delete()[0]
    sub.expire()
    sub.save(update_fields=["status"])
    events.record(
        "subscription.expired",
        tenant=tenant,
        actor_label=f"job:{RENEWAL_JOB}",
        obj=sub,
        reason="auto-renew off" if not sub.auto_renew else "suspended at term end",
        payload={"licensesFreed": freed},
    )
    return "expired"
