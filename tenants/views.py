from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from partnercenter.errors import DomainError

from . import selectors, services
from .forms import ApiTokenForm, PartnerProfileForm, SignInForm
from .permissions import global_admin_required, partner_required, tenant_required


class SignInView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    pass


def _overview_cards(request) -> list[str]:
    """Templates other apps contribute to the Overview (e.g. the agreement card, R5)."""
    return [
        "enrollment/_overview_card.html",
        "invitations/_overview_card.html",
        "customers/_overview_card.html",
    ]


@tenant_required
def overview(request):
    profile = selectors.partner_profile_for(request.user)
    programs = selectors.programs_for(profile)
    return render(
        request,
        "tenants/overview.html",
        {"profile": profile, "programs": programs, "cards": _overview_cards(request)},
    )


@partner_required
def profile(request):
    profile = request.partner_profile
    return render(
        request,
        "tenants/profile.html",
        {
            "profile": profile,
            "program_rows": _program_rows(profile),
            "can_edit": request.user.is_global_admin,
        },
    )


def _program_rows(profile):
    """Program info (R4, R5): every program with its status, including the indirect reseller enrollment."""
    from tenants.models import Program

    programs = selectors.programs_for(profile)
    rows = []
    for program in Program:
        membership = programs.get(program.value)
        rows.append({"program": program, "membership": membership})
    try:
        from enrollment.selectors import enrollment_status_row
    except ImportError:
        enrollment_status_row = None
    if enrollment_status_row is not None:
        rows = enrollment_status_row(profile, rows)
    return rows


@global_admin_required
def profile_edit(request):
    profile = request.partner_profile
    form = PartnerProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(profile=profile, user=request.user, data=form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.text)
        else:
            messages.success(request, _("Profile saved. Confirm that the details are current."))
            return redirect("profile")
    # ModelForm validation mutates the instance; re-read so the page never shows unsaved values.
    profile.refresh_from_db()
    return render(request, "tenants/profile_edit.html", {"form": form, "profile": profile})


@require_POST
@global_admin_required
def profile_confirm(request):
    services.profile_confirm_current(profile=request.partner_profile, user=request.user)
    messages.success(request, _("You confirmed that your partner profile and MPN ID are current."))
    return redirect(request.POST.get("next") if request.POST.get("next", "").startswith("/") else "profile")


@tenant_required
def api_keys(request):
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST":
        if request.POST.get("revoke"):
            try:
                services.api_token_revoke(user=request.user, token_id=int(request.POST["revoke"]))
                messages.success(request, _("The key was revoked."))
            except ValueError:
                messages.error(request, _("That key does not exist."))
            return redirect("api_keys")
        if form.is_valid():
            try:
                token, new_key = services.api_token_create(user=request.user, name=form.cleaned_data["name"])
            except DomainError as exc:
                form.add_error("name", exc.text)
            else:
                form = ApiTokenForm()
    return render(
        request,
        "tenants/api_keys.html",
        {"form": form, "tokens": selectors.api_tokens_for(request.user), "new_key": new_key},
    )
