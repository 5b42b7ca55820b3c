"""Invite new customers (R11), the customer's authorize page (R12, R15, R16), the direct reseller
relationship request, and the customer's own Partner relationships page."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from invitations import links
from invitations.link_pages import link_headers, link_problem
from partnercenter import clock, ids
from partnercenter.errors import DomainError, Forbidden
from tenants.models import PartnerProfile
from tenants.permissions import partner_required, tenant_required
from tenants.services import is_direct_bill

from .. import selectors, services
from ..forms import DraftEmailForm, InviteChooseForm
from ..models import ResellerRelationship
from ..services import invitations as invitation_services
from ..services.accounts import direct_relationship_refusal
from ..services.invitations import (
    acceptance_refusal,
    draft_text,
    invitation_url,
    lookup_invitation,
    require_customer_inviter,
)


def _require_reseller(request) -> None:
    """Invite new customers is for an active indirect reseller's global admins and admin agents (R11)."""
    require_customer_inviter(reseller=request.partner_profile, user=request.user)


def mailto_href(to: str, subject: str, body: str) -> str:
    return f"mailto:{quote(to or '')}?subject={quote(subject or '')}&body={quote(body or '')}"


def _render_draft(request, invitation, form, token, status=200):
    data = form.data if form.is_bound else form.initial
    return render(
        request,
        "customers/invite_draft.html",
        {
            "invitation": invitation,
            "form": form,
            "link": invitation_url(token),
            "mailto": mailto_href(data.get("email_to", ""), data.get("subject", ""), data.get("body", "")),
        },
        status=status,
    )


@never_cache
@partner_required
def invite(request):
    """Step 1: choose the provider (and DAP); the POST shows the draft email. Nothing is stored until
    Done: the draft travels signed in the draft page's form, and its link works only after Done."""
    _require_reseller(request)
    providers = selectors.partnered_providers(reseller=request.partner_profile)
    initial = {"include_delegated_admin": True}
    # ?provider= is the provider's tenant id, as providerId in the API; anything that is not one of this
    # reseller's providers gets the same warning, which names no one.
    requested = request.GET.get("provider", "")
    tenant_id = ids.parse_uuid(requested)
    if tenant_id is not None and providers.filter(tenant_id=tenant_id).exists():
        initial["provider"] = str(tenant_id)
    elif requested:
        messages.warning(request, _("That provider is not one of your indirect providers."))
    form = InviteChooseForm(request.POST or None, providers=providers, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, draft = invitation_services.customer_invitation_draft(
                reseller=request.partner_profile,
                user=request.user,
                provider=form.cleaned_data["provider"],
                include_delegated_admin=form.cleaned_data["include_delegated_admin"],
            )
        except DomainError as exc:
            form.add_error(None, exc.text)
        else:
            subject, body = draft_text(invitation, draft.token)
            form = DraftEmailForm(initial={"subject": subject, "body": body, "draft": draft.signed})
            return _render_draft(request, invitation, form, draft.token)
    return render(
        request,
        "customers/invite_choose.html",
        {"form": form, "has_providers": providers.exists()},
        status=400 if request.method == "POST" else 200,
    )


@never_cache
@require_POST
@partner_required
def invite_done(request):
    """ "Done": the invitation is stored only now (its link works from now on); the edited text is checked
    server-side (the link must stay) and kept, and emailed when an address is given."""
    _require_reseller(request)
    form = DraftEmailForm(request.POST)
    try:
        invitation, draft = invitation_services.customer_invitation_draft_open(
            reseller=request.partner_profile, user=request.user, signed=request.POST.get("draft", "")
        )
    except Forbidden:
        raise  # a refused role: the 403 page with the rule and the roles needed (SPEC §10)
    except DomainError as exc:
        messages.error(request, exc.text)
        return redirect("customers:invite")
    if form.is_valid():
        try:
            invitation, created = invitation_services.customer_invitation_send_draft(
                reseller=request.partner_profile,
                user=request.user,
                draft=draft.signed,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                email_to=form.cleaned_data["email_to"],
            )
        except DomainError as exc:
            field = {
                links.REASON_DRAFT_LINK_MISSING: "body",
                invitation_services.REASON_SUBJECT_MISSING: "subject",
            }.get(exc.reason)
            form.add_error(field, exc.text)
        else:
            if not created:
                messages.info(request, _("This invitation was already created."))
            elif form.cleaned_data["email_to"]:
                messages.success(
                    request,
                    _("The invitation was emailed to %(to)s.") % {"to": form.cleaned_data["email_to"]},
                )
            else:
                messages.success(request, _("The invitation is ready. Send the link to your customer."))
            return redirect("customers:invitations")
    return _render_draft(request, invitation, form, draft.token, status=400)


@partner_required
def invitations_sent(request):
    page = Paginator(selectors.invitations_sent(reseller=request.partner_profile), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "customers/invitations_sent.html",
        {"page_obj": page, "can_invite": request.user.role in invitation_services.INVITER_ROLES},
    )


@require_http_methods(["GET", "POST"])
@partner_required
def invitation_revoke(request, pk: int):
    """GET asks for confirmation (works without JavaScript); POST revokes."""
    invitation = selectors.invitation_of(reseller=request.partner_profile, invitation_id=pk)
    if request.method == "GET":
        _require_reseller(request)
        return render(
            request,
            "customers/invite_revoke.html",
            {"invitation": invitation, "status": invitation.effective_status(clock.now())},
        )
    try:
        services.customer_invitation_revoke(invitation=invitation, user=request.user)
    except Forbidden:
        raise  # a refused role: the 403 page with the rule and the roles needed (SPEC §10)
    except DomainError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, _("The invitation was revoked; its link no longer works."))
    return redirect("customers:invitations")


@never_cache
@require_POST
@partner_required
def invitation_link_again(request, pk: int):
    """Copy link again: one more link of the same pending invitation, shown once on this page."""
    invitation = selectors.invitation_of(reseller=request.partner_profile, invitation_id=pk)
    try:
        token = invitation_services.customer_invitation_link_again(invitation=invitation, user=request.user)
    except Forbidden:
        raise
    except DomainError as exc:
        messages.error(request, exc.text)
        return redirect("customers:invitations")
    return render(
        request, "customers/invite_link.html", {"invitation": invitation, "link": invitation_url(token)}
    )


@require_POST
@partner_required
def invitation_resend(request, pk: int):
    invitation = selectors.invitation_of(reseller=request.partner_profile, invitation_id=pk)
    try:
        email = invitation_services.customer_invitation_resend(invitation=invitation, user=request.user)
    except Forbidden:
        raise
    except DomainError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, _("The invitation was sent again to %(to)s.") % {"to": email.to})
    return redirect("customers:invitations")


@never_cache
def invitation_landing(request, token: str):
    """The customer's page. GET shows who invites and changes nothing (mail scanners open links);
    authorizing is a CSRF-protected POST by the customer's global admin. A link that cannot be used gets
    the one problem page (the same as a partnership invitation's link), signed in or not."""
    invitation, state = lookup_invitation(token)
    if state != links.PENDING:
        return link_problem(request, state, invitation)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    error, error_status = None, 400
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "decline":
                services.customer_invitation_decline(token=token, user=request.user)
                messages.info(request, _("You declined the invitation. Nothing else changed."))
                return redirect("customers:my_partners")
            if action == "accept":
                services.customer_invitation_accept(token=token, user=request.user)
                messages.success(
                    request,
                    _("You authorized %(reseller)s and %(provider)s as resellers of record.")
                    % {
                        "reseller": invitation.reseller.legal_name,
                        "provider": invitation.provider.legal_name,
                    },
                )
                return redirect("customers:my_partners")
            error = _("Choose Authorize or Decline.")
        except DomainError as exc:
            if exc.reason in links.STATE_BY_REASON:
                return link_problem(request, links.STATE_BY_REASON[exc.reason], invitation)
            error, error_status = exc.text, 403 if isinstance(exc, Forbidden) else 400
    refusal = acceptance_refusal(invitation=invitation, user=request.user)
    account = selectors.customer_account_of(request.user.tenant) if request.user.tenant else None
    moving = bool(
        account
        and ResellerRelationship.objects.filter(
            customer=account, partner=invitation.reseller, kind="direct", status="active"
        ).exists()
    )
    return link_headers(
        render(
            request,
            "customers/invitation.html",
            {
                "invitation": invitation,
                "refusal": refusal.text if refusal else None,
                "refusal_rule": refusal.rule if refusal else "",
                "error": error,
                "moving": moving,
            },
            # A refused POST answers its status (403 for a role, SPEC §10), as the API does.
            status=error_status if error else (403 if refusal else 200),
        )
    )


@never_cache
def relationship_request(request, partner_id):
    """A direct-bill partner's reseller relationship request link (GET /v1/customers/relationshiprequests)."""
    partner = get_object_or_404(PartnerProfile.objects.select_related("tenant"), tenant_id=partner_id)
    if not is_direct_bill(partner):
        return link_problem(request, links.UNKNOWN)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    dap = request.GET.get("dap", "1") != "0"
    error, error_status = None, 400
    if request.method == "POST":
        try:
            services.direct_relationship_accept(partner=partner, user=request.user, delegated_admin=dap)
        except DomainError as exc:
            error, error_status = exc.text, 403 if isinstance(exc, Forbidden) else 400
        else:
            messages.success(request, _("%(p)s is now your reseller of record.") % {"p": partner.legal_name})
            return redirect("customers:my_partners")
    refused = direct_relationship_refusal(user=request.user)
    refusal = refused.text if refused is not None else None
    return render(
        request,
        "customers/relationship_request.html",
        {"partner": partner, "dap": dap, "refusal": refusal, "error": error},
        status=error_status if error else (403 if refusal else 200),
    )


@tenant_required
def my_partners(request):
    """A customer tenant's partners: its resellers of record and providers, and whether DAP was granted."""
    relationships = selectors.relationships_for_customer(customer_tenant=request.user.tenant)
    page = Paginator(relationships, 25).get_page(request.GET.get("page"))
    for rel in page.object_list:
        rel.removable = selectors.relationship_removal_refusal(relationship=rel, user=request.user) is None
    return render(
        request, "customers/my_partners.html", {"relationships": page.object_list, "page_obj": page}
    )


@require_POST
@tenant_required
def my_partner_remove(request, pk: int):
    relationship = selectors.customer_relationship(customer_tenant=request.user.tenant, relationship_id=pk)
    try:
        services.relationship_remove(
            relationship=relationship, user=request.user, reason=_("Removed by the customer")
        )
    except DomainError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, _("The reseller relationship was removed."))
    return redirect("customers:my_partners")
