"""Reads of the migration tracker: every direct-bill customer of the acting partner with its move state.

`tracker_customers` is the one selector the page, the API and the CSV export read; the state is a SQL
expression (`move_state`) over the partner's relationships, subscriptions and pending invitations, so a
filter by state, the counts per state and a page of rows are each one query whatever the book's size.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    UUIDField,
    Value,
    When,
)
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _

from customers.models import (
    CustomerAccount,
    CustomerInvitation,
    RelationshipKind,
    ResellerRelationship,
    Subscription,
)
from customers.services.invitations import REASON_ALREADY_RESELLER, REASON_STORE_FOR_BUSINESS
from partnercenter import clock, ids
from partnercenter.errors import NotFound
from tenants.models import PartnerProfile, Role, User
from tenants.services import is_direct_bill

from .models import MoveBatch, MoveBatchItem


class MoveState:
    NOT_INVITED = "not_invited"
    INVITED = "invited"
    AUTHORIZED = "authorized"
    BLOCKED = "blocked"
    MOVED_WITH_DIRECT_SUBSCRIPTIONS = "moved_with_direct_subscriptions"

    CHOICES = [
        (NOT_INVITED, _("Not invited")),
        (INVITED, _("Invited")),
        (AUTHORIZED, _("Authorized")),
        (MOVED_WITH_DIRECT_SUBSCRIPTIONS, _("Moved, direct-bill subscriptions still active")),
        (BLOCKED, _("Cannot move")),
    ]
    LABELS = dict(CHOICES)
    VALUES = [value for value, _label in CHOICES]


# Reasons a customer cannot move, or was not invited, in plain words (callers keep the code; the page, the
# API and the CSV show the words). The codes are the invitation service's where it has the rule.
# The one reason a customer is `blocked` (R16), the invitation service's own code.
BLOCKED_REASON = REASON_STORE_FOR_BUSINESS
REASON_ALREADY_INVITED = "transition.already_invited"
REASON_NO_EMAIL = "transition.no_email"
REASON_NOT_DIRECT = "transition.not_direct_customer"

REASON_MESSAGES = {
    REASON_STORE_FOR_BUSINESS: _(
        "Microsoft Store for Business customers cannot move to the indirect model; keep serving this "
        "customer through direct bill."
    ),
    REASON_ALREADY_RESELLER: _("The customer already authorized you as its indirect reseller."),
    REASON_ALREADY_INVITED: _("The customer already has a pending invitation with this provider."),
    REASON_NO_EMAIL: _(
        "The customer has no contact email and no global admin to send the invitation to. Add a contact "
        "email to the customer's account."
    ),
    REASON_NOT_DIRECT: _("This customer is no longer one of your direct-bill customers."),
}


def reason_text(reason: str, fallback: str = "") -> str:
    text = REASON_MESSAGES.get(reason)
    return str(text) if text is not None else fallback


def _active(profile: PartnerProfile):
    return ResellerRelationship.objects.filter(
        customer=OuterRef("pk"), partner=profile, status=ResellerRelationship.Status.ACTIVE
    )


def _pending_invitations(profile: PartnerProfile, *, provider: PartnerProfile | None = None):
    """The partner's pending, unexpired customer invitations meant for the customer of the outer row: sent
    by a bulk move for it, or emailed to its contact address."""
    qs = CustomerInvitation.objects.filter(
        reseller=profile, status="pending", expires_at__gt=clock.now()
    ).filter(
        Q(move_item__customer_id=OuterRef("pk"))
        | (~Q(email_to="") & Q(email_to__iexact=OuterRef("contact_email")))
    )
    if provider is not None:
        qs = qs.filter(provider=provider)
    return qs


def tracker_base(*, profile: PartnerProfile) -> QuerySet[CustomerAccount]:
    """The partner's direct-bill customers (an active direct relationship, or moved from one), each with
    `move_state`. No ordering and no detail columns: what counts and filters need."""
    mine = _active(profile)
    direct = mine.filter(kind=RelationshipKind.DIRECT)
    indirect = mine.filter(kind=RelationshipKind.INDIRECT)
    direct_subscriptions = Subscription.objects.filter(
        customer=OuterRef("pk"),
        relationship__partner=profile,
        relationship__kind=RelationshipKind.DIRECT,
        status=Subscription.Status.ACTIVE,
    )
    whens = [
        When(
            Exists(indirect) & Exists(direct_subscriptions),
            then=Value(MoveState.MOVED_WITH_DIRECT_SUBSCRIPTIONS),
        ),
        When(Exists(indirect), then=Value(MoveState.AUTHORIZED)),
    ]
    # R16: only an existing direct-bill partner is refused a Store for Business customer.
    if is_direct_bill(profile):
        whens.append(When(store_for_business=True, then=Value(MoveState.BLOCKED)))
    whens.append(When(Exists(_pending_invitations(profile)), then=Value(MoveState.INVITED)))
    return CustomerAccount.objects.filter(
        Exists(direct) | Exists(indirect.filter(source=ResellerRelationship.Source.DIRECT_BILL))
    ).annotate(
        move_state=Case(*whens, default=Value(MoveState.NOT_INVITED), output_field=CharField()),
    )


def _search(qs: QuerySet[CustomerAccount], q: str) -> QuerySet[CustomerAccount]:
    # Two indexed searches (pg_trgm indexes on both columns), as the Customers list does.
    by_name = CustomerAccount.objects.filter(company_name__icontains=q).order_by().values("pk")
    by_domain = CustomerAccount.objects.filter(tenant__default_domain__icontains=q).order_by().values("pk")
    return qs.filter(pk__in=by_name.union(by_domain))


def tracker_customers(*, profile: PartnerProfile, state: str = "", q: str = "") -> QuerySet[CustomerAccount]:
    """The tracker's rows, filtered by state and a search on name or domain, ordered by company name."""
    qs = tracker_base(profile=profile)
    if state:
        qs = qs.filter(move_state=state)
    q = (q or "").strip()
    if q:
        qs = _search(qs, q)
    return qs.order_by("company_name", "pk")


def with_details(qs: QuerySet[CustomerAccount], *, profile: PartnerProfile) -> QuerySet[CustomerAccount]:
    """What a row shows beyond its state: the domain, and the latest pending invitation (when, which
    provider). Correlated subqueries, so a page is one query."""
    latest = _pending_invitations(profile).order_by("-created_at", "-pk")
    return qs.select_related("tenant").annotate(
        invited_at=Subquery(latest.values("created_at")[:1]),
        invited_provider_name=Subquery(latest.values("provider__legal_name")[:1]),
        invited_provider_tenant=Subquery(latest.values("provider__tenant_id")[:1], output_field=UUIDField()),
    )


def state_counts(*, profile: PartnerProfile, q: str = "") -> dict[str, int]:
    """How many customers are in each state: one grouped query."""
    qs = tracker_base(profile=profile)
    if (q or "").strip():
        qs = _search(qs, q.strip())
    rows = qs.order_by().values("move_state").annotate(n=Count("pk")).values_list("move_state", "n")
    counts = dict.fromkeys(MoveState.VALUES, 0)
    counts.update(dict(rows))
    return counts


def customer_pks(*, profile: PartnerProfile, customer_ids) -> tuple[list[int], list[str]]:
    """The tracker customers named by tenant id: (their account pks, in the order given and once each;
    the ids that are not this partner's direct-bill customers). One query."""
    wanted: dict[uuid.UUID, str] = {}
    unknown: list[str] = []
    for raw in customer_ids:
        parsed = ids.parse_uuid(raw)
        if parsed is None:
            unknown.append(str(raw))
        else:
            wanted.setdefault(parsed, str(raw))
    found = dict(
        tracker_base(profile=profile)
        .filter(tenant_id__in=list(wanted))
        .order_by()
        .values_list("tenant_id", "pk")
    )
    unknown += [raw for tid, raw in wanted.items() if tid not in found]
    return [found[tid] for tid in wanted if tid in found], unknown


@dataclass
class MoveFacts:
    """What the bulk move needs to decide about one customer, read in one query per chunk."""

    state: str
    email: str
    pending_here: bool


def move_facts(*, profile: PartnerProfile, provider: PartnerProfile, pks: list[int]) -> dict[int, MoveFacts]:
    """For the customers `pks`: their move state, the address the invitation goes to (the contact email,
    else the customer's first global admin) and whether an invitation with `provider` is pending.
    Customers that are no longer the partner's direct-bill customers are absent."""
    admin_email = (
        User.objects.filter(tenant_id=OuterRef("tenant_id"), role=Role.GLOBAL_ADMIN, is_active=True)
        .order_by("pk")
        .values("email")[:1]
    )
    rows = (
        tracker_base(profile=profile)
        .filter(pk__in=pks)
        .annotate(
            admin_email=Subquery(admin_email),
            pending_here=Exists(_pending_invitations(profile, provider=provider)),
        )
        .order_by()
        .values_list("pk", "move_state", "contact_email", "admin_email", "pending_here")
    )
    return {
        pk: MoveFacts(state=state, email=(contact or admin or "").strip(), pending_here=bool(pending))
        for pk, state, contact, admin, pending in rows
    }


# ----------------------------------------------------------------------------------- progress chart

CHART_DAYS = 30


@dataclass
class ChartDay:
    day: dt.date
    invited: int = 0
    moved: int = 0


def progress_by_day(*, profile: PartnerProfile, days: int = CHART_DAYS) -> list[ChartDay]:
    """Invitations sent and customers moved to the indirect model per day, for the last `days` days: two
    grouped queries over the partner's own invitations and relationships."""
    today = clock.now().date()
    start = today - dt.timedelta(days=days - 1)
    since = clock.now() - dt.timedelta(days=days + 1)
    invited = (
        CustomerInvitation.objects.filter(reseller=profile, created_at__gte=since)
        .annotate(day=TruncDate("created_at"))
        .order_by()
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    moved = (
        ResellerRelationship.objects.filter(
            partner=profile,
            kind=RelationshipKind.INDIRECT,
            source=ResellerRelationship.Source.DIRECT_BILL,
            established_at__gte=since,
        )
        .annotate(day=TruncDate("established_at"))
        .order_by()
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    series = {start + dt.timedelta(days=i): ChartDay(day=start + dt.timedelta(days=i)) for i in range(days)}
    for day, n in invited:
        if day in series:
            series[day].invited = n
    for day, n in moved:
        if day in series:
            series[day].moved = n
    return list(series.values())


# ----------------------------------------------------------------------------------------- batches


def batches_of(*, profile: PartnerProfile) -> QuerySet[MoveBatch]:
    return MoveBatch.objects.filter(partner=profile).select_related("provider", "created_by")


def batch_of(*, profile: PartnerProfile, batch_id) -> MoveBatch:
    """One of the partner's batches by id; another partner's (or a malformed id) is not found."""
    parsed = ids.parse_uuid(batch_id)
    batch = batches_of(profile=profile).filter(pk=parsed).first() if parsed is not None else None
    if batch is None:
        raise NotFound()
    return batch


def batch_problems(*, batch: MoveBatch) -> QuerySet[MoveBatchItem]:
    """The customers a batch did not invite, and why (skipped or failed), in the order they were chosen."""
    return (
        MoveBatchItem.objects.filter(
            batch=batch, state__in=[MoveBatchItem.State.SKIPPED, MoveBatchItem.State.FAILED]
        )
        .select_related("customer__tenant")
        .order_by("id")
    )


def batch_items(*, batch: MoveBatch, state: str = "") -> QuerySet[MoveBatchItem]:
    qs = MoveBatchItem.objects.filter(batch=batch).select_related("customer__tenant", "invitation")
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("id")
