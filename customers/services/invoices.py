"""R18 "bill customers directly": the direct-bill partner's monthly invoice to each direct-bill customer.

One invoice per partner, customer and calendar month (UTC), by a unique constraint. Building is idempotent:
while the month runs, a build recomputes the `open` invoice (the charges so far); the first build after
the month has ended issues it, and an issued invoice never changes again. The monthly job builds and issues
every invoice of the month that just ended, on the 1st at 00:00 UTC, and schedules the next month's run.

What a month charges (the state of each subscription when the invoice is built):
- a subscription or Azure reservation under a direct relationship, created before the month ended and
  active (or expired during or after the month): a whole month at list price × quantity on the monthly
  billing cycle; on the annual cycle, twelve months in the month it started and each anniversary month;
  suspended and deleted subscriptions are not charged; usage-based offers (Azure plan) carry no metered
  usage in this portal and are left out;
- software (a one-time purchase): its price × quantity, once, in the month of its order.
Amounts are list prices without tax. Indirect customers are not invoiced here: their provider bills them.

Reads (the invoice list and one invoice, for the acting partner only) are here too, next to the rule
that decides who may see them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from partnercenter import clock, jobs
from partnercenter.errors import DomainError, Forbidden, NotFound
from partnercenter.models import ScheduledJob
from tenants.models import PartnerProfile, Program, Role, User
from tenants.services import has_program, is_direct_bill, roles_text

from ..access import role_allows
from ..models import (
    CustomerAccount,
    Invoice,
    InvoiceLineItem,
    Offer,
    Order,
    RelationshipKind,
    ResellerRelationship,
    Subscription,
)

INVOICE_JOB = "customers.invoices_build_month"
# SPEC §10: invoices and billing of direct-bill customers.
INVOICE_ROLES = (Role.GLOBAL_ADMIN, Role.BILLING_ADMIN)
CENTS = Decimal("0.01")


# -- months -------------------------------------------------------------------------------------------


def parse_month(value: str) -> dt.date:
    """ "YYYY-MM" -> the month's first day."""
    try:
        year, month = str(value or "").strip().split("-")
        return dt.date(int(year), int(month), 1)
    except ValueError:
        raise DomainError(
            _("A billing month is written YYYY-MM, for example 2026-11."),
            code=400,
            status=400,
            reason="invoices.bad_month",
        )


def next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def month_start(month: dt.date) -> dt.datetime:
    return dt.datetime.combine(month, dt.time(), tzinfo=dt.UTC)


def month_of(moment: dt.datetime) -> dt.date:
    moment = moment.astimezone(dt.UTC)
    return dt.date(moment.year, moment.month, 1)


def _months_between(first: dt.date, later: dt.date) -> int:
    return (later.year - first.year) * 12 + later.month - first.month


# -- who may see invoices -------------------------------------------------------------------------------


def billing_refusal(*, profile: PartnerProfile | None, user: User | None) -> Forbidden | None:
    """Why this partner's user may not see customer invoices, or None (R18, SPEC §10)."""
    if profile is None or not is_direct_bill(profile):
        if profile is not None and has_program(profile, Program.INDIRECT_RESELLER, active_only=False):
            message = _(
                "Billing customers directly is a direct-bill partner's capability. As an indirect reseller "
                "you do not bill your customers: your indirect provider bills them."
            )
        else:
            message = _("Billing customers directly is a direct-bill partner's capability.")
        return Forbidden(message, rule="R18", reason="invoices.not_direct_bill")
    if not role_allows(user, INVOICE_ROLES, profile):
        return Forbidden(
            _("Only a %(roles)s of the partner can see invoices.") % {"roles": roles_text(INVOICE_ROLES)},
            rule="R18",
            reason="invoices.role_cannot_see",
        )
    return None


def invoices_for(*, profile: PartnerProfile, user: User | None) -> QuerySet[Invoice]:
    """The partner's invoices to its direct-bill customers, newest month first (seek-paged by the caller)."""
    refusal = billing_refusal(profile=profile, user=user)
    if refusal is not None:
        raise refusal
    return (
        Invoice.objects.filter(partner=profile)
        .select_related("customer__tenant", "partner")
        .order_by("-period_start", "-id")
    )


def invoice_for(*, profile: PartnerProfile, user: User | None, number: str) -> Invoice:
    """One of the partner's invoices by its number; another partner's is not found (404)."""
    invoice = invoices_for(profile=profile, user=user).filter(number=str(number or "")[:20]).first()
    if invoice is None:
        raise NotFound(reason="invoices.not_found")
    return invoice


def invoice_lines(*, invoice: Invoice) -> QuerySet[InvoiceLineItem]:
    return invoice.line_items.select_related("offer", "subscription", "order").order_by("line_number")


# -- building -------------------------------------------------------------------------------------------


@dataclass
class _Charge:
    charge_type: str
    offer: Offer
    quantity: int
    unit_price: Decimal
    amount: Decimal
    billing_cycle: str
    charge_start: dt.date
    charge_end: dt.date
    subscription: Subscription | None = None
    order: Order | None = None


def _direct_relationships(*, partner: PartnerProfile, customer: CustomerAccount, month: dt.date):
    """The partner's direct relationships with the customer that were in force during the month."""
    start, end = month_start(month), month_start(next_month(month))
    return ResellerRelationship.objects.filter(
        Q(status=ResellerRelationship.Status.ACTIVE) | Q(removed_at__gte=start),
        partner=partner,
        customer=customer,
        kind=RelationshipKind.DIRECT,
        established_at__lt=end,
    )


def _charges(*, partner: PartnerProfile, customer: CustomerAccount, month: dt.date) -> list[_Charge]:
    start, end = month_start(month), month_start(next_month(month))
    last_day = next_month(month) - dt.timedelta(days=1)
    rel_ids = list(
        _direct_relationships(partner=partner, customer=customer, month=month).values_list("pk", flat=True)
    )
    if not rel_ids:
        return []
    charges: list[_Charge] = []
    subs = (
        Subscription.objects.filter(relationship__in=rel_ids, created_at__lt=end)
        .filter(
            Q(status=Subscription.Status.ACTIVE) | Q(status=Subscription.Status.EXPIRED, term_end__gt=start)
        )
        .exclude(offer__product_type=Offer.ProductType.SOFTWARE)
        .select_related("offer")
        .order_by("created_at", "id")
    )
    for sub in subs:
        offer = sub.offer
        if offer.billing == Offer.Billing.USAGE and not offer.unit_price:
            continue
        if sub.billing_cycle == "annual":
            if _months_between(month_of(sub.created_at), month) % 12:
                continue
            months, charge_type = 12, InvoiceLineItem.ChargeType.TERM
            charge_end = dt.date(month.year + 1, month.month, 1) - dt.timedelta(days=1)
        else:
            months, charge_type, charge_end = 1, InvoiceLineItem.ChargeType.RECURRING, last_day
        unit = offer.unit_price * months
        charges.append(
            _Charge(
                charge_type=charge_type,
                offer=offer,
                quantity=sub.quantity,
                unit_price=unit,
                amount=(unit * sub.quantity).quantize(CENTS),
                billing_cycle=sub.billing_cycle,
                charge_start=month,
                charge_end=charge_end,
                subscription=sub,
            )
        )
    orders = Order.objects.filter(
        relationship__in=rel_ids,
        placed_by=partner,
        status=Order.Status.COMPLETED,
        created_at__gte=start,
        created_at__lt=end,
    ).order_by("created_at", "id")
    software_lines = [(o, line) for o in orders for line in o.line_items if isinstance(line, dict)]
    offers = Offer.objects.in_bulk({str(line.get("offerId")) for _o, line in software_lines}, field_name="pk")
    for order, line in software_lines:
        offer = offers.get(str(line.get("offerId")))
        if offer is None or not offer.is_one_time:
            continue
        quantity = int(line.get("quantity") or 0)
        day = order.created_at.astimezone(dt.UTC).date()
        charges.append(
            _Charge(
                charge_type=InvoiceLineItem.ChargeType.ONE_TIME,
                offer=offer,
                quantity=quantity,
                unit_price=offer.unit_price,
                amount=(offer.unit_price * quantity).quantize(CENTS),
                billing_cycle="one_time",
                charge_start=day,
                charge_end=day,
                order=order,
            )
        )
    return charges


@transaction.atomic
def invoice_build(
    *, partner: PartnerProfile, customer: CustomerAccount, month: dt.date, as_of: dt.datetime | None = None
) -> Invoice | None:
    """Build the partner's invoice to its direct-bill customer for `month` (its first day) and return it;
    None when there is nothing to charge and no invoice yet. Running it again changes nothing once the
    month has ended and the invoice is issued; before that it brings the open invoice up to date."""
    month = month.replace(day=1)
    as_of = as_of or clock.now()
    if month_start(month) > as_of:
        raise DomainError(
            _("The billing month %(month)s has not started yet.") % {"month": f"{month:%Y-%m}"},
            code=400,
            status=400,
            reason="invoices.month_not_started",
        )
    existing = (
        Invoice.objects.select_for_update()
        .filter(partner=partner, customer=customer, period_start=month)
        .first()
    )
    if existing is not None and existing.state == Invoice.State.ISSUED:
        return existing
    charges = _charges(partner=partner, customer=customer, month=month)
    if existing is None and not charges:
        return None
    closed = as_of >= month_start(next_month(month))
    now = clock.now()
    total = sum((c.amount for c in charges), Decimal("0.00"))
    currency = charges[0].offer.currency if charges else "USD"
    state = Invoice.State.ISSUED if closed else Invoice.State.OPEN
    invoice = existing
    if invoice is None:
        try:
            with transaction.atomic():
                invoice = Invoice.objects.create(
                    partner=partner,
                    customer=customer,
                    period_start=month,
                    period_end=next_month(month) - dt.timedelta(days=1),
                    invoice_date=now,
                    currency=currency,
                    total_charges=total,
                    state=state,
                    created_at=now,
                    updated_at=now,
                )
        except IntegrityError:
            # A concurrent build made it first: that one stands (builds of one month agree).
            return Invoice.objects.get(partner=partner, customer=customer, period_start=month)
        invoice.number = f"D{invoice.pk:09d}"
        invoice.save(update_fields=["number"])
    else:
        invoice.line_items.all().delete()
        invoice.total_charges, invoice.currency, invoice.state = total, currency, state
        invoice.invoice_date = invoice.updated_at = now
        invoice.save(update_fields=["total_charges", "currency", "state", "invoice_date", "updated_at"])
    InvoiceLineItem.objects.bulk_create(
        InvoiceLineItem(
            invoice=invoice,
            line_number=number,
            charge_type=c.charge_type,
            offer=c.offer,
            offer_name=c.offer.name,
            subscription=c.subscription,
            order=c.order,
            quantity=c.quantity,
            unit_price=c.unit_price,
            amount=c.amount,
            billing_cycle=c.billing_cycle,
            charge_start=c.charge_start,
            charge_end=c.charge_end,
        )
        for number, c in enumerate(charges, start=1)
    )
    return invoice


def invoices_build_month(*, month: dt.date, as_of: dt.datetime | None = None) -> int:
    """Build every direct-bill partner's invoices for `month`, one customer at a time (each in its own
    transaction, so a long run holds no lock on the whole book). Returns how many invoices exist for it."""
    month = month.replace(day=1)
    start, end = month_start(month), month_start(next_month(month))
    if start > (as_of or clock.now()):
        raise DomainError(
            _("The billing month %(month)s has not started yet.") % {"month": f"{month:%Y-%m}"},
            code=400,
            status=400,
            reason="invoices.month_not_started",
        )
    pairs = (
        ResellerRelationship.objects.filter(
            Q(status=ResellerRelationship.Status.ACTIVE) | Q(removed_at__gte=start),
            kind=RelationshipKind.DIRECT,
            established_at__lt=end,
            # Only the partners of the world the run belongs to: the real one, or one scenario sandbox.
            partner__tenant__scenario_key=clock.scenario_key(),
        )
        .order_by("partner_id", "customer_id")
        .values_list("partner_id", "customer_id")
        .distinct()
    )
    built = 0
    for partner_id, customer_id in pairs.iterator(chunk_size=1000):
        invoice = invoice_build(
            partner=PartnerProfile.objects.get(pk=partner_id),
            customer=CustomerAccount.objects.get(pk=customer_id),
            month=month,
            as_of=as_of,
        )
        built += invoice is not None
    return built


# -- the monthly job ------------------------------------------------------------------------------------


def invoicing_job_ensure(*, after: dt.datetime | None = None) -> ScheduledJob:
    """Make sure the monthly invoicing run is scheduled: the next 1st of a month, 00:00 UTC (once)."""
    due = month_start(next_month(month_of(after or clock.now())))
    # A run that is still pending for an earlier month (the running job itself, or one not swept yet)
    # does not stand in for this one.
    job = ScheduledJob.objects.filter(
        kind=INVOICE_JOB,
        status=ScheduledJob.Status.PENDING,
        due_at__gte=due,
        scenario_key=clock.scenario_key(),  # each world (real, or a scenario sandbox) has its own run
    ).first()
    if job is not None:
        return job
    return jobs.job_schedule(kind=INVOICE_JOB, due_at=due)


@jobs.handler(INVOICE_JOB)
def invoices_monthly_run(job) -> str:
    """Issue the invoices of the month before the job's due date, then schedule next month's run. Running
    it twice issues nothing twice (issued invoices are left as they are)."""
    # A retried job's due_at moved by at most an hour past the 1st: the day before is still last month.
    month = month_of(job.due_at - dt.timedelta(days=1))
    count = invoices_build_month(month=month, as_of=job.as_of)
    # The next month's run, even when ops run jobs far ahead (`run_due_jobs --until`): every month gets
    # its own run, one after the other.
    invoicing_job_ensure(after=job.due_at)
    return f"{count} invoice(s) for {month:%Y-%m}"
