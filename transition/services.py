"""Writes of the bulk move: start a batch of customer invitations, and work through it in durable chunks.

Guarantees (docs/transition.md):
- The batch and all its items are written in the request's transaction (a few bulk INSERTs), together
  with the first job rows: a batch that exists is a batch that will run.
- A job step claims up to CHUNK pending items (select_for_update skip_locked), invites each through the
  customers' invitation service and marks the item in that same transaction. A killed worker rolls back
  its whole step: its items are pending again and its job row is still due, so the sweep resumes there.
- Nobody is invited twice: only pending items are claimed, each customer is once per batch (a unique
  constraint), and the customer rows are locked while a step decides, so two batches naming the same
  customer see each other's invitation and the second skips it.
"""

from __future__ import annotations

import math

from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils.translation import gettext as _

from customers.models import CustomerAccount
from customers.services.invitations import (
    REASON_ALREADY_RESELLER,
    REASON_PROVIDER_NOT_PARTNERED,
    REASON_STORE_FOR_BUSINESS,
    customer_invitation_create,
    customer_invitation_finish_draft,
    draft_text,
    require_customer_inviter,
)
from partnercenter import clock, events, jobs
from partnercenter.errors import DomainError
from partnercenter.events import EventKind
from tenants.models import PartnerProfile, Partnership, User

from . import selectors
from .models import MoveBatch, MoveBatchItem
from .selectors import REASON_ALREADY_INVITED, REASON_NO_EMAIL, REASON_NOT_DIRECT, MoveState

STEP_JOB = "transition.move_step"
CHUNK = 200  # items per job step
PARALLEL = 4  # job chains per batch: several workers share a large batch
MAX_BATCH = 20_000
INSERT_BATCH = 2_000

REASON_NO_CUSTOMERS = "transition.no_customers"
REASON_TOO_MANY = "transition.too_many_customers"
REASON_UNKNOWN_CUSTOMERS = "transition.unknown_customers"
REASON_BAD_STATE = "transition.bad_state"


def _provider_partnered(*, reseller: PartnerProfile, provider: PartnerProfile) -> bool:
    return Partnership.objects.filter(
        reseller=reseller, provider=provider, status=Partnership.Status.ACTIVE
    ).exists()


@transaction.atomic
def move_batch_create(
    *,
    reseller: PartnerProfile,
    user: User,
    provider: PartnerProfile,
    customer_ids: list | None = None,
    state: str = "",
    q: str = "",
    include_delegated_admin: bool = True,
) -> MoveBatch:
    """R11, R15: send customer invitations with `provider` to many direct-bill customers at once: those
    named by tenant id (`customer_ids`), or all the tracker shows for a filter (`state`, `q`). Writes the
    batch, one item per customer and the jobs that will send them; nothing is sent in the request."""
    require_customer_inviter(reseller=reseller, user=user)
    if not _provider_partnered(reseller=reseller, provider=provider):
        raise DomainError(
            _(
                "That provider is not one of your indirect providers. Choose a provider you are partnered with."
            ),
            rule="R11",
            reason=REASON_PROVIDER_NOT_PARTNERED,
        )
    if customer_ids is not None:
        pks, unknown = selectors.customer_pks(profile=reseller, customer_ids=customer_ids)
        if unknown:
            # One answer for malformed, unknown and other partners' ids: it tells nothing about them.
            raise DomainError(
                _("These are not your direct-bill customers: %(ids)s. Nothing was sent.")
                % {"ids": ", ".join(unknown[:20]) + (" …" if len(unknown) > 20 else "")},
                reason=REASON_UNKNOWN_CUSTOMERS,
                data=unknown[:100],
            )
        selection = {"customerIds": len(pks)}
    else:
        if state and state not in MoveState.VALUES:
            raise DomainError(_("Choose one of the tracker's states."), reason=REASON_BAD_STATE)
        rows = selectors.tracker_customers(profile=reseller, state=state, q=q).values_list("pk", flat=True)
        pks = list(rows[: MAX_BATCH + 1])
        selection = {"filter": {"state": state, "q": q}}
    if not pks:
        raise DomainError(_("Choose at least one customer to invite."), reason=REASON_NO_CUSTOMERS)
    if len(pks) > MAX_BATCH:
        raise DomainError(
            _("A batch invites at most %(max)s customers. Narrow the filter and send several batches.")
            % {"max": f"{MAX_BATCH:,}"},
            reason=REASON_TOO_MANY,
        )
    now = clock.now()
    batch = MoveBatch.objects.create(
        partner=reseller,
        provider=provider,
        include_delegated_admin=include_delegated_admin,
        created_by=user,
        created_at=now,
        selection=selection,
        total=len(pks),
    )
    MoveBatchItem.objects.bulk_create(
        [MoveBatchItem(batch=batch, customer_id=pk) for pk in pks], batch_size=INSERT_BATCH
    )
    events.record(
        EventKind.MOVE_BATCH_CREATED,
        tenant=reseller.tenant,
        actor=user,
        obj=batch,
        payload={"provider": provider.mpn_id, "customers": len(pks), **selection},
    )
    for _chain in range(min(PARALLEL, math.ceil(len(pks) / CHUNK))):
        jobs.job_schedule(kind=STEP_JOB, obj=batch, tenant=reseller.tenant)
    return batch


def _batch_refusal(batch: MoveBatch) -> DomainError | None:
    """Why the batch cannot go on at all (its user lost the role, the reseller program or the partnership
    ended since it was started), or None."""
    user = batch.created_by
    try:
        if user is None or not user.is_active:
            raise DomainError(
                _("The user who started the move can no longer invite customers."),
                reason="transition.user_gone",
            )
        require_customer_inviter(reseller=batch.partner, user=user)
        if not _provider_partnered(reseller=batch.partner, provider=batch.provider):
            raise DomainError(
                _("%(provider)s is no longer one of your indirect providers.")
                % {"provider": batch.provider.legal_name},
                rule="R11",
                reason=REASON_PROVIDER_NOT_PARTNERED,
            )
    except DomainError as exc:
        return exc
    return None


def _decide(facts: selectors.MoveFacts | None) -> tuple[str, str] | None:
    """(item state, reason) for a customer that is not to be invited, or None to invite it."""
    if facts is None:
        return MoveBatchItem.State.FAILED, REASON_NOT_DIRECT
    if facts.state in (MoveState.AUTHORIZED, MoveState.MOVED_WITH_DIRECT_SUBSCRIPTIONS):
        return MoveBatchItem.State.SKIPPED, REASON_ALREADY_RESELLER
    if facts.state == MoveState.BLOCKED:
        return MoveBatchItem.State.SKIPPED, REASON_STORE_FOR_BUSINESS
    if facts.pending_here:
        return MoveBatchItem.State.SKIPPED, REASON_ALREADY_INVITED
    if not facts.email:
        return MoveBatchItem.State.FAILED, REASON_NO_EMAIL
    return None


def _invite(batch: MoveBatch, item: MoveBatchItem, email: str) -> None:
    """One customer: a real invitation with the batch's provider, its draft emailed through the outbox,
    and the item marked, all in one savepoint. A refusal by the invitation service fails only this item."""
    user = batch.created_by
    try:
        with transaction.atomic():
            invitation, token = customer_invitation_create(
                reseller=batch.partner,
                user=user,
                provider=batch.provider,
                include_delegated_admin=batch.include_delegated_admin,
            )
            subject, body = draft_text(invitation, token)
            customer_invitation_finish_draft(
                invitation=invitation, user=user, token=token, subject=subject, body=body, email_to=email
            )
            item.state, item.invitation, item.processed_at = (
                MoveBatchItem.State.INVITED,
                invitation,
                clock.now(),
            )
            item.save(update_fields=["state", "invitation", "processed_at"])
    except DomainError as exc:
        item.state, item.reason, item.message = MoveBatchItem.State.FAILED, exc.reason, exc.text[:500]
        item.processed_at = clock.now()
        item.save(update_fields=["state", "reason", "message", "processed_at"])


def _tally(batch_id, counts: dict[str, int]) -> None:
    """Add this step's outcomes to the batch's counts (increments compose under concurrent steps; the
    UPDATE waits for another step's, so what this transaction reads next includes its commit)."""
    if any(counts.values()):
        MoveBatch.objects.filter(pk=batch_id).update(
            invited=F("invited") + counts.get(MoveBatchItem.State.INVITED, 0),
            skipped=F("skipped") + counts.get(MoveBatchItem.State.SKIPPED, 0),
            failed=F("failed") + counts.get(MoveBatchItem.State.FAILED, 0),
            # Running from its first committed step (taking the row's lock only at the end of a step, so
            # concurrent steps of one batch do not wait for each other).
            state=Case(
                When(state=MoveBatch.State.QUEUED, then=Value(MoveBatch.State.RUNNING)), default=F("state")
            ),
        )


def _finish(batch: MoveBatch, *, state: str, reason: str = "") -> bool:
    """Mark the batch finished once (a conditional UPDATE), with its event."""
    done = MoveBatch.objects.filter(
        pk=batch.pk, state__in=[MoveBatch.State.QUEUED, MoveBatch.State.RUNNING]
    ).update(state=state, finished_at=clock.now(), reason=reason)
    if done:
        batch.refresh_from_db()
        events.record(
            EventKind.MOVE_BATCH_FINISHED if state == MoveBatch.State.DONE else EventKind.MOVE_BATCH_FAILED,
            tenant=batch.partner.tenant,
            actor_label=f"job:{STEP_JOB}",
            obj=batch,
            reason=reason,
            payload={"invited": batch.invited, "skipped": batch.skipped, "failed": batch.failed},
        )
    return bool(done)


@transaction.atomic
def move_batch_step(*, batch_id, chunk: int = CHUNK) -> str:
    """One job step: claim up to `chunk` pending items, invite or skip each, then schedule the next step
    while pending items remain, or mark the batch done. Safe to run twice and concurrently."""
    batch = (
        MoveBatch.objects.select_related("partner__tenant", "provider", "created_by")
        .filter(pk=batch_id)
        .first()
    )
    if batch is None or batch.is_finished:
        return "nothing to do"
    pending = MoveBatchItem.objects.filter(batch=batch, state=MoveBatchItem.State.PENDING)

    refusal = _batch_refusal(batch)
    if refusal is not None:
        left = pending.select_for_update(skip_locked=True).values_list("pk", flat=True)
        n = MoveBatchItem.objects.filter(pk__in=list(left)).update(
            state=MoveBatchItem.State.FAILED,
            reason=refusal.reason,
            message=refusal.text[:500],
            processed_at=clock.now(),
        )
        _tally(batch.pk, {MoveBatchItem.State.FAILED: n})
        if not pending.exists():
            _finish(batch, state=MoveBatch.State.FAILED, reason=refusal.reason)
        return f"refused: {refusal.reason}"

    items = list(pending.select_for_update(skip_locked=True).order_by("id")[:chunk])
    counts: dict[str, int] = {}
    if items:
        pks = sorted({item.customer_id for item in items})
        # Lock the customers (in pk order: no deadlock between steps), then read their facts in a fresh
        # statement, so an invitation another batch just committed for one of them is seen.
        list(CustomerAccount.objects.select_for_update().filter(pk__in=pks).order_by("pk").values_list("pk"))
        facts = selectors.move_facts(profile=batch.partner, provider=batch.provider, pks=pks)
        now = clock.now()
        for item in items:
            decided = _decide(facts.get(item.customer_id))
            if decided is None:
                _invite(batch, item, facts[item.customer_id].email)
            else:
                item.state, item.reason, item.processed_at = decided[0], decided[1], now
                item.save(update_fields=["state", "reason", "processed_at"])
            counts[item.state] = counts.get(item.state, 0) + 1
    _tally(batch.pk, counts)
    if pending.exists():
        if items:  # this chain goes on; a step that found everything claimed ends (the others go on)
            jobs.job_schedule(kind=STEP_JOB, obj=batch, tenant=batch.partner.tenant)
    else:
        _finish(batch, state=MoveBatch.State.DONE)
    return f"{len(items)} customers"
