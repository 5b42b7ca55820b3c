from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("enrollment/_agreement_card.html", takes_context=True)
def enrollment_card(context):
    """The Overview card: the agreement with "Accept and continue" once approved (R5), else the status, or
    the offer to enroll when R3 offers it (decided by `selectors.enrollment_eligibility`, as everywhere)."""
    profile = context.get("profile")
    user = context.get("user")
    eligibility = (
        selectors.enrollment_eligibility(profile=profile, user=user, programs=context.get("programs"))
        if profile is not None
        else None
    )
    current = eligibility.current if eligibility else None
    return {
        "profile": profile,
        "user": user,
        "current": current,
        "offer_enrollment": eligibility is not None and current is None and eligibility.offered,
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
    }
