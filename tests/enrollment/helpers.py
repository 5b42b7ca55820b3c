"""Helpers for the enrollment tests: walk an enrollment to a state through the services."""

from enrollment import services
from enrollment.models import Enrollment


def submit(profile, user, capture) -> Enrollment:
    with capture(execute=True):
        enrollment = services.enrollment_submit(profile=profile, user=user)
    enrollment.refresh_from_db()
    return enrollment


def approve(enrollment, actor, capture) -> Enrollment:
    with capture(execute=True):
        services.enrollment_approve(enrollment_id=enrollment.pk, actor=actor)
    enrollment.refresh_from_db()
    return enrollment


def activate(profile, user, capture) -> Enrollment:
    with capture(execute=True):
        enrollment = services.enrollment_accept_agreement(profile=profile, user=user)
    enrollment.refresh_from_db()
    return enrollment
