"""Reads for providers, resellers and invitations, always scoped to the acting partner."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from partnercenter import clock, ids
from tenants.models import PartnerProfile, Partnership, Program, ProgramMembership

from .models import PartnerInvitation
from .services import tenant_addresses

SERVICES = {
    "training": "offers_training",
    "marketing": "offers_marketing",
    "financing": "offers_financing",
}


def provider_directory(*, q: str = "", region: str = "", service: str = "") -> QuerySet[PartnerProfile]:
    """R9: every active indirect provider of the asking user's world (the real one, or the scenario
    sandbox the request runs in: docs/scenarios.md), with its region and services (one query per page)."""
    qs = PartnerProfile.objects.filter(
        programs__program=Program.INDIRECT_PROVIDER,
        programs__status=ProgramMembership.Status.ACTIVE,
        tenant__scenario_key=clock.scenario_key(),
    ).select_related("tenant")
    if q:
        qs = qs.filter(Q(legal_name__icontains=q) | Q(tenant__display_name__icontains=q))
    if region:
        qs = qs.filter(region=region)
    if service in SERVICES:
        qs = qs.filter(**{SERVICES[service]: True})
    return qs.order_by("legal_name", "pk")


def partnered_provider_ids(reseller: PartnerProfile | None) -> set[int]:
    if reseller is None:
        return set()
    return set(
        Partnership.objects.filter(reseller=reseller, status=Partnership.Status.ACTIVE).values_list(
            "provider_id", flat=True
        )
    )


def providers_of(reseller: PartnerProfile) -> QuerySet[Partnership]:
    """The reseller's indirect providers (active partnerships)."""
    return (
        Partnership.objects.filter(reseller=reseller, status=Partnership.Status.ACTIVE)
        .select_related("provider")
        .prefetch_related("provider__tenant")  # a page's tenants by id: a join would scan them all
        .order_by("provider__legal_name", "pk")
    )


def resellers_of(provider: PartnerProfile) -> QuerySet[Partnership]:
    """The provider's indirect resellers (active partnerships)."""
    return (
        Partnership.objects.filter(provider=provider, status=Partnership.Status.ACTIVE)
        .select_related("reseller")
        .prefetch_related("reseller__tenant")  # a page's tenants by id: a join would scan them all
        .order_by("reseller__legal_name", "pk")
    )


def invitations_of(provider: PartnerProfile, *, status: str = "") -> QuerySet[PartnerInvitation]:
    qs = PartnerInvitation.objects.filter(provider=provider).select_related(
        "reseller", "created_by", "finished_by", "provider"
    )
    now = clock.now()
    S = PartnerInvitation.Status
    if status == S.PENDING:
        qs = qs.filter(status=S.PENDING, expires_at__gt=now)
    elif status == S.EXPIRED:
        qs = qs.filter(Q(status=S.EXPIRED) | Q(status=S.PENDING, expires_at__lte=now))
    elif status in S.values:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")


def invitation_of(provider: PartnerProfile, invitation_id) -> PartnerInvitation | None:
    pk = ids.parse_pk(invitation_id)
    return invitations_of(provider).filter(pk=pk).first() if pk is not None else None


def partnership_of(provider: PartnerProfile, partnership_id) -> Partnership | None:
    pk = ids.parse_pk(partnership_id)
    if pk is None:
        return None
    return Partnership.objects.select_related("reseller__tenant").filter(pk=pk, provider=provider).first()


def invitations_for_reseller(reseller: PartnerProfile) -> QuerySet[PartnerInvitation]:
    """Pending invitations sent to one of this partner's addresses (its users' or profile contacts)."""
    return (
        PartnerInvitation.objects.filter(
            email__in=sorted(tenant_addresses(reseller)),
            status=PartnerInvitation.Status.PENDING,
            expires_at__gt=clock.now(),
        )
        .exclude(provider=reseller)
        .select_related("provider__tenant")
        .order_by("-created_at", "-pk")
    )
