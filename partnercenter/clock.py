"""The one clock. Business code asks `clock.now()`, never `datetime.now()`/`timezone.now()` directly,
so tests can move time and ops can run a scenario's delayed jobs early.

`now()` is the real time (or the frozen moment, in tests) plus the offset of the scenario the current
code runs in: a scenario sandbox has a clock of its own, which ops move forward (docs/scenarios.md). The
current scenario is held in a context variable, set around a request of a scenario's user
(`scenario_context`) and around a scenario's jobs, so two requests of two scenarios never see each
other's time. Outside any scenario the offset is zero.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.utils import timezone

_offset = dt.timedelta(0)
_frozen: dt.datetime | None = None


@dataclass(frozen=True)
class ScenarioClock:
    """The scenario the current code runs in: its key and how far its clock is ahead of the real one."""

    key: str
    offset: dt.timedelta


_scenario: contextvars.ContextVar[ScenarioClock | None] = contextvars.ContextVar("scenario", default=None)
# key -> the scenario's offset, or None when there is no such scenario. Registered by the app that owns
# scenarios (the ground floor names no app); used by the job runner to enter a job's scenario.
_resolver: Callable[[str], dt.timedelta | None] | None = None


def real_now() -> dt.datetime:
    """The time outside any scenario: the real time (or the frozen moment)."""
    if _frozen is not None:
        return _frozen
    return timezone.now() + _offset


def now() -> dt.datetime:
    current = _scenario.get()
    if current is None:
        return real_now()
    return real_now() + current.offset


def scenario_key() -> str | None:
    """The key of the scenario the current code runs in, None outside any scenario."""
    current = _scenario.get()
    return current.key if current is not None else None


def scenario_offset() -> dt.timedelta:
    current = _scenario.get()
    return current.offset if current is not None else dt.timedelta(0)


@contextlib.contextmanager
def scenario_context(key: str | None, offset: dt.timedelta = dt.timedelta(0)) -> Iterator[None]:
    """Run the block in scenario `key`, whose clock is `offset` ahead of the real one (None: outside
    any scenario). Nests and restores, also across threads and async tasks (a context variable)."""
    token = _scenario.set(ScenarioClock(key, offset) if key else None)
    try:
        yield
    finally:
        _scenario.reset(token)


def set_scenario_resolver(resolver: Callable[[str], dt.timedelta | None] | None) -> None:
    """Register how a scenario key is turned into its current offset (None: the scenario is gone)."""
    global _resolver
    _resolver = resolver


def scenario_offset_of(key: str) -> dt.timedelta | None:
    """The current offset of scenario `key`; None when it does not exist or nothing resolves keys."""
    if _resolver is None:
        return None
    return _resolver(key)


@contextlib.contextmanager
def frozen_at(moment: dt.datetime) -> Iterator[None]:
    """Freeze the real clock (tests; scenarios that must see a fixed "now"). A scenario's clock stays
    its offset ahead of the frozen moment."""
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
