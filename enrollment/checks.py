"""System checks: a misconfigured approval policy or incentive delay fails `manage.py check` at start."""

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from . import policy


@checks.register()
def check_enrollment_settings(app_configs, **kwargs):
    errors = []
    try:
        policy.approval_policy()
    except ImproperlyConfigured as exc:
        errors.append(checks.Error(str(exc), id="enrollment.E001"))
    try:
        policy.incentive_delay()
    except ImproperlyConfigured as exc:
        errors.append(checks.Error(str(exc), id="enrollment.E002"))
    return errors
