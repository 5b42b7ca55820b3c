from django.utils.functional import SimpleLazyObject

from partnercenter.navigation import NavContext, nav_for

from .selectors import partner_profile_for, programs_for


def portal(request):
    """The acting tenant, its partner profile and programs, and the left navigation.

    Lazy, and shared with the view: a view that already loaded `request.partner_profile` (the
    `partner_required` decorator does) or `request.partner_programs` is not queried again, so a page
    costs the same few queries however many programs or entries it shows.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.tenant_id:
        return {}

    def _ctx():
        profile = getattr(request, "partner_profile", None)
        if profile is None:
            profile = partner_profile_for(user)
        programs = getattr(request, "partner_programs", None)
        if programs is None:
            programs = programs_for(profile)
        return NavContext(user=user, profile=profile, programs=programs)

    ctx = SimpleLazyObject(_ctx)

    def _tenant():
        profile = ctx.profile
        return profile.tenant if profile is not None else user.tenant

    return {
        "acting_tenant": SimpleLazyObject(_tenant),
        "portal_nav": SimpleLazyObject(lambda: nav_for(ctx, request.path)),
        "portal_profile": SimpleLazyObject(lambda: ctx.profile),
    }
