from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from partnercenter.errors import DomainError, Forbidden
from tenants.models import Program
from tenants.permissions import partner_required
from tenants.selectors import programs_for

from . import selectors, services
from .forms import EnrollForm
from .models import EnrollmentState


@partner_required
def enroll(request):
    """The enrollment page: status and history (a timeline that updates itself while approval is pending),
    every reason the partner cannot enroll yet (R1–R3), the partner details (R2), the no-rollback warning
    (R6) and "Enroll now"."""
    profile = request.partner_profile
    initial = {"primary_contact_email": profile.primary_contact_email}
    data = None
    if request.method == "POST":
        data = request.POST.copy()
        # A client that does not send the field enrolls with the profile's primary contact, as the API does.
        data.setdefault("primary_contact_email", profile.primary_contact_email)
    form = EnrollForm(data, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.enrollment_submit(
                profile=profile,
                user=request.user,
                primary_contact_email=form.cleaned_data["primary_contact_email"],
            )
        except services.NotEligible as exc:
            if exc.status == 403:  # not the global admin (R1): the 403 page, as the API answers
                raise PermissionDenied(exc.text) from exc
            if exc.codes & {selectors.ENROLLMENT_OPEN, selectors.ALREADY_INDIRECT_RESELLER}:
                # A second click or a second tab: the first one already enrolled.
                messages.info(request, _("Your enrollment was already submitted. Its status is shown below."))
            else:
                messages.error(request, exc.text)
            return redirect("enrollment:enroll")
        except DomainError as exc:
            messages.error(request, exc.text)
            return redirect("enrollment:enroll")
        messages.success(request, _("Your indirect reseller enrollment was submitted."))
        return redirect("enrollment:enroll")
    context = _status_context(request, profile)
    context.update({"profile": profile, "form": form})
    return render(
        request,
        "enrollment/enroll.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


def _poll_seconds() -> float:
    return float(getattr(settings, "ENROLLMENT_STATUS_POLL_SECONDS", 5))


def _status_context(request, profile) -> dict:
    """What the status card shows (the page and its live updates render the same partial)."""
    programs = programs_for(profile)
    eligibility = selectors.enrollment_eligibility(profile=profile, user=request.user, programs=programs)
    current = eligibility.current
    status_row = selectors.enrollment_status_row(
        profile,
        [{"program": Program.INDIRECT_RESELLER, "membership": programs.get(Program.INDIRECT_RESELLER)}],
    )[0]
    history = selectors.enrollment_history(current)
    timeline, following = selectors.enrollment_timeline(
        current, viewer_tenant_id=request.user.tenant_id, history=history
    )
    return {
        "current": current,
        "status_row": status_row,
        "history": history,
        "timeline": timeline,
        "timeline_next": following,
        "reasons": eligibility.reasons,
        "reason_codes": eligibility.codes,
        "can_enroll": eligibility.can_enroll,
        # Only a pending enrollment changes without the partner doing anything (approval or rejection).
        "live": current is not None and current.state == EnrollmentState.PENDING_APPROVAL,
        "poll_ms": int(_poll_seconds() * 1000),
    }


@require_GET
@partner_required
def enroll_status(request):
    """The enrollment's status for the page's live update (static/js/live_status.js): the state and the
    status card rendered again. Scoped to the acting partner; changes nothing."""
    profile = request.partner_profile
    context = _status_context(request, profile)
    context["profile"] = profile
    current = context["current"]
    state = current.state if current is not None else ""
    label = context["status_row"].get("status_label") or (current.get_state_display() if current else "")
    response = JsonResponse(
        {
            "state": state,
            "status": str(label),
            "announcement": _("Enrollment status: %(status)s") % {"status": label} if label else "",
            "poll": context["live"],
            # A rejection brings back the enrollment form: the whole page changes, not only the card.
            "reload": state == EnrollmentState.REJECTED,
            "html": render_to_string("enrollment/_status.html", context, request=request) if current else "",
        }
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@partner_required
def accept_agreement(request):
    """ "Accept and continue" (R5)."""
    try:
        services.enrollment_accept_agreement(profile=request.partner_profile, user=request.user)
    except Forbidden:
        raise  # a refused role: the 403 page with the rule and the role needed (SPEC §10)
    except DomainError as exc:
        if exc.reason == services.AGREEMENT_ALREADY_ACCEPTED_REASON:
            messages.info(request, exc.message)
        else:
            messages.error(request, exc.text)
        return redirect("overview")
    messages.success(
        request,
        _("You accepted the indirect reseller agreement. Your organization is now an indirect reseller."),
    )
    return redirect("profile")


@partner_required
def incentives(request):
    """R19: the indirect reseller incentive invitation and, separately, the direct-bill incentive programs."""
    profile = request.partner_profile
    programs = programs_for(profile)
    enrolled = selectors.incentive_program_enrollments_for(profile)
    return render(
        request,
        "enrollment/incentives.html",
        {
            "profile": profile,
            "invitations": selectors.incentive_invitations_for(profile),
            "direct_bill_programs": [
                {"program": p, "enrollment": enrolled.get(p.pk)}
                for p in selectors.direct_bill_incentives_for(profile, programs)
            ],
            "is_direct_bill": Program.DIRECT_BILL in programs,
            "is_indirect_reseller": Program.INDIRECT_RESELLER in programs,
            "can_accept": request.user.is_global_admin,
        },
    )


@require_POST
@partner_required
def incentive_program_enroll(request, pk: int):
    """R19: "Enroll" in a direct-bill incentive program (the partner's global admin, R1)."""
    try:
        services.incentive_program_enroll(profile=request.partner_profile, user=request.user, program_id=pk)
    except Forbidden:
        raise  # a refused role: the 403 page with the rule and the role needed (SPEC §10)
    except DomainError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, _("You enrolled in the direct-bill incentive program."))
    return redirect("enrollment:incentives")


@require_POST
@partner_required
def incentive_accept(request, pk: int):
    try:
        services.incentive_invitation_accept(
            profile=request.partner_profile, user=request.user, invitation_id=pk
        )
    except Forbidden:
        raise  # a refused role: the 403 page with the rule and the role needed (SPEC §10)
    except DomainError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, _("You enrolled in the indirect reseller incentives."))
    return redirect("enrollment:incentives")
