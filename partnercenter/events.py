"""The one audit trail: typed events. Every state change calls `record` inside its transaction.

`EventKind` is the single table of kinds with their translatable labels; `record` accepts nothing else,
and every history the portal shows (the audit log, the per-object timelines, the partner's activity)
reads `Event` rows and names them with `label`. A kind whose label depends on its payload ("Joined
Indirect reseller") has a describer, registered by the app that owns the payload's meaning.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import clock
from .models import Event


class EventKind(models.TextChoices):
    # Partner profile and programs (tenants)
    PROFILE_UPDATED = "profile.updated", _("Profile details changed")
    PROFILE_CONFIRMED = "profile.confirmed", _("Details confirmed current")
    PROFILE_IDENTIFIED_FOR_OFFBOARDING = (
        "profile.identified_for_offboarding",
        _("Identified for direct bill offboarding"),
    )
    PROGRAM_JOINED = "program.joined", _("Joined a program")
    API_TOKEN_CREATED = "api_token.created", _("API key created")
    API_TOKEN_REVOKED = "api_token.revoked", _("API key revoked")
    # Indirect reseller enrollment and incentives (enrollment)
    ENROLLMENT_SUBMITTED = "enrollment.submitted", _("Enrollment submitted")
    ENROLLMENT_REFUSED = "enrollment.refused", _("Enrollment refused")
    ENROLLMENT_APPROVED = "enrollment.approved", _("Enrollment approved")
    ENROLLMENT_REJECTED = "enrollment.rejected", _("Enrollment rejected")
    ENROLLMENT_ACTIVATED = "enrollment.activated", _("Agreement accepted: indirect reseller active")
    INCENTIVE_INVITATION_SCHEDULED = "incentive_invitation.scheduled", _("Incentive invitation scheduled")
    INCENTIVE_INVITATION_SENT = "incentive_invitation.sent", _("Incentive invitation sent")
    INCENTIVE_INVITATION_ENROLLED = "incentive_invitation.enrolled", _("Enrolled in incentives")
    INCENTIVE_INVITATION_EXPIRED = "incentive_invitation.expired", _("Incentive invitation expired")
    INCENTIVE_PROGRAM_ENROLLED = (
        "incentive_program.enrolled",
        _("Enrolled in a direct-bill incentive program"),
    )
    # Partnership invitations and partnerships (invitations)
    PARTNER_INVITATION_CREATED = "partner_invitation.created", _("Invitation created")
    PARTNER_INVITATION_SENT = "partner_invitation.sent", _("Invitation email sent")
    PARTNER_INVITATION_LINK_REPLACED = "partner_invitation.link_replaced", _("Link replaced")
    PARTNER_INVITATION_LINK_ISSUED = "partner_invitation.link_issued", _("Link copied again")
    PARTNER_INVITATION_RESENT = "partner_invitation.resent", _("Invitation email sent again")
    PARTNER_INVITATION_ACCEPTED = "partner_invitation.accepted", _("Invitation accepted")
    PARTNER_INVITATION_DECLINED = "partner_invitation.declined", _("Invitation declined")
    PARTNER_INVITATION_REVOKED = "partner_invitation.revoked", _("Invitation revoked")
    PARTNER_INVITATION_EXPIRED = "partner_invitation.expired", _("Invitation expired")
    PARTNERSHIP_ACCEPTED = "partnership.accepted", _("Partnership started")
    PARTNERSHIP_REMOVED = "partnership.removed", _("Partnership removed")
    # Customers, customer invitations, orders, subscriptions, users and licenses (customers)
    CUSTOMER_ACCOUNT_CREATED = "customer_account.created", _("Customer account created")
    CUSTOMER_CREATED = "customer.created", _("Customer tenant created")
    CUSTOMER_UPDATED = "customer.updated", _("Customer details changed")
    CUSTOMER_INVITATION_CREATED = "customer_invitation.created", _("Customer invitation created")
    CUSTOMER_INVITATION_DRAFTED = "customer_invitation.drafted", _("Customer invitation email finished")
    CUSTOMER_INVITATION_LINK_ISSUED = (
        "customer_invitation.link_issued",
        _("Customer invitation link copied again"),
    )
    CUSTOMER_INVITATION_RESENT = "customer_invitation.resent", _("Customer invitation email sent again")
    CUSTOMER_INVITATION_ACCEPTED = "customer_invitation.accepted", _("Customer invitation accepted")
    CUSTOMER_INVITATION_DECLINED = "customer_invitation.declined", _("Customer invitation declined")
    CUSTOMER_INVITATION_REVOKED = "customer_invitation.revoked", _("Customer invitation revoked")
    CUSTOMER_INVITATION_EXPIRED = "customer_invitation.expired", _("Customer invitation expired")
    CUSTOMER_RELATIONSHIP_ESTABLISHED = (
        "customer_relationship.established",
        _("Reseller relationship established"),
    )
    CUSTOMER_RELATIONSHIP_MOVED_TO_INDIRECT = (
        "customer_relationship.moved_to_indirect",
        _("Direct-bill customer moved to the indirect model"),
    )
    CUSTOMER_RELATIONSHIP_REMOVED = "customer_relationship.removed", _("Reseller relationship removed")
    ORDER_CREATED = "order.created", _("Order placed")
    ORDER_COMPLETED = "order.completed", _("Order completed")
    SUBSCRIPTION_CREATED = "subscription.created", _("Subscription created")
    SUBSCRIPTION_QUANTITY_CHANGED = "subscription.quantity_changed", _("Subscription quantity changed")
    SUBSCRIPTION_SUSPENDED = "subscription.suspended", _("Subscription suspended")
    SUBSCRIPTION_REACTIVATED = "subscription.reactivated", _("Subscription reactivated")
    SUBSCRIPTION_AUTO_RENEW_CHANGED = "subscription.auto_renew_changed", _("Auto-renew changed")
    SUBSCRIPTION_RENEWED = "subscription.renewed", _("Subscription renewed")
    SUBSCRIPTION_EXPIRED = "subscription.expired", _("Subscription expired")
    CUSTOMER_USER_CREATED = "customer_user.created", _("Customer user created")
    CUSTOMER_USER_DELETED = "customer_user.deleted", _("Customer user deleted")
    LICENSE_ASSIGNED = "license.assigned", _("License assigned")
    LICENSE_REMOVED = "license.removed", _("License removed")
    # Moving direct-bill customers to the indirect model in bulk (transition)
    MOVE_BATCH_CREATED = "move_batch.created", _("Bulk customer invitations started")
    MOVE_BATCH_FINISHED = "move_batch.finished", _("Bulk customer invitations finished")
    MOVE_BATCH_FAILED = "move_batch.failed", _("Bulk customer invitations stopped")
    # Webhook registrations and deliveries (webhooks)
    WEBHOOK_REGISTERED = "webhook.registered", _("Webhook registered")
    WEBHOOK_UPDATED = "webhook.updated", _("Webhook registration changed")
    WEBHOOK_DELETED = "webhook.deleted", _("Webhook registration deleted")
    WEBHOOK_TEST_REQUESTED = "webhook.test_requested", _("Webhook test event requested")
    WEBHOOK_REDELIVERY_REQUESTED = "webhook.redelivery_requested", _("Webhook event redelivery requested")
    WEBHOOK_UNHEALTHY = "webhook.unhealthy", _("Webhook marked unhealthy")
    WEBHOOK_HEALTHY = "webhook.healthy", _("Webhook healthy again")


Describer = Callable[[Event], str]
_DESCRIBERS: dict[str, Describer] = {}


def describer(kind: EventKind) -> Callable[[Describer], Describer]:
    """Register how one kind reads with its payload (an app calls it from its AppConfig.ready())."""

    def register(fn: Describer) -> Describer:
        _DESCRIBERS[EventKind(kind).value] = fn
        return fn

    return register


def label(event_or_kind) -> str:
    """How people read an event: its kind's label, or its describer's text. An unknown kind (a row
    written before the kind was retired) reads as its raw name rather than failing the page."""
    kind = getattr(event_or_kind, "kind", event_or_kind)
    fn = _DESCRIBERS.get(kind)
    if fn is not None and hasattr(event_or_kind, "payload"):
        text = fn(event_or_kind)
        if text:
            return str(text)
    try:
        return str(EventKind(kind).label)
    except ValueError:
        return str(kind)


def record(
    kind: EventKind,
    *,
    tenant=None,
    actor=None,
    actor_label: str = "",
    obj: models.Model | None = None,
    reason: str = "",
    payload: dict[str, Any] | None = None,
) -> Event:
    try:
        kind = EventKind(kind)
    except ValueError:
        raise ValueError(f"{kind!r} is not an EventKind: add it to partnercenter.events.EventKind") from None
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return Event.objects.create(
        kind=kind.value,
        tenant=tenant,
        actor=actor,
        actor_label=actor_label or (actor.email if actor else "system"),
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        reason=str(reason),
        payload=_json_safe(payload or {}),
        created_at=clock.now(),
    )


def _json_safe(payload: dict[str, Any]) -> dict[str, Any]:
    """Dates, decimals, UUIDs and lazy strings become JSON values, so any payload can be stored."""
    return json.loads(json.dumps(payload, cls=DjangoJSONEncoder))


def for_object(obj: models.Model):
    """One object's history, oldest first: what every per-object timeline and admin history reads."""
    return (
        Event.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .select_related("actor")
        .order_by("created_at", "id")
    )
