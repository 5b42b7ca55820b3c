from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from partnercenter import events, registry
from partnercenter.errors import DomainError, InvalidInput
from partnercenter.pagecache import cached_page

from . import selectors, services
from .forms import ApiTokenForm, PartnerProfileForm, SignInForm
from .models import Program
from .permissions import global_admin_required, partner_required, tenant_required

NEW_KEY_SESSION = "tenants.new_api_key"

RECENT_ACTIVITY = 8
API_KEYS_PER_PAGE = 20


class SignInView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        # Ops staff have no tenant workspace: they land on the admin site.
        user = self.request.user
        if user.is_authenticated and not user.tenant_id and user.is_staff:
            return reverse("admin:index")
        return super().get_default_redirect_url()


class SignOutView(auth_views.LogoutView):
    http_method_names = ["get", "post", "options"]

    def get(self, request, *args, **kwargs):
        # Signing out changes state, so it is a POST; a plain link lands on a page with the button.
        if not request.user.is_authenticated:
            return redirect("login")
        return render(request, "registration/signout.html")


def _load_partner(request):
    """The partner profile and programs, kept on the request so the layout does not load them again."""
    profile = getattr(request, "partner_profile", None) or selectors.partner_profile_for(request.user)
    request.partner_profile = profile
    request.partner_programs = selectors.programs_for(profile)
    return profile, request.partner_programs


@cached_page
@tenant_required
def overview(request):
    profile, programs = _load_partner(request)
    return render(
        request,
        "tenants/overview.html",
        {
            "profile": profile,
            "programs": programs,
            # Memberships only, in program order; the enrollment app's own card shows an open enrollment.
            "program_rows": [{"program": p, "membership": programs.get(p.value)} for p in Program],
            "cards": registry.overview_cards(),  # the agreement card and the others
            "checklist": _transition_checklist(profile, programs, request.user),
        },
    )


def _on_transition_path(profile, programs) -> bool:
    """The checklist is for a direct-bill partner becoming an indirect reseller with the same tenant:
    identified for direct bill offboarding, or already both. Providers and customers have their own cards."""
    if profile is None or Program.DIRECT_BILL not in programs:
        return False
    return profile.identified_for_offboarding or Program.INDIRECT_RESELLER in programs


def _transition_checklist(profile, programs, user) -> dict | None:
    """Enroll -> accept the agreement -> partner with a provider -> invite or move customers: each step
    as the app that owns it reports it (registry.register_checklist_step), marked done, current (the first
    one not done) or next."""
    if not _on_transition_path(profile, programs):
        return None
    steps = []
    for step in registry.checklist_steps():
        status = step.status(profile, programs, user)
        if status is not None:
            steps.append({"name": step.name, "status": status})
    if not steps:
        return None
    current_found = False
    for step in steps:
        if step["status"].done:
            step["mark"] = "done"
        elif not current_found:
            step["mark"] = "current"
            current_found = True
        else:
            step["mark"] = "next"
    done = sum(1 for step in steps if step["status"].done)
    return {"steps": steps, "done": done, "total": len(steps), "complete": done == len(steps)}


@partner_required
def profile(request):
    profile, programs = _load_partner(request)
    rows = _program_rows(profile, programs)
    return render(
        request,
        "tenants/profile.html",
        {
            "profile": profile,
            "program_rows": rows,
            "offboarding_note": _offboarding_note(profile, programs, rows),
            "can_edit": request.user.is_global_admin,
            "activity": [
                {"event": e, "label": events.label(e)}
                for e in selectors.recent_profile_events(profile, limit=RECENT_ACTIVITY)
            ],
        },
    )


def _program_rows(profile, programs):
    """Program info (R4, R5): every program with its status, including the indirect reseller enrollment."""
    rows = [{"program": program, "membership": programs.get(program.value)} for program in Program]
    for hook in registry.program_rows_hooks():  # e.g. the enrollment's status while it is open
        rows = hook.rows(profile, rows)
    return rows


def _offboarding_note(profile, programs, rows) -> str:
    """Which note about direct bill offboarding fits the partner now: "can_enroll" only while it has not
    enrolled (or was rejected), "enrolling" while an enrollment is open, "enrolled" once an indirect
    reseller; "" when it was not identified for offboarding."""
    if Program.INDIRECT_RESELLER in programs:
        return "enrolled" if Program.DIRECT_BILL in programs else ""
    if not profile.identified_for_offboarding:
        return ""
    row = next((r for r in rows if r["program"] == Program.INDIRECT_RESELLER), {})
    if row.get("status_label") and row.get("status_class") != "rejected":
        return "enrolling"
    return "can_enroll"


def _add_errors(form, exc: InvalidInput) -> None:
    if not exc.fields:
        form.add_error(None, exc.text)
    for field, msgs in exc.fields.items():
        target = field if field in form.fields else None
        for msg in msgs:
            form.add_error(target if field != NON_FIELD_ERRORS else None, msg)


@global_admin_required
def profile_edit(request):
    profile = request.partner_profile
    if request.method == "POST":
        form = PartnerProfileForm(request.POST, instance=profile)
        if form.is_valid():
            try:
                services.profile_update(profile=profile, user=request.user, data=form.cleaned_data)
            except InvalidInput as exc:
                _add_errors(form, exc)
            except DomainError as exc:
                form.add_error(None, exc.text)
            else:
                messages.success(request, _("Profile saved. Confirm that the details are current."))
                return redirect("profile")
        # ModelForm validation writes the submitted values onto the instance; re-read it so the layout
        # never shows values that were not saved.
        profile.refresh_from_db()
    else:
        form = PartnerProfileForm(instance=profile)
    return render(request, "tenants/profile_edit.html", {"form": form, "profile": profile})


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@global_admin_required
def profile_confirm(request):
    if request.method != "POST":
        return redirect("profile")
    services.profile_confirm_current(profile=request.partner_profile, user=request.user)
    messages.success(request, _("You confirmed that your partner profile and MPN ID are current."))
    return redirect(_safe_next(request, "profile"))


@tenant_required
def api_keys(request):
    form = ApiTokenForm()
    if request.method == "POST":
        if "revoke" in request.POST:
            if services.api_token_revoke(user=request.user, token_id=request.POST["revoke"]):
                messages.success(request, _("The key was revoked. Requests that use it now answer 401."))
            else:
                messages.error(request, _("That key does not exist or is already revoked."))
            return redirect("api_keys")
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            try:
                token, key = services.api_token_create(user=request.user, name=form.cleaned_data["name"])
            except InvalidInput as exc:
                _add_errors(form, exc)
            else:
                # Shown once, on the next page only (post/redirect/get: a reload makes no second key).
                request.session[NEW_KEY_SESSION] = {"key": key, "name": token.name}
                messages.success(request, _("Key created."))
                return redirect("api_keys")
    new_key = request.session.pop(NEW_KEY_SESSION, None)
    page_obj = Paginator(selectors.api_tokens_for(request.user), API_KEYS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "tenants/api_keys.html",
        {"form": form, "tokens": page_obj.object_list, "page_obj": page_obj, "new_key": new_key},
    )
