"""The one clock. Business code asks `clock.now()`, never `datetime.now()`/`timezone.now()` directly,
so tests can move time and ops can run a scenario's delayed jobs early."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator

from django.utils import timezone

_offset = dt.timedelta(0)
_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    if _frozen is not None:
        return _frozen
    return timezone.now() + _offset


@contextlib.contextmanager
def frozen_at(moment: dt.datetime) -> Iterator[None]:
    """Freeze the clock (tests; scenarios that must see a fixed "now")."""
    global _frozen
    previous, _frozen = _frozen, moment
    try:
        yield
    finally:
        _frozen = previous


def add_business_days(start: dt.datetime, days: int) -> dt.datetime:
    """`start` moved forward by `days` business days (Saturday and Sunday skipped).

    A start on a weekend counts from the next Monday, so the result is always a weekday when days > 0.
    """
    if days < 0:
        raise ValueError("days must be >= 0")
    current = start
    while current.weekday() >= 5:
        current += dt.timedelta(days=1)
    weeks, rest = divmod(days, 5)
    current += dt.timedelta(weeks=weeks)  # five business days from a weekday is one calendar week
    while rest:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            rest -= 1
    return current
