"""Reads for tenants and partners, always scoped to the acting user's tenant."""

from __future__ import annotations

from django.db.models import Q

from partnercenter.models import Event

from .models import ApiToken, PartnerProfile, ProgramMembership, User


def partner_profile_for(user: User) -> PartnerProfile | None:
    if user is None or not getattr(user, "tenant_id", None):
        return None
    return (
        PartnerProfile.objects.filter(tenant_id=user.tenant_id)
        .select_related("tenant", "details_confirmed_by")
        .first()
    )


def programs_for(profile: PartnerProfile | None) -> dict[str, ProgramMembership]:
    if profile is None:
        return {}
    remembered = getattr(profile, "_remembered_programs", None)
    if remembered is not None:
        return remembered
    return {m.program: m for m in ProgramMembership.objects.filter(partner=profile)}


def remember_programs(profile: PartnerProfile) -> dict[str, ProgramMembership]:
    """For a request that changes no program membership (a page read with GET): the partner's memberships
    read once, then answered from memory by every `programs_for` and `has_program` of the request."""
    profile._remembered_programs = None
    profile._remembered_programs = programs_for(profile)
    return profile._remembered_programs


def api_tokens_for(user: User):
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def recent_profile_events(profile: PartnerProfile, *, limit: int = 10) -> list[Event]:
    """The partner's own recent profile and program events (its tenant only), newest first."""
    return list(
        Event.objects.filter(tenant_id=profile.tenant_id)
        .filter(Q(kind__startswith="profile.") | Q(kind__startswith="program."))
        .select_related("actor")
        .order_by("-created_at", "-id")[:limit]
    )
