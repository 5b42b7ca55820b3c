"""The seeded Contoso can walk the whole journey right after `seed_demo`, and seeding again undoes nothing."""

import io

import pytest
from django.core.management import call_command

from enrollment.models import EnrollmentState, IncentiveProgram
from tenants.models import Program, User
from tests.enrollment.helpers import activate, submit

pytestmark = pytest.mark.django_db


def test_seeded_contoso_walks_the_journey(immediate_policy, django_capture_on_commit_callbacks):
    call_command("seed_demo", stdout=io.StringIO())
    admin = User.objects.get(email="admin@contoso.example")
    profile = admin.tenant.partner_profile
    assert not profile.enrollments.exists()
    assert IncentiveProgram.objects.filter(program=Program.DIRECT_BILL).count() >= 3

    enrollment = submit(profile, admin, django_capture_on_commit_callbacks)
    assert enrollment.state == EnrollmentState.APPROVED
    activate(profile, admin, django_capture_on_commit_callbacks)

    call_command("seed_demo", stdout=io.StringIO())  # idempotent, and no rollback (R6)
    enrollment.refresh_from_db()
    assert enrollment.state == EnrollmentState.ACTIVE
    assert set(profile.programs.values_list("program", flat=True)) == {
        Program.DIRECT_BILL,
        Program.INDIRECT_RESELLER,
    }
    assert IncentiveProgram.objects.filter(program=Program.DIRECT_BILL).count() == 3
