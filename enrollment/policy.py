"""Approval policy (R4) and incentive timing (R19), read from settings and validated."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from partnercenter import clock

IMMEDIATE = "immediate"
BUSINESS_DAYS = "business_days"
MANUAL = "manual"

# R4: approval "can take up to 5 business days"; a longer policy would break that promise.
MAX_BUSINESS_DAYS = 5
# R19: the incentive invitation goes out within 30 days of enrolling.
MAX_INCENTIVE_DELAY_DAYS = 30

_BUSINESS_DAYS_RE = re.compile(r"^business_days:(\d{1,2})$")


@dataclass(frozen=True)
class ApprovalPolicy:
    kind: str
    days: int = 0

    def __str__(self) -> str:
        return f"{BUSINESS_DAYS}:{self.days}" if self.kind == BUSINESS_DAYS else self.kind

    def due_at(self, start: dt.datetime) -> dt.datetime | None:
        """When the approval job is due for an enrollment submitted at `start`; None: ops decide."""
        if self.kind == IMMEDIATE:
            return start
        if self.kind == BUSINESS_DAYS:
            return clock.add_business_days(start, self.days)
        return None


def parse_policy(value: str) -> ApprovalPolicy:
    value = (value or "").strip().lower()
    if value == IMMEDIATE:
        return ApprovalPolicy(IMMEDIATE)
    if value == MANUAL:
        return ApprovalPolicy(MANUAL)
    match = _BUSINESS_DAYS_RE.match(value)
    if match:
        days = int(match.group(1))
        if days > MAX_BUSINESS_DAYS:
            raise ImproperlyConfigured(
                f"ENROLLMENT_APPROVAL_POLICY allows at most {MAX_BUSINESS_DAYS} business days (R4): {value!r}"
            )
        return ApprovalPolicy(BUSINESS_DAYS, days)
    raise ImproperlyConfigured(
        f"ENROLLMENT_APPROVAL_POLICY must be 'immediate', 'business_days:N' (0-{MAX_BUSINESS_DAYS}) "
        f"or 'manual', not {value!r}"
    )


def approval_policy() -> ApprovalPolicy:
    return parse_policy(getattr(settings, "ENROLLMENT_APPROVAL_POLICY", IMMEDIATE))


def incentive_delay() -> dt.timedelta:
    """How long after activation the incentive invitation is due (R19: at most 30 days)."""
    raw = getattr(settings, "INCENTIVE_INVITATION_DELAY_DAYS", 7)
    try:
        days = float(raw)
    except (TypeError, ValueError):
        raise ImproperlyConfigured(f"INCENTIVE_INVITATION_DELAY_DAYS must be a number of days, not {raw!r}")
    if not 0 <= days <= MAX_INCENTIVE_DELAY_DAYS:
        raise ImproperlyConfigured(
            f"INCENTIVE_INVITATION_DELAY_DAYS must be between 0 and {MAX_INCENTIVE_DELAY_DAYS} (R19), not {raw!r}"
        )
    return dt.timedelta(days=days)


def incentive_validity() -> dt.timedelta:
    """How long a sent incentive invitation can be accepted before it expires."""
    return dt.timedelta(days=int(getattr(settings, "INCENTIVE_INVITATION_VALID_DAYS", 30)))
