import json

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.timesince import timeuntil
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import clock, events, jobs, paging
from .emails import email_resend
from .models import Event, ScheduledJob, SentEmail
from .paging import capped_count

admin.site.site_header = _("Partner Center operations")
admin.site.site_title = _("Partner Center operations")
admin.site.index_title = _("Tenants, partners, emails, jobs and the audit log")
admin.site.site_url = "/"


class EstimatedCountPaginator(Paginator):
    """The changelist's paginator for tables of a book's size (SPEC §11): on PostgreSQL an unfiltered list
    takes the planner's row estimate (pg_class.reltuples, kept by ANALYZE) instead of a COUNT(*) over the
    whole table; a filtered one is counted up to paging.COUNT_CAP × 10 rows. Page links beyond are
    reached by filtering, as in Partner Center."""

    @cached_property
    def count(self) -> int:
        qs = self.object_list
        if not hasattr(qs, "query") or connection.vendor != "postgresql":
            return super().count
        if not qs.query.where:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [qs.model._meta.db_table]
                )
                row = cursor.fetchone()
            if row and row[0] >= 10_000:
                return int(row[0])
        return capped_count(qs, cap=paging.COUNT_CAP * 10)[0]


class BookAdmin(admin.ModelAdmin):
    """A changelist of a table that grows with the book: no full COUNT per request."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False


class ReadOnlyAdmin(BookAdmin):
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
        # A personalized email (an invitation) holds a placeholder here; its link is made at delivery.
        "body",
        "object_type",
        "object_id",
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


class KindFilter(admin.SimpleListFilter):
    title = _("job")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [(kind, kind) for kind in jobs.registered_kinds()]

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


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
    # The kinds come from the registry, not a SELECT DISTINCT over every job; no date hierarchy (two
    # scans of the whole table per request at 100,000 jobs): DueFilter answers "what is due".
    list_filter = ["status", DueFilter, KindFilter]
    search_fields = ["kind", "object_id", "tenant__display_name"]
    list_select_related = ["tenant"]
    actions = [run_jobs_now]
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
