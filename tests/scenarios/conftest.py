import datetime as dt

import pytest

from partnercenter import clock

# A Monday: five business days later is the next Monday.
MONDAY = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def frozen():
    """The real clock stands still at MONDAY (each scenario's clock is its offset ahead of it)."""
    with clock.frozen_at(MONDAY):
        yield MONDAY


@pytest.fixture
def business_days_policy(settings):
    settings.ENROLLMENT_APPROVAL_POLICY = "business_days:5"
