"""Two tabs or a double click on "Enroll now" at the same moment create one enrollment (on PostgreSQL,
with real concurrent transactions in threads)."""

import threading

import pytest
from django.db import connection
from django.test import Client

from enrollment import services
from enrollment.models import Enrollment
from partnercenter.models import Event
from tests.factories import make_direct_bill_partner

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgresql_only")]


def run_at_once(n, fn):
    barrier = threading.Barrier(n)
    results, errors = [], []

    def target():
        try:
            barrier.wait(timeout=10)
            results.append(fn())
        except Exception as exc:  # noqa: BLE001 - collected and asserted on below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=target) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results, errors


def test_concurrent_enroll_now_creates_one_enrollment(settings):
    settings.ENROLLMENT_APPROVAL_POLICY = "manual"
    profile, admin = make_direct_bill_partner(offboarding=True, confirmed=True)

    results, errors = run_at_once(8, lambda: services.enrollment_submit(profile=profile, user=admin))

    assert len(results) == 1
    assert len(errors) == 7
    assert all(isinstance(e, services.NotEligible) for e in errors), errors
    assert {e.data[0]["code"] for e in errors} == {"enrollment_open"}
    assert Enrollment.objects.filter(partner=profile).count() == 1
    assert Event.objects.filter(object_type="enrollment.enrollment").count() == 1
    assert Event.objects.filter(kind="enrollment.submitted").count() == 1


def test_two_tabs_posting_enroll_now_create_one_enrollment(settings):
    settings.ENROLLMENT_APPROVAL_POLICY = "immediate"
    profile, admin = make_direct_bill_partner(offboarding=True, confirmed=True)
    tabs = [Client(), Client()]
    for tab in tabs:
        tab.force_login(admin)
    it = iter(tabs)
    lock = threading.Lock()

    def post():
        with lock:
            tab = next(it)
        return tab.post("/enrollment/", {"acknowledge": "on"}).status_code

    results, errors = run_at_once(2, post)

    assert errors == []
    assert results == [302, 302]  # both tabs land on the status page
    assert Enrollment.objects.filter(partner=profile).count() == 1
    assert Event.objects.filter(kind="enrollment.approved").count() == 1
