"""Page access helpers: who may see a page. A refused page answers 403 with a readable reason."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .selectors import partner_profile_for, remember_programs

# Methods that read: their pages change no program membership, so the memberships are read once.
READ_METHODS = ("GET", "HEAD")


def tenant_required(view):
    """Signed in and a member of a tenant (ops staff without a tenant use Django admin)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.tenant_id:
            raise PermissionDenied(
                _("This page is for users of a partner or customer tenant. Ops staff use the admin site.")
            )
        return view(request, *args, **kwargs)

    return wrapper


def partner_required(view):
    """A user of a partner tenant; the view receives `request.partner_profile` (and, for a page read
    with GET, `request.partner_programs`, read once for the view, its checks and the layout)."""

    @tenant_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        profile = partner_profile_for(request.user)
        if profile is None:
            raise PermissionDenied(_("This page is for partner tenants."))
        request.partner_profile = profile
        if request.method in READ_METHODS:
            request.partner_programs = remember_programs(profile)
        return view(request, *args, **kwargs)

    return wrapper


def global_admin_required(view):
    """R1: a partner page only the global admin may use."""

    @partner_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_global_admin:
            raise PermissionDenied(_("Only a global admin of this tenant can use this page."))
        return view(request, *args, **kwargs)

    return wrapper
