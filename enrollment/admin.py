"""Ops screens. Approve and Reject are buttons on the enrollment page that call the services (so the event,
which is the enrollment's history, and the approval email are written exactly as for the approval job).
django-fsm's FSMAdminMixin is not used because it calls transitions directly and saves, skipping those
services. Nothing here can delete an enrollment or change a state by hand (R6); its history is the audit
log's events, which no admin screen can change or delete."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from partnercenter import clock, registry
from partnercenter.admin import LANDING_ROWS, EventHistoryMixin, next_url
from partnercenter.errors import DomainError

from . import policy, services
from .forms import RejectForm
from .models import (
    Enrollment,
    EnrollmentState,
    IncentiveInvitation,
    IncentiveProgram,
    IncentiveProgramEnrollment,
)


class ApprovalPromiseFilter(admin.SimpleListFilter):
    """R4: which enrollments pending approval are near or past the 5-business-day promise (the manual
    policy leaves them to ops)."""

    title = _("Approval promise")
    parameter_name = "promise"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"

    def lookups(self, request, model_admin):
        return [
            (self.DUE_SOON, _("Due within 1 business day")),
            (self.OVERDUE, _("Past the promise")),
        ]

    def queryset(self, request, queryset):
        now = clock.now()
        pending = queryset.filter(state=EnrollmentState.PENDING_APPROVAL)
        if self.value() == self.DUE_SOON:
            return pending.filter(
                approval_promised_at__gte=now, approval_promised_at__lte=clock.add_business_days(now, 1)
            )
        if self.value() == self.OVERDUE:
            return pending.filter(approval_promised_at__lt=now)
        return queryset


def policy_label(value: str) -> str:
    """An approval policy as ops read it."""
    try:
        parsed = policy.parse_policy(value)
    except Exception:  # noqa: BLE001 - a value no longer valid reads as itself
        return value or "—"
    if parsed.kind == policy.IMMEDIATE:
        return str(_("Immediate"))
    if parsed.kind == policy.MANUAL:
        return str(_("Manual: ops approve or reject"))
    return ngettext("After %(n)d business day", "After %(n)d business days", parsed.days) % {"n": parsed.days}


def pending_enrollments_panel(request) -> registry.OpsPanel | None:
    """The ops landing's first section: enrollments pending approval, those nearest to or past the
    5-business-day promise first, with Approve and Reject."""
    if not request.user.has_perm("enrollment.view_enrollment"):
        return None
    can_decide = request.user.has_perm("enrollment.change_enrollment")
    now = clock.now()
    soon = clock.add_business_days(now, 1)
    pending = Enrollment.objects.filter(state=EnrollmentState.PENDING_APPROVAL)
    overdue = Q(approval_promised_at__lt=now)
    due_soon = Q(approval_promised_at__gte=now, approval_promised_at__lte=soon)
    counts = pending.aggregate(
        total=Count("pk"),
        manual=Count("pk", filter=Q(approval_policy=policy.MANUAL)),
        due_soon=Count("pk", filter=due_soon),
        overdue=Count("pk", filter=overdue),
    )
    rows = []
    oldest_first = pending.order_by(F("approval_promised_at").asc(nulls_last=True), "submitted_at", "id")
    for enrollment in oldest_first[:LANDING_ROWS]:
        promised = enrollment.approval_promised_at
        flag, tone = "", ""
        if promised is not None and promised < now:
            flag, tone = _("Past the 5-business-day promise"), "error"
        elif promised is not None and promised <= soon:
            flag, tone = _("1 business day or less left"), "warning"
        details = [
            _("submitted %(date)s") % {"date": date_format(enrollment.submitted_at, "SHORT_DATETIME_FORMAT")},
            policy_label(enrollment.approval_policy),
        ]
        if promised is not None:
            details.append(
                _("promised by %(date)s") % {"date": date_format(promised, "SHORT_DATETIME_FORMAT")}
            )
        actions = ()
        if can_decide:
            actions = (
                registry.OpsAction(
                    _("Approve"), reverse("admin:enrollment_enrollment_approve", args=[enrollment.pk])
                ),
                registry.OpsAction(
                    _("Reject…"),
                    reverse("admin:enrollment_enrollment_reject", args=[enrollment.pk]),
                    post=False,
                ),
            )
        rows.append(
            registry.OpsRow(
                label=_("%(name)s (MPN ID %(mpn)s)")
                % {"name": enrollment.legal_name, "mpn": enrollment.mpn_id},
                url=reverse("admin:enrollment_enrollment_change", args=[enrollment.pk]),
                detail=" · ".join(str(d) for d in details),
                flag=flag,
                tone=tone,
                actions=actions,
            )
        )
    changelist = reverse("admin:enrollment_enrollment_changelist")
    pending_url = f"{changelist}?state__exact={EnrollmentState.PENDING_APPROVAL}"
    return registry.OpsPanel(
        title=_("Enrollments waiting for approval"),
        counts=[
            registry.OpsCount(_("Pending approval"), counts["total"], pending_url),
            registry.OpsCount(
                _("Left to ops (manual policy)"),
                counts["manual"],
                f"{pending_url}&policy={policy.MANUAL}",
            ),
            registry.OpsCount(
                _("Due within 1 business day"),
                counts["due_soon"],
                f"{changelist}?promise={ApprovalPromiseFilter.DUE_SOON}",
                "warning",
            ),
            registry.OpsCount(
                _("Past the promise"),
                counts["overdue"],
                f"{changelist}?promise={ApprovalPromiseFilter.OVERDUE}",
                "error",
            ),
        ],
        rows=rows,
        empty=_("No enrollment is waiting for approval."),
        more_url=pending_url,
    )


class PolicyFilter(admin.SimpleListFilter):
    title = _("approval policy")
    parameter_name = "policy"

    def lookups(self, request, model_admin):
        values = model_admin.get_queryset(request).order_by().values_list("approval_policy", flat=True)
        return [(value, policy_label(value)) for value in sorted(set(values.distinct()))]

    def queryset(self, request, queryset):
        return queryset.filter(approval_policy=self.value()) if self.value() else queryset


@admin.action(description=_("Approve the selected enrollments pending approval"))
def approve_selected(modeladmin, request, queryset):
    approved = 0
    for enrollment in queryset.filter(state=EnrollmentState.PENDING_APPROVAL):
        try:
            services.enrollment_approve(enrollment_id=enrollment.pk, actor=request.user)
        except DomainError as exc:
            modeladmin.message_user(request, f"{enrollment}: {exc.text_with_rule}", messages.ERROR)
        else:
            approved += 1
    modeladmin.message_user(
        request,
        ngettext("%(n)d enrollment approved.", "%(n)d enrollments approved.", approved) % {"n": approved},
        messages.SUCCESS if approved else messages.WARNING,
    )


@admin.register(Enrollment)
class EnrollmentAdmin(EventHistoryMixin, admin.ModelAdmin):
    change_form_template = "admin/enrollment/enrollment/change_form.html"
    list_display = [
        "legal_name",
        "mpn_id",
        "tenant_domain",
        "state",
        "submitted_at",
        "policy_name",
        "promised",
        "approved_at",
        "activated_at",
    ]
    list_filter = ["state", ApprovalPromiseFilter, PolicyFilter]
    search_fields = ["legal_name", "mpn_id", "tenant_domain", "primary_contact_email"]
    list_select_related = ["partner"]
    date_hierarchy = "submitted_at"
    actions = [approve_selected]
    readonly_fields = [
        "partner",
        "state",
        "legal_name",
        "mpn_id",
        "primary_contact_email",
        "tenant_domain",
        "submitted_by",
        "submitted_at",
        "policy_name",
        "approval_due_at",
        "approval_promised_at",
        "approved_at",
        "rejected_at",
        "rejection_reason",
        "activated_at",
        "activated_by",
        "history",  # who, when and why, from the audit log's events
    ]

    @admin.display(description=_("approval promised by"), ordering="approval_promised_at")
    def promised(self, obj):
        """R4: the promised date; a pending enrollment past it is flagged."""
        if obj.approval_promised_at is None:
            return "—"
        text = date_format(obj.approval_promised_at, "SHORT_DATETIME_FORMAT")
        if obj.is_past_promise:
            return format_html(
                '<strong class="errornote" data-overdue="1">{} ({})</strong>', text, _("overdue")
            )
        return text

    @admin.display(description=_("approval policy"), ordering="approval_policy")
    def policy_name(self, obj):
        return policy_label(obj.approval_policy)

    def has_add_permission(self, request):
        return False  # partners enroll themselves (R1, R2)

    def has_change_permission(self, request, obj=None):
        return False  # states change only through Approve / Reject and the partner's own actions

    def has_delete_permission(self, request, obj=None):
        return False  # R6, and the history is the record of who did what

    def get_urls(self):
        return [
            path(
                "<path:object_id>/approve/",
                self.admin_site.admin_view(self.approve_view),
                name="enrollment_enrollment_approve",
            ),
            path(
                "<path:object_id>/reject/",
                self.admin_site.admin_view(self.reject_view),
                name="enrollment_enrollment_reject",
            ),
            *super().get_urls(),
        ]

    def _can_decide(self, request) -> bool:
        return (
            request.user.is_active
            and request.user.is_staff
            and request.user.has_perm("enrollment.change_enrollment")
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "can_decide": self._can_decide(request)}
        return super().change_view(request, object_id, form_url, extra_context)

    def approve_view(self, request, object_id):
        if not self._can_decide(request):
            raise PermissionDenied
        enrollment = get_object_or_404(Enrollment, pk=object_id)
        if request.method == "POST":
            try:
                services.enrollment_approve(enrollment_id=enrollment.pk, actor=request.user)
            except DomainError as exc:
                self.message_user(request, exc.text_with_rule, messages.ERROR)
            else:
                self.message_user(
                    request, _("Enrollment approved; the primary contact is emailed."), messages.SUCCESS
                )
        return redirect(
            next_url(request, reverse("admin:enrollment_enrollment_change", args=[enrollment.pk]))
        )

    def reject_view(self, request, object_id):
        if not self._can_decide(request):
            raise PermissionDenied
        enrollment = get_object_or_404(Enrollment, pk=object_id)
        form = RejectForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                services.enrollment_reject(
                    enrollment_id=enrollment.pk, actor=request.user, reason=form.cleaned_data["reason"]
                )
            except DomainError as exc:
                self.message_user(request, exc.text_with_rule, messages.ERROR)
            else:
                self.message_user(
                    request, _("Enrollment rejected; the partner may enroll again."), messages.SUCCESS
                )
            return redirect(reverse("admin:enrollment_enrollment_change", args=[enrollment.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": enrollment,
            "form": form,
            "title": _("Reject enrollment"),
        }
        return TemplateResponse(request, "admin/enrollment/enrollment/reject.html", context)


@admin.register(IncentiveInvitation)
class IncentiveInvitationAdmin(EventHistoryMixin, admin.ModelAdmin):
    list_display = [
        "partner",
        "state",
        "due_at",
        "sent_at",
        "email",
        "expires_at",
        "enrolled_at",
        "expired_at",
    ]
    list_filter = ["state"]
    search_fields = ["partner__legal_name", "partner__mpn_id", "email"]
    list_select_related = ["partner"]
    readonly_fields = [
        "enrollment",
        "partner",
        "state",
        "email",
        "due_at",
        "sent_at",
        "expires_at",
        "enrolled_at",
        "enrolled_by",
        "expired_at",
        "created_at",
        "history",
    ]

    def has_add_permission(self, request):
        return False  # scheduled by activation (R19)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IncentiveProgram)
class IncentiveProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "program", "period_end", "is_active"]
    list_filter = ["program", "is_active"]
    search_fields = ["name", "code"]


@admin.register(IncentiveProgramEnrollment)
class IncentiveProgramEnrollmentAdmin(EventHistoryMixin, admin.ModelAdmin):
    list_display = ["partner", "program", "enrolled_at", "enrolled_by"]
    list_filter = ["program"]
    search_fields = ["partner__legal_name", "partner__mpn_id", "program__name"]
    list_select_related = ["partner", "program", "enrolled_by"]
    readonly_fields = ["partner", "program", "enrolled_at", "enrolled_by", "history"]

    def has_add_permission(self, request):
        return False  # the partner's global admin enrolls (R1, R19)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
