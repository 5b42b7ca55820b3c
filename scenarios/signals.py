"""A Celery task published in a scenario (partnercenter.jobs.publish_hint puts the scenario's key in a
message header) runs in that scenario: an email queued in a scenario is due by the scenario's clock, so
the worker delivering it must see that clock."""

from __future__ import annotations

from celery.signals import task_postrun, task_prerun
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from partnercenter import clock, jobs
from tenants.models import Tenant

from .selectors import scenario_offset

_entered: dict[str, object] = {}


def _scenario_of(task) -> str | None:
    request = getattr(task, "request", None)
    if request is None:
        return None
    headers = getattr(request, "headers", None) or {}
    return headers.get(jobs.SCENARIO_HEADER) or getattr(request, jobs.SCENARIO_HEADER, None)


@task_prerun.connect(weak=False, dispatch_uid="scenarios.task_enter")
def enter_task_scenario(task_id=None, task=None, **kwargs) -> None:
    key = _scenario_of(task)
    if not key or not isinstance(key, str) or clock.scenario_key() == key or task_id is None:
        return
    offset = scenario_offset(key)
    if offset is None:  # the scenario is gone
        return
    context = clock.scenario_context(key, offset)
    context.__enter__()
    _entered[task_id] = context


@task_postrun.connect(weak=False, dispatch_uid="scenarios.task_leave")
def leave_task_scenario(task_id=None, **kwargs) -> None:
    context = _entered.pop(task_id, None)
    if context is not None:
        context.__exit__(None, None, None)


@receiver(user_logged_in, weak=False, dispatch_uid="scenarios.remember_on_sign_in")
def remember_scenario_on_sign_in(sender, request=None, user=None, **kwargs) -> None:
    """Remember the user's scenario in the session at sign-in, so no page request asks for it."""
    from .middleware import SESSION_KEY

    session = getattr(request, "session", None)
    if session is None or user is None or not getattr(user, "tenant_id", None):
        return
    key = Tenant.objects.filter(pk=user.tenant_id).values_list("scenario_key", flat=True).first()
    session[SESSION_KEY] = [user.pk, key or ""]
