import json

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.html import format_html, format_html_join
from django.utils.timesince import timeuntil
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import clock, events, jobs
from .emails import email_resend
from .models import Event, ScheduledJob, SentEmail

admin.site.site_header = _("Partner Center operations")
admin.site.site_title = _("Partner Center operations")
admin.site.index_title = _("Tenants, partners, emails, jobs and the audit log")
admin.site.site_url = "/"


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written only by the services: ops can read them, never add, change or delete them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventHistoryMixin:
    """A read-only `history` field for a ModelAdmin: the object's events from the one audit trail,
    oldest first, each with when, what (its label), who and why."""

    @admin.display(description=_("History"))
    def history(self, obj):
        rows = events.for_object(obj) if obj is not None and obj.pk else []
        return format_html_join(
            "",
            '<div>{} — <strong data-event="{}">{}</strong> — {} {}</div>',
            (
                (e.created_at.strftime("%Y-%m-%d %H:%M"), e.kind, events.label(e), e.actor_label, e.reason)
                for e in rows
            ),
        ) or _("No events.")


class EventKindFilter(admin.SimpleListFilter):
    title = _("event")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return events.EventKind.choices

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind_label", "tenant", "actor_label", "object_type", "object_id", "reason"]
    list_filter = [EventKindFilter, "object_type", ("tenant", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["kind", "actor_label", "object_id", "tenant__display_name", "reason"]
    list_select_related = ["tenant"]
    date_hierarchy = "created_at"
    fields = [
        "created_at",
        "kind",
        "tenant",
        "actor",
        "actor_label",
        "object_type",
        "object_id",
        "reason",
        "payload_pretty",
    ]
    readonly_fields = fields

    @admin.display(description=_("event"), ordering="kind")
    def kind_label(self, obj):
        return format_html('<span data-event="{}">{}</span>', obj.kind, events.label(obj))

    @admin.display(description=_("payload"))
    def payload_pretty(self, obj):
        return format_html(
            "<pre>{}</pre>", json.dumps(obj.payload, indent=2, ensure_ascii=False, default=str)
        )


@admin.action(description=_("Resend the selected emails"))
def resend_emails(modeladmin, request, queryset):
    count = sum(email_resend(email=email) for email in queryset)
    modeladmin.message_user(
        request, ngettext("%(n)d email queued.", "%(n)d emails queued.", count) % {"n": count}
    )
    skipped = queryset.count() - count
    if skipped:
        modeladmin.message_user(
            request,
            ngettext(
                "%(n)d email is being sent right now and was left alone.",
                "%(n)d emails are being sent right now and were left alone.",
                skipped,
            )
            % {"n": skipped},
            messages.WARNING,
        )


@admin.register(SentEmail)
class SentEmailAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "kind",
        "to",
        "subject",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "tenant",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["to", "subject", "body", "dedupe_key"]
    list_select_related = ["tenant"]
    actions = [resend_emails]
    date_hierarchy = "created_at"
    fields = [
        "kind",
        "tenant",
        "to",
        "subject",
        "body",
        "status",
        "attempts",
        "next_attempt_at",
        "error",
        "dedupe_key",
        "created_at",
        "sent_at",
    ]
    readonly_fields = fields


class DueFilter(admin.SimpleListFilter):
    title = _("due")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("now", _("Due now")), ("later", _("Due later")), ("retrying", _("Retrying after an error"))]

    def queryset(self, request, queryset):
        pending = queryset.filter(status=ScheduledJob.Status.PENDING)
        if self.value() == "now":
            return pending.filter(due_at__lte=clock.now())
        if self.value() == "later":
            return pending.filter(due_at__gt=clock.now())
        if self.value() == "retrying":
            return pending.filter(attempts__gt=0)
        return queryset


@admin.action(description=_("Run the selected jobs now"))
def run_jobs_now(modeladmin, request, queryset):
    ran, failed, skipped = 0, [], 0
    for job in queryset.order_by("due_at", "id"):
        if job.status != ScheduledJob.Status.PENDING:
            skipped += 1
            continue
        if jobs.job_run(job.pk, force=True):
            ran += 1
        else:
            job.refresh_from_db()
            failed.append(job)
    if ran:
        modeladmin.message_user(
            request, ngettext("%(n)d job ran.", "%(n)d jobs ran.", ran) % {"n": ran}, messages.SUCCESS
        )
    for job in failed:
        modeladmin.message_user(
            request,
            _("Job %(job)s did not complete: %(error)s")
            % {"job": job, "error": job.last_error or _("it is locked by a worker right now")},
            messages.ERROR,
        )
    if skipped:
        modeladmin.message_user(
            request,
            ngettext(
                "%(n)d job was skipped: it is not pending.",
                "%(n)d jobs were skipped: they are not pending.",
                skipped,
            )
            % {"n": skipped},
            messages.WARNING,
        )


@admin.register(ScheduledJob)
class ScheduledJobAdmin(ReadOnlyAdmin):
    list_display = [
        "kind",
        "tenant",
        "object_type",
        "object_id",
        "due_at",
        "due_state",
        "status",
        "attempts",
        "finished_at",
        "result",
    ]
    list_filter = ["status", DueFilter, "kind"]
    search_fields = ["kind", "object_id", "tenant__display_name"]
    list_select_related = ["tenant"]
    actions = [run_jobs_now]
    date_hierarchy = "due_at"
    fields = [
        "kind",
        "tenant",
        "object_type",
        "object_id",
        "due_at",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "finished_at",
        "result",
    ]
    readonly_fields = fields

    def get_urls(self):
        run_now = self.admin_site.admin_view(self.run_now_view)
        return [
            path("<path:object_id>/run-now/", run_now, name="partnercenter_scheduledjob_run_now"),
            *super().get_urls(),
        ]

    def run_now_view(self, request, object_id):
        """The "Run now" button on a job's page: the same as the list action, for one job."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_view_permission(request):
            raise PermissionDenied
        job = get_object_or_404(ScheduledJob, pk=object_id)
        run_jobs_now(self, request, ScheduledJob.objects.filter(pk=job.pk))
        return redirect("admin:partnercenter_scheduledjob_change", job.pk)

    @admin.display(description=_("when"))
    def due_state(self, obj):
        if obj.status != ScheduledJob.Status.PENDING:
            return "—"
        now = clock.now()
        if obj.due_at <= now:
            return _("due now")
        return _("in %(time)s") % {"time": timeuntil(obj.due_at, now)}
