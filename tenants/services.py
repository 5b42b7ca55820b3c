"""Writes for tenants, partner profiles, programs and API tokens."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from partnercenter import clock, events, ids
from partnercenter.errors import Conflict, DomainError, Forbidden, InvalidInput
from partnercenter.events import EventKind
from partnercenter.tokens import token_new

from .models import ApiToken, PartnerProfile, Program, ProgramMembership, Role, User

ROLE_NAMES = {
    Role.GLOBAL_ADMIN: _("global admin"),
    Role.ADMIN_AGENT: _("admin agent"),
    Role.SALES_AGENT: _("sales agent"),
    Role.BILLING_ADMIN: _("billing admin"),
}


def roles_text(roles) -> str:
    """ "global admin, admin agent or sales agent": the roles a refusal names (SPEC §10)."""
    names = [str(ROLE_NAMES[Role(r)]) for r in roles]
    if len(names) < 2:
        return "".join(names)
    return _("%(some)s or %(last)s") % {"some": ", ".join(names[:-1]), "last": names[-1]}


def role_allows(user: User | None, roles, *, tenant_id=None) -> bool:
    """SPEC §10: `user` has one of `roles` in a tenant (in `tenant_id`'s, when given: the acting partner's;
    a customer tenant's global admin is not a partner's global admin)."""
    if user is None or not getattr(user, "tenant_id", None) or getattr(user, "role", "") not in roles:
        return False
    return tenant_id is None or user.tenant_id == tenant_id


def role_refusal(
    user: User | None, roles, *, tenant_id=None, rule: str = "", reason: str = "role.not_allowed", action=""
) -> Forbidden | None:
    """Why `user` may not do `action` for the partner of `tenant_id`, or None. The 403 names the roles needed."""
    if role_allows(user, roles, tenant_id=tenant_id):
        return None
    message = _("Only a %(roles)s of the partner can %(action)s.") % {
        "roles": roles_text(roles),
        "action": action or _("do this"),
    }
    return Forbidden(message, rule=rule, reason=reason)


def require_role(user: User | None, roles, **kwargs) -> None:
    refusal = role_refusal(user, roles, **kwargs)
    if refusal is not None:
        raise refusal


def require_global_admin(user: User, *, action: str = "", tenant_id=None) -> None:
    """R1: only the partner tenant's global admin may do this (of `tenant_id`'s tenant, when given)."""
    if user is None or not getattr(user, "is_global_admin", False):
        raise Forbidden(
            _("Only a global admin of this tenant can do this."), rule="R1", reason="role.not_global_admin"
        )
    if tenant_id is not None and user.tenant_id != tenant_id:
        raise Forbidden(
            _("Only a global admin of this tenant can do this."), rule="R1", reason="role.not_global_admin"
        )


# What the partner's global admin edits on the profile page (the tenant and the ops flag are not theirs).
PROFILE_FIELDS = [
    "legal_name",
    "mpn_id",
    "primary_contact_email",
    "mpn_account_email",
    "country",
    "region",
    "city",
]


def _require_own_profile(profile: PartnerProfile, user: User) -> None:
    if profile.tenant_id != user.tenant_id:
        raise Forbidden(
            _("This partner profile belongs to another tenant."), rule="R1", reason="profile.other_tenant"
        )


@transaction.atomic
def profile_update(*, profile: PartnerProfile, user: User, data: dict) -> PartnerProfile:
    """Edit the partner profile. Any change un-confirms it: the details must be confirmed again (R2).

    Invalid input raises InvalidInput (per field) and saves nothing.
    """
    require_global_admin(user)
    _require_own_profile(profile, user)
    profile = PartnerProfile.objects.select_for_update().get(pk=profile.pk)
    cleaned = {f: data[f] for f in PROFILE_FIELDS if f in data}
    for field in ("legal_name", "mpn_id", "primary_contact_email", "mpn_account_email", "country", "city"):
        if field in cleaned:
            cleaned[field] = ("" if cleaned[field] is None else str(cleaned[field])).strip()
    for field in ("primary_contact_email", "mpn_account_email"):
        if field in cleaned:
            cleaned[field] = cleaned[field].lower()
    changed = {f: v for f, v in cleaned.items() if getattr(profile, f) != v}
    if not changed:
        return profile
    before = {f: getattr(profile, f) for f in changed}
    for field, value in changed.items():
        setattr(profile, field, value)
    try:
        profile.full_clean(exclude=["details_confirmed_by"])
    except ValidationError as exc:
        raise InvalidInput(
            _("The profile was not saved: correct the marked fields."), fields=exc.message_dict
        )
    profile.details_confirmed_at = None
    profile.details_confirmed_by = None
    try:
        with transaction.atomic():
            profile.save(update_fields=[*changed, "details_confirmed_at", "details_confirmed_by"])
    except IntegrityError:  # a concurrent save took the same MPN ID between the check and the write
        raise InvalidInput(
            _("The profile was not saved: correct the marked fields."),
            fields={"mpn_id": [_("Another partner already has this MPN ID.")]},
        )
    events.record(
        EventKind.PROFILE_UPDATED,
        tenant=profile.tenant,
        actor=user,
        obj=profile,
        payload={"changed": {f: {"from": str(before[f]), "to": str(v)} for f, v in changed.items()}},
    )
    return profile


@transaction.atomic
def profile_confirm_current(*, profile: PartnerProfile, user: User) -> PartnerProfile:
    """R2: the global admin confirms the profile and MPN ID are current."""
    require_global_admin(user)
    _require_own_profile(profile, user)
    profile = PartnerProfile.objects.select_for_update().get(pk=profile.pk)
    profile.details_confirmed_at = clock.now()
    profile.details_confirmed_by = user
    profile.save(update_fields=["details_confirmed_at", "details_confirmed_by"])
    events.record(EventKind.PROFILE_CONFIRMED, tenant=profile.tenant, actor=user, obj=profile)
    return profile


@transaction.atomic
def profile_mark_offboarding(*, profile: PartnerProfile, actor: User | None, reason: str = "") -> bool:
    """Ops flag (R3): this direct-bill partner is identified for direct bill offboarding.

    Idempotent: returns False (and changes nothing) when it was already set. A partner outside the
    direct bill program cannot be marked (Conflict).
    """
    profile = PartnerProfile.objects.select_for_update().select_related("tenant").get(pk=profile.pk)
    if profile.identified_for_offboarding:
        return False
    if not ProgramMembership.objects.filter(partner=profile, program=Program.DIRECT_BILL).exists():
        raise Conflict(
            _("%(partner)s is not in the CSP direct bill program, so it cannot be offboarded from it.")
            % {"partner": profile.legal_name},
            rule="R3",
            reason="profile.not_direct_bill",
        )
    profile.identified_for_offboarding = True
    profile.identified_for_offboarding_at = clock.now()
    profile.save(update_fields=["identified_for_offboarding", "identified_for_offboarding_at"])
    events.record(
        EventKind.PROFILE_IDENTIFIED_FOR_OFFBOARDING,
        tenant=profile.tenant,
        actor=actor,
        obj=profile,
        reason=reason,
    )
    return True


@transaction.atomic
def program_join(
    *, profile: PartnerProfile, program: str, actor=None, actor_label: str = "", reason: str = ""
) -> ProgramMembership:
    """Add a program membership (idempotent: an existing membership is returned unchanged)."""
    if program not in Program.values:
        raise DomainError(_("Unknown program: %(program)s.") % {"program": program}, reason="program.unknown")
    membership, created = ProgramMembership.objects.get_or_create(
        partner=profile, program=program, defaults={"joined_at": clock.now()}
    )
    if created:
        events.record(
            EventKind.PROGRAM_JOINED,
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
    remembered = getattr(profile, "_remembered_programs", None)  # selectors.remember_programs
    if remembered is not None:
        membership = remembered.get(program)
        return membership is not None and (
            not active_only or membership.status == ProgramMembership.Status.ACTIVE
        )
    qs = ProgramMembership.objects.filter(partner=profile, program=program)
    if active_only:
        qs = qs.filter(status=ProgramMembership.Status.ACTIVE)
    return qs.exists()


def is_direct_bill(profile: PartnerProfile | None) -> bool:
    return has_program(profile, Program.DIRECT_BILL, active_only=False)


API_TOKEN_NAME_MAX = 100


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create an API key for a tenant user; the clear key is returned once and never stored."""
    if user is None or not user.tenant_id:
        raise Forbidden(
            _("API keys are for users of a partner or customer tenant."), reason="api_key.no_tenant"
        )
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput(_("Give the key a name."), fields={"name": [_("Give the key a name.")]})
    if len(name) > API_TOKEN_NAME_MAX:
        message = _("A key name has at most %(n)d characters.") % {"n": API_TOKEN_NAME_MAX}
        raise InvalidInput(message, fields={"name": [message]})
    key, key_hash = token_new()
    token = ApiToken.objects.create(
        user=user, name=name, prefix=key[:8], key_hash=key_hash, created_at=clock.now()
    )
    events.record(
        EventKind.API_TOKEN_CREATED, tenant=user.tenant, actor=user, obj=token, payload={"name": name}
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> bool:
    """Revoke one of the user's own keys. False when there is no such active key of theirs (another
    user's key id changes nothing)."""
    token_id = ids.parse_pk(token_id)
    if token_id is None:
        return False
    token = (
        ApiToken.objects.select_for_update().filter(pk=token_id, user=user, revoked_at__isnull=True).first()
    )
    if token is None:
        return False
    token.revoked_at = clock.now()
    token.save(update_fields=["revoked_at"])
    events.record(
        EventKind.API_TOKEN_REVOKED, tenant=user.tenant, actor=user, obj=token, payload={"name": token.name}
    )
    return True
