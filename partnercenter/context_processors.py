from django.utils.functional import SimpleLazyObject

from .navigation import NavContext, nav_for


def portal(request):
    """The acting tenant, its partner profile and programs, and the left navigation (two queries, lazily)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.tenant_id:
        return {}
    from tenants.selectors import partner_profile_for, programs_for

    def _ctx():
        profile = partner_profile_for(user)
        return NavContext(user=user, profile=profile, programs=programs_for(profile))

    ctx = SimpleLazyObject(_ctx)
    return {
        "acting_tenant": user.tenant,
        "portal_nav": SimpleLazyObject(lambda: nav_for(ctx, request.path)),
        "portal_profile": SimpleLazyObject(lambda: ctx.profile),
    }
