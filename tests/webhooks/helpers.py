from __future__ import annotations

from partnercenter import events
from partnercenter.events import EventKind
from tenants.models import Program
from tests.factories import make_partner
from webhooks import catalog, services


def registered(url: str, names=None, **kwargs):
    """A direct-bill partner's global admin with a registration for `names` (every event by default)."""
    profile, user = make_partner(Program.DIRECT_BILL, **kwargs)
    registration = services.registration_create(user=user, url=url, events_=names or catalog.EVENT_NAMES)
    return profile, user, registration


def approve(profile, n: int = 1):
    """`n` enrollment approvals recorded for the partner (each maps to indirect-reseller-enrollment-approved)."""
    return [
        events.record(
            EventKind.ENROLLMENT_APPROVED,
            tenant=profile.tenant,
            payload={"from": "pending_approval", "to": "approved", "mpnId": profile.mpn_id, "n": i},
        )
        for i in range(n)
    ]
