"""Subscriptions: quantity, suspend/reactivate and auto-renew changes (R12, R18), and the term-end renewal
job."""

from __future__ import annotations

import calendar
import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from partnercenter import clock, events, jobs
from partnercenter.errors import Conflict, DomainError, Forbidden, NotFound
from partnercenter.events import EventKind
from tenants.models import User
from tenants.services import is_direct_bill, roles_text

from ..models import LicenseAssignment, RelationshipKind, Subscription
from ..selectors import ORDER_ROLES, CustomerAccess, role_allows

RENEWAL_JOB = "customers.subscription_term_end"


def quantity_change_refusal(*, access: CustomerAccess, subscription: Subscription) -> Forbidden | None:
    """Why this partner may not change the quantity of `subscription`, or None (R14, R18): the quantity of an
    indirect subscription (adding licenses is an order) is its provider's to change; the reseller manages
    licenses, users and renewals. A direct-bill subscription's quantity stays its direct-bill partner's."""
    rel = next((r for r in access.relationships if r.pk == subscription.relationship_id), None)
    if rel is None or rel.kind != RelationshipKind.INDIRECT or rel.provider_id == access.profile.pk:
        return None
    values = {"customer": access.customer.company_name, "provider": rel.provider.legal_name}
    if is_direct_bill(access.profile):
        return Forbidden(
            _(
                "%(customer)s was acquired as an indirect reseller customer: the direct-bill capability cannot "
                "be used to add licenses to its subscriptions. Your indirect provider %(provider)s changes "
                "their quantity."
            )
            % values,
            rule="R14",
            reason="subscriptions.provider_changes_quantity",
        )
    return Forbidden(
        _(
            "As the indirect reseller of %(customer)s you do not change the quantity of its subscriptions: "
            "your indirect provider %(provider)s submits those orders."
        )
        % values,
        rule="R18",
        reason="subscriptions.provider_changes_quantity",
    )


def add_months(moment: dt.datetime, months: int) -> dt.datetime:
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def change_role_refusal(*, access: CustomerAccess, user: User) -> Forbidden | None:
    """SPEC §10: the roles that change a partner's subscriptions (quantity, status, auto-renew)."""
    if role_allows(user, ORDER_ROLES, access.profile):
        return None
    return Forbidden(
        _("Only a %(roles)s of the partner can change subscriptions.") % {"roles": roles_text(ORDER_ROLES)},
        rule="R18",
        reason="subscriptions.role_cannot_change",
    )


def ended_refusal(subscription: Subscription) -> Conflict | None:
    if subscription.status in (Subscription.Status.EXPIRED, Subscription.Status.DELETED):
        return Conflict(_("This subscription has ended and cannot be changed."), reason="subscriptions.ended")
    return None


def suspended_refusal(subscription: Subscription) -> Conflict | None:
    if subscription.status != Subscription.Status.ACTIVE:
        return Conflict(
            _("Reactivate the subscription before changing its quantity."), reason="subscriptions.suspended"
        )
    return None


def quantity_refusal(*, access: CustomerAccess, user: User, subscription: Subscription) -> DomainError | None:
    """Why `user` cannot change the quantity of `subscription` now, or None: the checks `subscription_update`
    runs for a quantity change, in its order ("Why can't I?" asks this)."""
    if not access.manages(subscription):
        return NotFound()
    return (
        change_role_refusal(access=access, user=user)
        or quantity_change_refusal(access=access, subscription=subscription)
        or ended_refusal(subscription)
        or suspended_refusal(subscription)
    )


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
    """Change quantity, suspend/reactivate, turn auto-renew on or off (R12, R18). The quantity of an
    indirect subscription is its provider's to change (R14, R18)."""
    if not access.manages(subscription):
        raise NotFound()
    refusal = change_role_refusal(access=access, user=user)
    if refusal is not None:
        raise refusal
    sub = Subscription.objects.select_for_update().select_related("offer").get(pk=subscription.pk)
    if quantity is not None and quantity != sub.quantity:
        refusal = quantity_change_refusal(access=access, subscription=sub)
        if refusal is not None:
            raise refusal
    refusal = ended_refusal(sub)
    if refusal is not None:
        raise refusal
    tenant = access.customer.tenant
    if status is not None and status not in (Subscription.Status.ACTIVE, Subscription.Status.SUSPENDED):
        raise DomainError(
            _("status is active or suspended."), code=400, status=400, reason="subscriptions.bad_status"
        )
    if status == Subscription.Status.ACTIVE and sub.status == Subscription.Status.SUSPENDED:
        sub.reactivate()
        sub.save(update_fields=["status"])
        events.record(EventKind.SUBSCRIPTION_REACTIVATED, tenant=tenant, actor=user, obj=sub)
    if quantity is not None and quantity != sub.quantity:
        refusal = suspended_refusal(sub)
        if refusal is not None:
            raise refusal
        if not sub.offer.min_quantity <= quantity <= sub.offer.max_quantity:
            raise DomainError(
                _("The quantity must be between %(min)d and %(max)d.")
                % {"min": sub.offer.min_quantity, "max": sub.offer.max_quantity},
                code=400,
                status=400,
                reason="subscriptions.bad_quantity",
            )
        assigned = LicenseAssignment.objects.filter(subscription=sub).count()
        if quantity < assigned:
            raise Conflict(
                _("%(n)d licenses are assigned; unassign some before lowering the quantity to %(q)d.")
                % {"n": assigned, "q": quantity},
                reason="subscriptions.quantity_below_assigned",
            )
        before = sub.quantity
        sub.quantity = quantity
        sub.save(update_fields=["quantity"])
        events.record(
            EventKind.SUBSCRIPTION_QUANTITY_CHANGED,
            tenant=tenant,
            actor=user,
            obj=sub,
            payload={"from": before, "to": quantity},
        )
    if auto_renew is not None and auto_renew != sub.auto_renew:
        sub.auto_renew = auto_renew
        sub.save(update_fields=["auto_renew"])
        events.record(
            EventKind.SUBSCRIPTION_AUTO_RENEW_CHANGED,
            tenant=tenant,
            actor=user,
            obj=sub,
            payload={"autoRenew": auto_renew},
        )
    if status == Subscription.Status.SUSPENDED and sub.status == Subscription.Status.ACTIVE:
        sub.suspend()
        sub.save(update_fields=["status"])
        events.record(EventKind.SUBSCRIPTION_SUSPENDED, tenant=tenant, actor=user, obj=sub)
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
            EventKind.SUBSCRIPTION_RENEWED,
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
        EventKind.SUBSCRIPTION_EXPIRED,
        tenant=tenant,
        actor_label=f"job:{RENEWAL_JOB}",
        obj=sub,
        reason="auto-renew off" if not sub.auto_renew else "suspended at term end",
        payload={"licensesFreed": freed},
    )
    return "expired"
