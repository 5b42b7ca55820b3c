"""Reads of scenarios: the clock offset of a key, the sign-ins of a scenario."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from tenants import demo as tenant_demo
from tenants.models import Tenant

from .models import Scenario


def scenario_offset(key: str) -> dt.timedelta | None:
    """The current clock offset of scenario `key`; None when there is no such scenario."""
    return Scenario.objects.filter(slug=key).values_list("offset", flat=True).first()


def scenario_tenants(scenario: Scenario) -> QuerySet[Tenant]:
    return Tenant.objects.filter(scenario_key=scenario.slug)


def scenario_names(scenario: Scenario) -> tenant_demo.CastNames:
    return tenant_demo.CastNames(slug=scenario.slug, number=scenario.number, label=scenario.name)


def scenario_sign_ins(scenario: Scenario) -> list[tuple[str, str]]:
    """(email, who) for each sign-in of the scenario's cast (ops use their own staff sign-in)."""
    names = scenario_names(scenario)
    return [
        (names.email(email), who) for email, who in tenant_demo.SIGN_INS if email != tenant_demo.OPS_EMAIL
    ]
