"""The one table from the audit trail's event kinds to webhook event names (docs/webhooks.md).

Webhooks never ask the other apps: everything a notification says comes from the `Event` row (its kind,
tenant, object and payload) and from the partner profiles of `tenants`. Names follow Partner Center's
`{resource}-{action}` form; the real names are used where Partner Center has the event, the rest are
this portal's transition events in the same style.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

from partnercenter.events import EventKind
from partnercenter.models import Event
from tenants.models import PartnerProfile

TEST_CREATED = "test-created"

# Real Partner Center names, then the portal's own transition events.
REAL_NAMES = [
    "customer-created",
    "subscription-updated",
    "reseller-relationship-accepted-by-customer",
    "indirect-reseller-relationship-accepted-by-customer",
    "dap-admin-relationship-approved",
    "dap-admin-relationship-terminated",
]
TRANSITION_NAMES = [
    "indirect-reseller-enrollment-approved",
    "indirect-reseller-agreement-accepted",
    "partnership-invitation-accepted",
    "partnership-removed",
    "incentive-invitation-sent",
    "customer-invitation-accepted",
]
EVENT_NAMES = [*REAL_NAMES, *TRANSITION_NAMES]


@dataclass(frozen=True)
class Rule:
    """How one event kind becomes webhook events: names(event) -> names, its resource and who hears it."""

    names: Callable[[Event], list[str]]
    resource_name: str
    resource_path: Callable[[Event], str]
    # Partner tenants the event concerns besides its own tenant (by MPN ID or tenant id in the payload).
    mpn_keys: tuple[str, ...] = ()
    tenant_keys: tuple[str, ...] = ()
    # The event's tenant is a customer: its partners of record hear it (read from the relationship events).
    partners_of_customer: bool = False
    # More MPN IDs that hear it, found from the event (e.g. in an earlier event of the same object).
    more_mpns: Callable[[Event], set[str]] | None = None

    def mpns(self, event: Event) -> set[str]:
        found = {str(event.payload[k]) for k in self.mpn_keys if event.payload.get(k)}
        return found | (self.more_mpns(event) if self.more_mpns else set())


def _always(name: str) -> Callable[[Event], list[str]]:
    return lambda event: [name]


def _customer_path(event: Event) -> str:
    return f"/v1/customers/{event.payload.get('customer') or event.tenant_id}"


def _relationship_established(event: Event) -> list[str]:
    payload = event.payload
    indirect = payload.get("kind") != "direct" and bool(payload.get("provider"))
    names = [
        "indirect-reseller-relationship-accepted-by-customer"
        if indirect
        else "reseller-relationship-accepted-by-customer"
    ]
    if payload.get("delegatedAdmin"):
        names.append("dap-admin-relationship-approved")
    return names


def _established(event: Event) -> dict:
    """The payload of the event that established the relationship `event` is about."""
    if not event.object_id:
        return {}
    payload = (
        Event.objects.filter(
            kind=EventKind.CUSTOMER_RELATIONSHIP_ESTABLISHED,
            object_type=event.object_type,
            object_id=event.object_id,
        )
        .values_list("payload", flat=True)
        .first()
    )
    return payload or {}


def _relationship_removed(event: Event) -> list[str]:
    """Removing a relationship ends its delegated admin privileges, if it had them: the establishing
    event of the same relationship says whether it did."""
    if event.payload.get("delegatedAdmin") or _established(event).get("delegatedAdmin"):
        return ["dap-admin-relationship-terminated"]
    return []


def _established_parties(event: Event) -> set[str]:
    return {str(v) for k, v in _established(event).items() if k in ("reseller", "provider") and v}


def _subscription_path(event: Event) -> str:
    return f"/v1/customers/{event.tenant_id}/subscriptions/{event.object_id}"


_SUBSCRIPTION = Rule(
    _always("subscription-updated"), "Subscription", _subscription_path, partners_of_customer=True
)

RULES: dict[str, Rule] = {
    EventKind.CUSTOMER_CREATED: Rule(
        _always("customer-created"), "Customer", _customer_path, mpn_keys=("reseller",)
    ),
    EventKind.CUSTOMER_RELATIONSHIP_ESTABLISHED: Rule(
        _relationship_established, "Relationship", _customer_path, mpn_keys=("reseller", "provider")
    ),
    EventKind.CUSTOMER_RELATIONSHIP_REMOVED: Rule(
        _relationship_removed,
        "Relationship",
        _customer_path,
        mpn_keys=("reseller", "provider"),
        more_mpns=_established_parties,
    ),
    EventKind.SUBSCRIPTION_QUANTITY_CHANGED: _SUBSCRIPTION,
    EventKind.SUBSCRIPTION_SUSPENDED: _SUBSCRIPTION,
    EventKind.SUBSCRIPTION_REACTIVATED: _SUBSCRIPTION,
    EventKind.SUBSCRIPTION_AUTO_RENEW_CHANGED: _SUBSCRIPTION,
    EventKind.SUBSCRIPTION_RENEWED: _SUBSCRIPTION,
    EventKind.SUBSCRIPTION_EXPIRED: _SUBSCRIPTION,
    EventKind.ENROLLMENT_APPROVED: Rule(
        _always("indirect-reseller-enrollment-approved"),
        "Enrollment",
        lambda e: "/v1/enrollments/indirectreseller",
    ),
    EventKind.ENROLLMENT_ACTIVATED: Rule(
        _always("indirect-reseller-agreement-accepted"),
        "Agreement",
        lambda e: f"/v1/compliance/csp/agreementstatus?tenantId={e.tenant_id}",
    ),
    EventKind.PARTNERSHIP_ACCEPTED: Rule(
        _always("partnership-invitation-accepted"),
        "PartnerRelationship",
        lambda e: "/v1/relationships",
        tenant_keys=("providerTenantId",),
    ),
    EventKind.PARTNERSHIP_REMOVED: Rule(
        _always("partnership-removed"),
        "PartnerRelationship",
        lambda e: "/v1/relationships",
        tenant_keys=("resellerTenantId",),
    ),
    EventKind.INCENTIVE_INVITATION_SENT: Rule(
        _always("incentive-invitation-sent"),
        "IncentiveInvitation",
        lambda e: "/v1/profiles/legalbusiness",
    ),
    EventKind.CUSTOMER_INVITATION_ACCEPTED: Rule(
        _always("customer-invitation-accepted"),
        "CustomerInvitation",
        _customer_path,
        mpn_keys=("provider",),
    ),
}
MAPPED_KINDS = [str(kind.value) for kind in map(EventKind, RULES)]


def _base() -> str:
    return settings.PORTAL_BASE_URL


def body_for(*, event_name: str, resource_name: str, resource_uri: str, changed_at) -> str:
    """The exact JSON every delivery of a notification sends (and signs), in Partner Center's shape."""
    return json.dumps(
        {
            "EventName": event_name,
            "ResourceUri": resource_uri,
            "ResourceName": resource_name,
            "AuditUri": None,
            "ResourceChangeUtcDate": changed_at.isoformat(),
        },
        separators=(",", ":"),
    )


@dataclass(frozen=True)
class Planned:
    event_id: int
    tenant_id: object
    event_name: str
    body: str


def _relationship_history(customer_tenant_ids: set[str]) -> dict[str, list[tuple]]:
    """customer tenant id -> its relationship events (id, kind, object id, payload), oldest first."""
    history: dict[str, list[tuple]] = {}
    if not customer_tenant_ids:
        return history
    rows = Event.objects.filter(
        tenant_id__in=customer_tenant_ids,
        kind__in=[EventKind.CUSTOMER_RELATIONSHIP_ESTABLISHED, EventKind.CUSTOMER_RELATIONSHIP_REMOVED],
    ).order_by("id")
    for pk, kind, tenant_id, object_id, payload in rows.values_list(
        "id", "kind", "tenant_id", "object_id", "payload"
    ):
        history.setdefault(str(tenant_id), []).append((pk, kind, object_id, payload))
    return history


def _partners_of_record(history: list[tuple], before_id: int) -> set[str]:
    """MPN IDs of a customer's resellers and providers of record when event `before_id` happened: the
    relationships established for it, less those removed since."""
    live: dict[str, set[str]] = {}
    for pk, kind, object_id, payload in history:
        if pk >= before_id:
            break
        if kind == EventKind.CUSTOMER_RELATIONSHIP_REMOVED:
            live.pop(object_id, None)
        else:
            live[object_id] = {str(payload[k]) for k in ("reseller", "provider") if payload.get(k)}
    return set().union(*live.values()) if live else set()


def plan(events: list[Event]) -> list[Planned]:
    """What notifications these events make, for which partner tenants. Tenants without a partner
    profile (customers) hear nothing. A few queries for the whole batch (plus one per relationship
    removal)."""
    mpns: set[str] = set()
    tenant_ids: set[str] = set()
    history = _relationship_history(
        {
            str(e.tenant_id)
            for e in events
            if e.tenant_id and getattr(RULES.get(e.kind), "partners_of_customer", False)
        }
    )
    for rows in history.values():
        mpns |= {str(p[k]) for _pk, _kind, _obj, p in rows for k in ("reseller", "provider") if p.get(k)}
    for event in events:
        rule = RULES.get(event.kind)
        if rule is None:
            continue
        mpns |= rule.mpns(event)
        tenant_ids |= {str(event.payload[k]) for k in rule.tenant_keys if event.payload.get(k)}
        if event.tenant_id:
            tenant_ids.add(str(event.tenant_id))
    by_mpn = dict(PartnerProfile.objects.filter(mpn_id__in=mpns).values_list("mpn_id", "tenant_id"))
    partners = {
        str(t)
        for t in PartnerProfile.objects.filter(
            tenant_id__in=tenant_ids | {str(v) for v in by_mpn.values()}
        ).values_list("tenant_id", flat=True)
    }
    planned: list[Planned] = []
    for event in events:
        rule = RULES.get(event.kind)
        if rule is None:
            continue
        names = rule.names(event)
        if not names:
            continue
        hearers = {str(event.tenant_id)} if event.tenant_id else set()
        hearers |= {str(by_mpn[m]) for m in rule.mpns(event) if m in by_mpn}
        hearers |= {str(event.payload[k]) for k in rule.tenant_keys if event.payload.get(k)}
        if rule.partners_of_customer:
            of_record = _partners_of_record(history.get(str(event.tenant_id), []), event.pk)
            hearers |= {str(by_mpn[m]) for m in of_record if m in by_mpn}
        uri = _base() + rule.resource_path(event)
        for tenant_id in sorted(hearers & partners):
            for name in names:
                body = body_for(
                    event_name=name,
                    resource_name=rule.resource_name,
                    resource_uri=uri,
                    changed_at=event.created_at,
                )
                planned.append(Planned(event.pk, tenant_id, name, body))
    return planned
