"""The facts about who asks that every "Why can't I?" explanation starts from: the user's tenant, role and
the partner's programs (partnercenter/explain.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from partnercenter.explain import Fact

from .models import PartnerProfile, Program, ProgramMembership, Role, Tenant, User

YES, NO = _("yes"), _("no")


def yes_no(value: bool):
    return YES if value else NO


def user_facts(user: User, profile: PartnerProfile | None, programs: dict | None = None) -> list[Fact]:
    """Who is asking: the kind of tenant, the role in it and (for a partner) each program's status."""
    facts: list[Fact] = []
    tenant = getattr(user, "tenant", None)
    if tenant is None:
        return [Fact("tenant", _("Your tenant"), _("none (ops staff act in the admin site)"))]
    facts.append(Fact("tenantKind", _("Your tenant"), Tenant.Kind(tenant.kind).label))
    role = getattr(user, "role", "")
    facts.append(Fact("role", _("Your role"), Role(role).label if role in Role.values else _("none")))
    if profile is not None:
        if programs is None:
            programs = {m.program: m for m in ProgramMembership.objects.filter(partner=profile)}
        for program in Program:
            membership = programs.get(program.value)
            value = membership.get_status_display() if membership is not None else _("not a member")
            facts.append(Fact(f"program.{program.value}", program.label, value))
    return facts
