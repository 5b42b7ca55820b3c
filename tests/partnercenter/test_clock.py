"""The one clock, and business-day arithmetic (R4: up to 5 business days, weekends skipped)."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnercenter import clock

MONDAY = dt.datetime(2026, 3, 2, 10, 30, tzinfo=dt.UTC)

moments = st.datetimes(
    min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2090, 1, 1), timezones=st.just(dt.UTC)
)
day_counts = st.integers(min_value=0, max_value=400)


def weekdays_in(start: dt.date, end: dt.date) -> int:
    """Weekdays d with start <= d < end."""
    return sum(1 for n in range((end - start).days) if (start + dt.timedelta(days=n)).weekday() < 5)


def roll_forward(moment: dt.datetime) -> dt.datetime:
    while moment.weekday() >= 5:
        moment += dt.timedelta(days=1)
    return moment


@given(moments, day_counts)
def test_result_is_a_weekday(start, days):
    assert clock.add_business_days(start, days).weekday() < 5


@given(moments, day_counts)
def test_result_is_never_before_start_and_keeps_the_time_of_day(start, days):
    result = clock.add_business_days(start, days)
    assert result >= start
    assert result.timetz() == start.timetz()


@given(moments, day_counts)
def test_counting_weekdays_between_gives_n(start, days):
    result = clock.add_business_days(start, days)
    assert weekdays_in(roll_forward(start).date(), result.date()) == days


@given(moments, st.integers(min_value=0, max_value=200), st.integers(min_value=0, max_value=200))
def test_adding_in_two_steps_is_the_same_as_adding_at_once(start, a, b):
    assert clock.add_business_days(clock.add_business_days(start, a), b) == clock.add_business_days(
        start, a + b
    )


@given(moments, st.integers(min_value=0, max_value=200))
def test_more_days_is_never_earlier(start, days):
    assert clock.add_business_days(start, days + 1) > clock.add_business_days(start, days)


@given(moments.filter(lambda m: m.weekday() < 5), st.integers(min_value=0, max_value=100))
def test_five_business_days_from_a_weekday_is_a_calendar_week(start, weeks):
    assert clock.add_business_days(start, 5 * weeks) == start + dt.timedelta(weeks=weeks)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (dt.datetime(2026, 3, 2, 10, 30), 5, dt.datetime(2026, 3, 9, 10, 30)),  # Monday -> next Monday
        (dt.datetime(2026, 3, 6, 10, 30), 1, dt.datetime(2026, 3, 9, 10, 30)),  # Friday -> Monday
        (dt.datetime(2026, 3, 6, 10, 30), 5, dt.datetime(2026, 3, 13, 10, 30)),  # Friday -> Friday
        (dt.datetime(2026, 3, 7, 10, 30), 0, dt.datetime(2026, 3, 9, 10, 30)),  # Saturday -> Monday
        (dt.datetime(2026, 3, 8, 10, 30), 5, dt.datetime(2026, 3, 16, 10, 30)),  # Sunday -> Monday + 5
        (dt.datetime(2026, 3, 4, 10, 30), 0, dt.datetime(2026, 3, 4, 10, 30)),  # a weekday stays
    ],
)
def test_examples(start, days, expected):
    assert clock.add_business_days(start, days) == expected


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        clock.add_business_days(MONDAY, -1)


def test_frozen_clock_nests_and_restores():
    before = clock.now()
    with clock.frozen_at(MONDAY):
        assert clock.now() == MONDAY
        with clock.frozen_at(MONDAY + dt.timedelta(days=1)):
            assert clock.now() == MONDAY + dt.timedelta(days=1)
        assert clock.now() == MONDAY
    after = clock.now()
    assert before <= after and after.tzinfo is not None


def _one_day_at_a_time(start, days):
    current = roll_forward(start)
    while days:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


@given(moments, day_counts)
def test_same_as_stepping_one_day_at_a_time(start, days):
    assert clock.add_business_days(start, days) == _one_day_at_a_time(start, days)


def test_a_large_number_of_days_is_quick():
    assert clock.add_business_days(MONDAY, 5 * 52 * 100).weekday() == 0
