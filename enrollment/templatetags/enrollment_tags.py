from django import template

from tenants.models import Program

from .. import selectors

register = template.Library()


@register.inclusion_tag("enrollment/_agreement_card.html", takes_context=True)
def enrollment_card(context):
    """The Overview card: the agreement with "Accept and continue" once approved (R5), else the status."""
    profile = context.get("profile")
    user = context.get("user")
    programs = context.get("programs") or {}
    current = selectors.enrollment_current(profile) if profile is not None else None
    offer = (
        profile is not None
        and current is None
        and Program.DIRECT_BILL in programs
        and Program.INDIRECT_RESELLER not in programs
        and profile.identified_for_offboarding
    )
    return {
        "profile": profile,
        "user": user,
        "current": current,
        "offer_enrollment": offer,
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
    }
