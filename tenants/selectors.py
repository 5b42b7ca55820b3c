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
    return {m.program: m for m in ProgramMembership.objects.filter(partner=profile)}


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
