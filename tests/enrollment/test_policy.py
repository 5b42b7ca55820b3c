"""Approval policy (R4): immediate, N business days (weekends skipped) or manual; incentive timing (R19)."""

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from enrollment import checks, policy
from enrollment.models import EnrollmentState
from partnercenter import clock
from partnercenter.models import ScheduledJob
from tests.enrollment.helpers import submit

moments = st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1)).map(
    lambda d: d.replace(tzinfo=dt.UTC)
)
days = st.integers(min_value=0, max_value=policy.MAX_BUSINESS_DAYS)


def weekdays_between(start: dt.datetime, end: dt.datetime) -> int:
    """Weekdays in (start, end], counted one calendar day at a time."""
    count, current = 0, start
    while current < end:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            count += 1
    return count


@given(start=moments, n=days)
def test_R4_business_days_due_date_skips_weekends(start, n):
    due = policy.ApprovalPolicy(policy.BUSINESS_DAYS, n).due_at(start)
    assert due >= start
    assert due.time() == start.time()  # whole days only
    if n > 0:
        assert due.weekday() < 5  # never due on a Saturday or Sunday
        # exactly n weekdays after the (weekday-adjusted) start
        first = start
        while first.weekday() >= 5:
            first += dt.timedelta(days=1)
        assert weekdays_between(first, due) == n


@given(start=moments, n=days)
def test_R4_business_days_never_take_more_than_n_plus_weekends(start, n):
    due = policy.ApprovalPolicy(policy.BUSINESS_DAYS, n).due_at(start)
    # n business days span at most n calendar days plus two per weekend crossed, plus a weekend start
    assert (due - start).days <= n + 2 * (n // 5 + 1) + 2


@given(start=moments, a=days, b=days)
def test_R4_more_business_days_is_never_earlier(start, a, b):
    lo, hi = sorted((a, b))
    assert clock.add_business_days(start, lo) <= clock.add_business_days(start, hi)


@given(start=moments)
def test_R4_five_business_days_from_a_weekday_is_one_week_later(start):
    if start.weekday() < 5:
        assert clock.add_business_days(start, 5) == start + dt.timedelta(days=7)


def test_R4_immediate_is_due_now_and_manual_has_no_due_date():
    now = clock.now()
    assert policy.parse_policy("immediate").due_at(now) == now
    assert policy.parse_policy("manual").due_at(now) is None
    assert policy.parse_policy("business_days:5") == policy.ApprovalPolicy(policy.BUSINESS_DAYS, 5)


@pytest.mark.parametrize(
    "value", ["", "soon", "business_days:", "business_days:6", "business_days:-1", "days:3"]
)
def test_invalid_policies_are_refused(value, settings):
    with pytest.raises(ImproperlyConfigured):
        policy.parse_policy(value)
    settings.ENROLLMENT_APPROVAL_POLICY = value
    assert [e.id for e in checks.check_enrollment_settings(None)] == ["enrollment.E001"]


@pytest.mark.parametrize(
    "value,ok", [(0, True), (7, True), (30, True), (31, False), (-1, False), ("x", False)]
)
def test_R19_incentive_delay_is_at_most_30_days(value, ok, settings):
    settings.INCENTIVE_INVITATION_DELAY_DAYS = value
    if ok:
        assert policy.incentive_delay() == dt.timedelta(days=value)
        assert checks.check_enrollment_settings(None) == []
    else:
        with pytest.raises(ImproperlyConfigured):
            policy.incentive_delay()
        assert [e.id for e in checks.check_enrollment_settings(None)] == ["enrollment.E002"]


@pytest.mark.django_db
def test_R4_business_days_policy_schedules_the_approval_job(
    eligible, settings, django_capture_on_commit_callbacks
):
    settings.ENROLLMENT_APPROVAL_POLICY = "business_days:5"
    profile, admin = eligible
    friday = dt.datetime(2026, 11, 27, 10, 0, tzinfo=dt.UTC)
    with clock.frozen_at(friday):
        enrollment = submit(profile, admin, django_capture_on_commit_callbacks)
    job = ScheduledJob.objects.get(kind="enrollment.approve", object_id=str(enrollment.pk))
    assert job.due_at == dt.datetime(2026, 12, 4, 10, 0, tzinfo=dt.UTC)  # the next Friday
    assert enrollment.approval_due_at == job.due_at
    assert enrollment.state == EnrollmentState.PENDING_APPROVAL  # not yet due
    with clock.frozen_at(job.due_at):
        from partnercenter import jobs

        assert jobs.sweep() == 1
    enrollment.refresh_from_db()
    assert enrollment.state == EnrollmentState.APPROVED


@pytest.mark.django_db
def test_R4_manual_policy_schedules_nothing(eligible, manual_policy, django_capture_on_commit_callbacks):
    profile, admin = eligible
    enrollment = submit(profile, admin, django_capture_on_commit_callbacks)
    assert enrollment.approval_due_at is None
    assert not ScheduledJob.objects.filter(kind="enrollment.approve").exists()
    assert enrollment.state == EnrollmentState.PENDING_APPROVAL


@pytest.mark.django_db
def test_R4_immediate_policy_approves_at_once(eligible, immediate_policy, django_capture_on_commit_callbacks):
    profile, admin = eligible
    enrollment = submit(profile, admin, django_capture_on_commit_callbacks)
    assert enrollment.state == EnrollmentState.APPROVED
    job = ScheduledJob.objects.get(kind="enrollment.approve")
    assert job.status == ScheduledJob.Status.DONE and job.result == "approved"
