from django import template

from partnercenter import clock
from tenants.models import Partnership, Program

from ..models import PartnerInvitation, TokenInvitation
from ..selectors import invitations_for_reseller
from ..services import enrollment_url

register = template.Library()


@register.simple_tag
def invitation_status(invitation, now=None) -> dict:
    """Any kind of invitation's status as people read it (pending past its expiry reads expired)."""
    value = invitation.effective_status(now or clock.now())
    return {"value": value, "label": TokenInvitation.Status(value).label}


@register.simple_tag
def status_label(value) -> str:
    try:
        return TokenInvitation.Status(value).label
    except ValueError:
        return value


def _active(programs, program) -> bool:
    m = (programs or {}).get(program)
    return m is not None and m.status == "active"


@register.inclusion_tag("invitations/_overview_card_body.html")
def invitations_overview(profile, programs, user) -> dict:
    if profile is None:
        return {}
    ctx: dict = {"is_reseller": _active(programs, Program.INDIRECT_RESELLER), "enroll_url": enrollment_url()}
    ctx["is_provider"] = _active(programs, Program.INDIRECT_PROVIDER)
    ctx["pending"] = list(invitations_for_reseller(profile)[:5])
    if ctx["is_reseller"]:
        ctx["provider_count"] = Partnership.objects.filter(reseller=profile, status="active").count()
    if ctx["is_provider"]:
        ctx["reseller_count"] = Partnership.objects.filter(provider=profile, status="active").count()
        ctx["open_count"] = PartnerInvitation.objects.filter(
            provider=profile, status=PartnerInvitation.Status.PENDING, expires_at__gt=clock.now()
        ).count()
    return ctx
