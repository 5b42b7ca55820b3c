"""Writes for tenants, partner profiles, programs and API tokens."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from partnercenter import clock, events
from partnercenter.errors import DomainError, Forbidden
from partnercenter.tokens import token_new

from .models import ApiToken, PartnerProfile, Program, ProgramMembership, User


def require_global_admin(user: User, *, action: str = "") -> None:
    """R1: only the partner tenant's global admin may do this."""
    if not user.is_global_admin:
        raise Forbidden(_("Only a global admin of this tenant can do this."), rule="R1")


PROFILE_FIELDS = ["legal_name", "primary_contact_email", "mpn_account_email", "country", "city"]


@transaction.atomic
def profile_update(*, profile: PartnerProfile, user: User, data: dict) -> PartnerProfile:
    """Edit the partner profile. Any change un-confirms it: the details must be confirmed again (R2)."""
    require_global_admin(user)
    profile = PartnerProfile.objects.select_for_update().get(pk=profile.pk)
    changed = {f: str(data[f]) for f in PROFILE_FIELDS if f in data and getattr(profile, f) != data[f]}
    if not changed:
        return profile
    for field in changed:
        setattr(profile, field, data[field])
    profile.details_confirmed_at = None
    profile.details_confirmed_by = None
    profile.full_clean()
    profile.save(update_fields=[*changed, "details_confirmed_at", "details_confirmed_by"])
    events.record("profile.updated", tenant=profile.tenant, actor=user, obj=profile, payload=changed)
    return profile


@transaction.atomic
def profile_confirm_current(*, profile: PartnerProfile, user: User) -> PartnerProfile:
    """R2: the global admin confirms the profile and MPN ID are current."""
    require_global_admin(user)
    profile = PartnerProfile.objects.select_for_update().get(pk=profile.pk)
    profile.details_confirmed_at = clock.now()
    profile.details_confirmed_by = user
    profile.save(update_fields=["details_confirmed_at", "details_confirmed_by"])
    events.record("profile.confirmed", tenant=profile.tenant, actor=user, obj=profile)
    return profile


@transaction.atomic
def profile_mark_offboarding(*, profile: PartnerProfile, actor: User | None) -> bool:
    """Ops flag (R3). Returns False when it was already set."""
    profile = PartnerProfile.objects.select_for_update().get(pk=profile.pk)
    if profile.identified_for_offboarding:
        return False
    profile.identified_for_offboarding = True
    profile.identified_for_offboarding_at = clock.now()
    profile.save(update_fields=["identified_for_offboarding", "identified_for_offboarding_at"])
    events.record("profile.identified_for_offboarding", tenant=profile.tenant, actor=actor, obj=profile)
    return True


@transaction.atomic
def program_join(
    *, profile: PartnerProfile, program: str, actor=None, actor_label: str = "", reason: str = ""
) -> ProgramMembership:
    """Add a program membership (idempotent: an existing membership is returned unchanged)."""
    membership, created = ProgramMembership.objects.get_or_create(
        partner=profile, program=program, defaults={"joined_at": clock.now()}
    )
    if created:
        events.record(
            "program.joined",
            tenant=profile.tenant,
            actor=actor,
            actor_label=actor_label,
            obj=membership,
            reason=reason,
            payload={"program": program},
        )
    return membership


def has_program(profile: PartnerProfile | None, program: str, *, active_only: bool = True) -> bool:
    if profile is None:
        return False
    qs = ProgramMembership.objects.filter(partner=profile, program=program)
    if active_only:
        qs = qs.filter(status=ProgramMembership.Status.ACTIVE)
    return qs.exists()


def is_direct_bill(profile: PartnerProfile | None) -> bool:
    return has_program(profile, Program.DIRECT_BILL, active_only=False)


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create an API key; the clear key is returned once and never stored."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Give the key a name."))
    if len(name) > 100:
        raise DomainError(_("A key name has at most 100 characters."))
    key, key_hash = token_new()
    token = ApiToken.objects.create(
        user=user, name=name, prefix=key[:8], key_hash=key_hash, created_at=clock.now()
    )
    events.record("api_token.created", tenant=user.tenant, actor=user, obj=token, payload={"name": name})
    return token, key


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> None:
    updated = ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(
        revoked_at=clock.now()
    )
    if updated:
        events.record("api_token.revoked", tenant=user.tenant, actor=user, payload={"token_id": token_id})
