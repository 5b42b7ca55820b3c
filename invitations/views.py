"""Pages: Find a provider (R9), Indirect providers (reseller), Indirect resellers (provider), the draft
invitation email, and the invitation link pages (R1, R10)."""

from __future__ import annotations

from functools import wraps
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from partnercenter import clock, events, paging
from partnercenter.errors import DomainError, Forbidden
from partnercenter.pagecache import cached_page
from tenants.models import Program
from tenants.permissions import partner_required
from tenants.services import has_program

from . import links, selectors, services
from .forms import DirectoryFilterForm, DraftEmailForm, InvitationFilterForm
from .link_pages import link_headers, link_problem
from .models import PartnerInvitation, invitation_url

DIRECTORY_PAGE_SIZE = 10
LIST_PAGE_SIZE = 20


def _page(request, qs, size: int):
    return Paginator(qs, size).get_page(request.GET.get("page"))


def _seek(request, qs, size: int):
    """Seek paging (a distributor has 5,000 resellers): links carry the signed sort key, no page number."""
    try:
        return paging.seek_page(
            qs, path=request.path, token=request.GET.get("cursor"), size=size, count=False
        )
    except paging.BadCursor:
        return paging.seek_page(qs, path=request.path, token=None, size=size, count=False)


def reseller_required(view):
    """R8: only an active indirect reseller has Indirect providers; anyone else is told to enroll."""

    @partner_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not has_program(request.partner_profile, Program.INDIRECT_RESELLER):
            return render(
                request,
                "invitations/not_reseller.html",
                {"enroll_url": services.enrollment_url()},
                status=403,
            )
        return view(request, *args, **kwargs)

    return wrapper


def provider_required(view):
    @partner_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not has_program(request.partner_profile, Program.INDIRECT_PROVIDER):
            raise PermissionDenied(_("This page is for indirect providers."))
        return view(request, *args, **kwargs)

    return wrapper


# --- Find a provider (R9) ---------------------------------------------------------------------------


@partner_required
def find_provider(request):
    form = DirectoryFilterForm(request.GET or None)
    filters = form.values() if request.GET else {"q": "", "region": "", "service": ""}
    page_obj = _page(request, selectors.provider_directory(**filters), DIRECTORY_PAGE_SIZE)
    query = urlencode({k: v for k, v in filters.items() if v})
    return render(
        request,
        "invitations/find_provider.html",
        {
            "form": form if request.GET else DirectoryFilterForm(),
            "page_obj": page_obj,
            "providers": page_obj.object_list,
            "query": query,
            "filtered": any(filters.values()),
            "partnered_ids": selectors.partnered_provider_ids(request.partner_profile),
            "is_reseller": has_program(request.partner_profile, Program.INDIRECT_RESELLER),
            "enroll_url": services.enrollment_url(),
        },
    )


# --- Reseller: Indirect providers -------------------------------------------------------------------


@reseller_required
def indirect_providers(request):
    profile = request.partner_profile
    page_obj = _seek(request, selectors.providers_of(profile), LIST_PAGE_SIZE)
    return render(
        request,
        "invitations/indirect_providers.html",
        {
            "page_obj": page_obj,
            "partnerships": page_obj.object_list,
            "invitations": list(selectors.invitations_for_reseller(profile)[:20]),
            "can_answer": request.user.is_global_admin,
        },
    )


@require_POST
@reseller_required
def listed_invitation_respond(request, pk: int):
    action = request.POST.get("action")
    try:
        if action == "accept":
            partnership = services.invitation_accept_listed(invitation_id=pk, user=request.user)
            messages.success(
                request,
                _("%(provider)s is now one of your indirect providers.")
                % {"provider": partnership.provider.legal_name},
            )
        elif action == "decline":
            invitation = services.invitation_decline_listed(invitation_id=pk, user=request.user)
            messages.info(
                request,
                _("You declined the invitation from %(provider)s.")
                % {"provider": invitation.provider.legal_name},
            )
        else:
            messages.error(request, _("Choose Accept or Decline."))
    except DomainError as exc:
        if exc.reason == services.REASON_NOT_FOUND:
            raise Http404(exc.text)
        messages.error(request, exc.text)
    return redirect("invitations:indirect_providers")


# --- Provider: Indirect resellers -------------------------------------------------------------------


@cached_page
@provider_required
def indirect_resellers(request):
    profile = request.partner_profile
    page_obj = _seek(request, selectors.resellers_of(profile), LIST_PAGE_SIZE)
    return render(
        request,
        "invitations/indirect_resellers.html",
        {
            "page_obj": page_obj,
            "partnerships": page_obj.object_list,
            "invitations": list(selectors.invitations_of(profile)[:10]),
            "now": clock.now(),
            "can_invite": request.user.role in services.INVITER_ROLES,
            "can_remove": request.user.is_global_admin,
        },
    )


@provider_required
def invitation_list(request):
    form = InvitationFilterForm(request.GET or None)
    status = form.value() if request.GET else ""
    page_obj = _page(
        request, selectors.invitations_of(request.partner_profile, status=status), LIST_PAGE_SIZE
    )
    return render(
        request,
        "invitations/invitation_list.html",
        {
            "form": form if request.GET else InvitationFilterForm(),
            "page_obj": page_obj,
            "invitations": page_obj.object_list,
            "query": urlencode({"status": status}) if status else "",
            "now": clock.now(),
            "can_invite": request.user.role in services.INVITER_ROLES,
        },
    )


def _draft_page(request, invitation, draft, form, *, status=200):
    data = form.data if form.is_bound else form.initial
    subject, body = data.get("subject", ""), data.get("body", "")
    to = data.get("to", "") or ""
    mailto = f"mailto:{quote(to)}?" + urlencode({"subject": subject, "body": body}, quote_via=quote)
    return render(
        request,
        "invitations/invitation_draft.html",
        {"invitation": invitation, "url": invitation_url(draft.token), "form": form, "mailto": mailto},
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@provider_required
def request_relationship(request):
    """Request a reseller relationship: the draft email with its personalized link. Nothing is stored
    until Send or Done (the form carries the signed draft), so an abandoned draft leaves nothing behind
    and its link never works; a double click on Send sends once."""
    profile = request.partner_profile
    signed = request.POST.get("draft", "") if request.method == "POST" else ""
    try:
        if not signed:
            invitation, draft = services.invitation_draft(provider=profile, user=request.user)
        else:
            invitation, draft = services.invitation_draft_open(
                provider=profile, user=request.user, signed=signed
            )
    except Forbidden:
        raise  # a refused role: the 403 page with the rule and the roles needed (SPEC §10)
    except DomainError as exc:
        messages.error(request, exc.text)
        return redirect("invitations:request_relationship")
    if not signed:
        subject, body = services.email_draft(invitation=invitation, token=draft.token)
        form = DraftEmailForm(initial={"subject": subject, "body": body, "draft": draft.signed})
        return _draft_page(request, invitation, draft, form)
    form = DraftEmailForm(request.POST)
    if form.is_valid():
        to = form.cleaned_data["to"]
        if request.POST.get("action") == "send" and not to:
            form.add_error("to", _("Enter the reseller's email address to send the invitation."))
        else:
            try:
                invitation, created = services.invitation_finish(
                    provider=profile,
                    user=request.user,
                    draft=signed,
                    to=to,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                )
            except DomainError as exc:
                field = {
                    links.REASON_DRAFT_LINK_MISSING: "body",
                    services.REASON_OWN_INVITATION: "to",
                    services.REASON_SUBJECT_MISSING: "subject",
                }.get(exc.reason)
                form.add_error(field, exc.text)
            else:
                if not created:
                    messages.info(request, _("This invitation was already sent."))
                elif to:
                    messages.success(request, _("The invitation was sent to %(email)s.") % {"email": to})
                else:
                    messages.success(
                        request, _("The invitation is ready: its link works now. Send it to the reseller.")
                    )
                return redirect("invitations:invitation_draft", pk=invitation.pk)
    return _draft_page(request, invitation, draft, form, status=400)


def _own_invitation(request, pk: int) -> PartnerInvitation:
    invitation = selectors.invitation_of(request.partner_profile, pk)
    if invitation is None:
        raise Http404
    return invitation


@never_cache
@require_http_methods(["GET", "HEAD"])
@provider_required
def invitation_draft(request, pk: int):
    """One invitation: its status, who it was sent to, its history, and what can be done while it is
    pending (copy its link again, send its email again, revoke it)."""
    invitation = _own_invitation(request, pk)
    status = invitation.effective_status(clock.now())
    return render(
        request,
        "invitations/invitation_detail.html",
        {
            "invitation": invitation,
            "status": status,
            "can_invite": request.user.role in services.INVITER_ROLES,
            "history": events.for_object(invitation),
        },
    )


def _link_page(request, invitation, token: str, *, replaced: bool = False):
    return render(
        request,
        "invitations/invitation_link.html",
        {"invitation": invitation, "url": invitation_url(token), "replaced": replaced},
    )


def _refused(request, exc: DomainError, pk: int):
    if isinstance(exc, Forbidden):
        raise exc  # a refused role: the 403 page with the rule and the roles needed (SPEC §10)
    if exc.reason == services.REASON_NOT_FOUND:
        raise Http404(exc.text)
    messages.error(request, exc.text)
    return redirect("invitations:invitation_draft", pk=pk)


@never_cache
@require_POST
@provider_required
def invitation_link_again(request, pk: int):
    """Copy link again: a new link of the same pending invitation, shown once on this page."""
    try:
        token = services.invitation_link_again(
            provider=request.partner_profile, invitation_id=pk, user=request.user
        )
    except DomainError as exc:
        return _refused(request, exc, pk)
    return _link_page(request, _own_invitation(request, pk), token)


@require_POST
@provider_required
def invitation_resend(request, pk: int):
    try:
        email = services.invitation_resend(
            provider=request.partner_profile, invitation_id=pk, user=request.user
        )
    except DomainError as exc:
        return _refused(request, exc, pk)
    messages.success(request, _("The invitation was sent again to %(email)s.") % {"email": email.to})
    return redirect("invitations:invitation_draft", pk=pk)


@never_cache
@require_POST
@provider_required
def invitation_new_link(request, pk: int):
    """Replace the link of a pending invitation that was never emailed: every earlier link stops working."""
    try:
        token = services.invitation_new_link(
            provider=request.partner_profile, invitation_id=pk, user=request.user
        )
    except DomainError as exc:
        return _refused(request, exc, pk)
    return _link_page(request, _own_invitation(request, pk), token, replaced=True)


@require_http_methods(["GET", "POST"])
@provider_required
def invitation_revoke(request, pk: int):
    """GET asks for confirmation (works without JavaScript); POST revokes."""
    invitation = _own_invitation(request, pk)
    if request.method == "GET":
        services.require_provider(profile=request.partner_profile, user=request.user)
        return render(
            request,
            "invitations/invitation_revoke.html",
            {"invitation": invitation, "status": invitation.effective_status(clock.now())},
        )
    try:
        services.invitation_revoke(provider=request.partner_profile, invitation_id=pk, user=request.user)
    except DomainError as exc:
        return _refused(request, exc, pk)
    messages.success(request, _("The invitation was revoked; its link no longer works."))
    return redirect("invitations:invitation_list")


@require_http_methods(["GET", "POST"])
@provider_required
def partnership_remove(request, pk: int):
    partnership = selectors.partnership_of(request.partner_profile, pk)
    if partnership is None:
        raise Http404
    if request.method == "POST":
        try:
            services.partnership_remove(
                provider=request.partner_profile, partnership_id=pk, user=request.user
            )
        except DomainError as exc:
            if exc.reason in (services.REASON_NOT_PROVIDER, services.REASON_NOT_GLOBAL_ADMIN):
                raise PermissionDenied(exc.text)
            messages.error(request, exc.text)
        else:
            messages.success(
                request,
                _("The partnership with %(reseller)s was removed. Its customers stay associated.")
                % {"reseller": partnership.reseller.legal_name},
            )
        return redirect("invitations:indirect_resellers")
    return render(
        request,
        "invitations/partnership_remove.html",
        {"partnership": partnership, "can_remove": request.user.is_global_admin},
    )


# --- The invitation link (R1, R10) ------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def partner_link(request, token: str):
    """GET shows who invites and what accepting means, and changes nothing (mail scanners open links).
    Accepting or declining is a POST (CSRF-protected). A link that cannot be used says why at once, signed
    in or not (the same page as a customer invitation's link)."""
    invitation, state = links.lookup(PartnerInvitation, token)
    if state != links.PENDING:
        return link_problem(request, state, invitation)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "accept":
                partnership = services.invitation_accept(token=token, user=request.user)
                messages.success(
                    request,
                    _("You accepted the invitation. %(provider)s is now one of your indirect providers.")
                    % {"provider": partnership.provider.legal_name},
                )
                return redirect("invitations:indirect_providers")
            if action == "decline":
                services.invitation_decline(token=token, user=request.user)
                messages.info(
                    request,
                    _("You declined the invitation from %(provider)s.")
                    % {"provider": invitation.provider.legal_name},
                )
                return redirect("overview")
            messages.error(request, _("Choose Accept or Decline."))
        except DomainError as exc:
            if exc.reason in links.STATE_BY_REASON:
                return link_problem(request, links.STATE_BY_REASON[exc.reason], invitation)
            messages.error(request, exc.text)
            if exc.status == 403:  # a refused role (or tenant) answers 403, as the API does (SPEC §10)
                status = 403
    refusals = services.acceptance_refusals(invitation=invitation, user=request.user)
    profile = getattr(request.user, "tenant", None) and services.partner_profile_for(request.user)
    return link_headers(
        render(
            request,
            "invitations/link_landing.html",
            {
                "invitation": invitation,
                "provider": invitation.provider,
                "refusals": refusals,
                "can_decline": bool(profile)
                and profile.pk != invitation.provider_id
                and request.user.is_global_admin,
            },
            status=status,
        )
    )
