import datetime as dt
import json

from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import quote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Q
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import truncatechars
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from . import clock, emails, events, jobs, paging, registry
from .emails import email_resend
from .models import Event, ScheduledJob, SentEmail
from .pagecache import cached_page
from .paging import capped_count

admin.site.site_header = _("Partner Center operations")
admin.site.site_title = _("Partner Center operations")
admin.site.index_title = _("Tenants, partners, emails, jobs and the audit log")
admin.site.site_url = "/"

# A pending job still not run this long after its due time is stuck: no worker or beat is taking it.
STUCK_AFTER = dt.timedelta(minutes=15)
# How many rows each ops landing panel lists (its counts link to the whole filtered list).
LANDING_ROWS = 10


def next_url(request, default: str) -> str:
    """Where an ops button sends the user back: the form's `next` (a page of this site), else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def short_datetime(value) -> str:
    return date_format(value, "SHORT_DATETIME_FORMAT") if value else "—"


def actor_text(actor_label: str) -> str:
    """Who did it, as people read it: a user's email, ops, a scheduled job by its name, or the system."""
    label = (actor_label or "").strip()
    if not label:
        return "—"
    if label == "system":
        return str(_("System"))
    if label == "demo":
        return str(_("Demo data"))
    if label.startswith("ops:"):
        return str(_("Ops (%(email)s)") % {"email": label[4:]})
    if label.startswith("job:"):
        kind, _sep, number = label[4:].partition("#")
        if number:
            return str(
                _("Scheduled job “%(job)s” (no. %(number)s)")
                % {"job": registry.job_label(kind), "number": number}
            )
        return str(_("Scheduled job “%(job)s”") % {"job": registry.job_label(kind)})
    return label


def object_text(object_type: str, object_id: str) -> str:
    """What a record is about, as people read it: the model's name and the object's number."""
    if not object_type:
        return "—"
    try:
        name = apps.get_model(object_type)._meta.verbose_name
    except (LookupError, ValueError):
        name = object_type
    return f"{str(name).capitalize()} {object_id}".strip()


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


# The selection checkbox's label: Django's own message, translated in the admin's catalog (not this
# project's), looked up as Django looks it up.
_SELECT_ROW_LABEL = "Select this object for an action - {}"

# A row's link is the change URL with its primary key in place of this marker, for keys that reverse()
# leaves as they are (ASCII letters, digits, "-" and "_"); any other key goes through reverse().
_PK_MARK = "__pk__"


class BookChangeList(ChangeList):
    """Django's ChangeList, with the change URL of a row built from one reverse() per page (not per row)."""

    @cached_property
    def _change_url_parts(self) -> tuple[str, str]:
        url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
            args=(_PK_MARK,),
            current_app=self.model_admin.admin_site.name,
        )
        head, _mark, tail = url.rpartition(_PK_MARK)
        return head, tail

    def url_for_result(self, result):
        key = str(quote(getattr(result, self.pk_attname)))
        if not (key.isascii() and key.replace("-", "").replace("_", "").isalnum()):
            return super().url_for_result(result)
        head, tail = self._change_url_parts
        return f"{head}{key}{tail}"


class BookAdmin(admin.ModelAdmin):
    """A changelist of a table that grows with the book: no full COUNT per request, and rows rendered
    without a template per cell (the selection checkbox) or a URL resolution per row (the link)."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False

    def get_changelist(self, request, **kwargs):
        return BookChangeList

    def changelist_view(self, request, extra_context=None):
        # Served again from the cache while nothing was written (partnercenter/pagecache.py).
        render = cached_page(lambda req: super(BookAdmin, self).changelist_view(req, extra_context))
        return render(request)

    @admin.display(description=mark_safe('<input type="checkbox" id="action-toggle">'))
    def action_checkbox(self, obj):
        """Django's selection checkbox, the same HTML as its CheckboxInput widget renders, written
        directly: rendering the widget's two templates took almost half of a row's time."""
        label = gettext(_SELECT_ROW_LABEL).format(conditional_escape(str(obj)))
        return mark_safe(
            f'<input type="checkbox" name="{ACTION_CHECKBOX_NAME}" value="{conditional_escape(str(obj.pk))}"'
            f' class="action-select" aria-label="{label}">'
        )


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
            '<div class="history-row">{} — <strong data-event="{}">{}</strong> — {} {}</div>',
            (
                (short_datetime(e.created_at), e.kind, events.label(e), actor_text(e.actor_label), e.reason)
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


class ObjectTypeFilter(admin.SimpleListFilter):
    title = _("about")
    parameter_name = "object_type"

    def lookups(self, request, model_admin):
        types = Event.objects.order_by("object_type").values_list("object_type", flat=True).distinct()
        return [(t, object_text(t, "")) for t in types if t]

    def queryset(self, request, queryset):
        return queryset.filter(object_type=self.value()) if self.value() else queryset


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    # Six narrow columns: readable at 1366 px (long values wrap, static/css/admin.css).
    list_display = ["created_at", "kind_label", "tenant", "actor_name", "subject", "reason_short"]
    list_filter = [EventKindFilter, ObjectTypeFilter, ("tenant", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["kind", "actor_label", "object_id", "tenant__display_name", "reason"]
    list_select_related = ["tenant"]
    date_hierarchy = "created_at"
    fields = ["created_at", "kind_label", "tenant", "actor_name", "subject", "reason", "payload_pretty"]
    readonly_fields = fields

    @admin.display(description=_("event"), ordering="kind")
    def kind_label(self, obj):
        return format_html('<span data-event="{}">{}</span>', obj.kind, events.label(obj))

    @admin.display(description=_("by"), ordering="actor_label")
    def actor_name(self, obj):
        return actor_text(obj.actor_label)

    @admin.display(description=_("about"))
    def subject(self, obj):
        return object_text(obj.object_type, obj.object_id)

    @admin.display(description=_("reason"))
    def reason_short(self, obj):
        return truncatechars(obj.reason, 80) if obj.reason else ""

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


class OutboxFilter(admin.SimpleListFilter):
    title = _("delivery")
    parameter_name = "delivery"

    def lookups(self, request, model_admin):
        return [("stuck", _("Attempt interrupted (stuck)")), ("waiting", _("Waiting to be sent"))]

    def queryset(self, request, queryset):
        if self.value() == "stuck":
            return queryset.filter(
                status=SentEmail.Status.SENDING, claimed_at__lt=clock.now() - emails.lease()
            )
        if self.value() == "waiting":
            return queryset.filter(status__in=emails.WAITING)
        return queryset


class EmailKindFilter(admin.SimpleListFilter):
    title = _("email")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return registry.email_kind_choices()

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(SentEmail)
class SentEmailAdmin(ReadOnlyAdmin):
    # Seven columns, readable at 1366 px: long subjects and addresses wrap (static/css/admin.css).
    list_display = ["created_at", "kind_name", "to", "subject", "status", "attempts", "tenant"]
    list_filter = ["status", OutboxFilter, EmailKindFilter]
    search_fields = ["to", "subject", "body", "dedupe_key"]
    list_select_related = ["tenant"]
    actions = [resend_emails]
    date_hierarchy = "created_at"
    fields = [
        "kind_name",
        "tenant",
        "to",
        "subject",
        # A personalized email (an invitation) holds a placeholder here; its link is made at delivery.
        "body",
        "about",
        "status",
        "attempts",
        "next_attempt_at",
        "error",
        "dedupe_key",
        "created_at",
        "sent_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("email"), ordering="kind")
    def kind_name(self, obj):
        return registry.email_label(obj.kind)

    @admin.display(description=_("about"))
    def about(self, obj):
        return object_text(obj.object_type, obj.object_id)

    def get_urls(self):
        resend = self.admin_site.admin_view(self.resend_view)
        return [
            path("<path:object_id>/resend/", resend, name="partnercenter_sentemail_resend"),
            *super().get_urls(),
        ]

    def resend_view(self, request, object_id):
        """The "Resend" button (the ops landing, an email's page): the list action, for one email."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_view_permission(request):
            raise PermissionDenied
        email = get_object_or_404(SentEmail, pk=object_id)
        resend_emails(self, request, SentEmail.objects.filter(pk=email.pk))
        return redirect(next_url(request, reverse("admin:partnercenter_sentemail_change", args=[email.pk])))


class DueFilter(admin.SimpleListFilter):
    title = _("due")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [
            ("now", _("Due now")),
            ("later", _("Due later")),
            ("retrying", _("Retrying after an error")),
            ("stuck", _("Not run long after its due time (stuck)")),
        ]

    def queryset(self, request, queryset):
        pending = queryset.filter(status=ScheduledJob.Status.PENDING)
        if self.value() == "now":
            return pending.filter(due_at__lte=clock.now())
        if self.value() == "later":
            return pending.filter(due_at__gt=clock.now())
        if self.value() == "retrying":
            return pending.filter(attempts__gt=0)
        if self.value() == "stuck":
            return pending.filter(due_at__lt=clock.now() - STUCK_AFTER)
        return queryset


class KindFilter(admin.SimpleListFilter):
    title = _("job")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [(kind, registry.job_label(kind)) for kind in jobs.registered_kinds()]

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
            _("“%(job)s” did not complete: %(error)s")
            % {
                "job": registry.job_label(job.kind),
                "error": job.last_error or _("it is locked by a worker right now"),
            },
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


def job_retry(*, job_id: int) -> bool:
    """Ops' Retry of a failed job: back to pending, due now, with a fresh round of attempts (the handler
    re-checks the business state, so a retry of something already done is a no-op). False when the job
    is not failed (any more)."""
    return bool(
        ScheduledJob.objects.filter(pk=job_id, status=ScheduledJob.Status.FAILED).update(
            status=ScheduledJob.Status.PENDING, attempts=0, due_at=clock.now(), finished_at=None
        )
    )


@admin.action(description=_("Retry the selected failed jobs now"))
def retry_failed_jobs(modeladmin, request, queryset):
    ids = list(queryset.filter(status=ScheduledJob.Status.FAILED).values_list("pk", flat=True))
    requeued = [pk for pk in ids if job_retry(job_id=pk)]
    skipped = queryset.count() - len(requeued)
    if requeued:
        run_jobs_now(modeladmin, request, ScheduledJob.objects.filter(pk__in=requeued))
    if skipped:
        modeladmin.message_user(
            request,
            ngettext(
                "%(n)d job was skipped: it has not failed.",
                "%(n)d jobs were skipped: they have not failed.",
                skipped,
            )
            % {"n": skipped},
            messages.WARNING,
        )


@admin.register(ScheduledJob)
class ScheduledJobAdmin(ReadOnlyAdmin):
    # Seven columns, readable at 1366 px: the due time and its state share one, outcomes are shortened.
    list_display = ["job_name", "about", "tenant", "when", "status", "attempts", "outcome"]
    # The kinds come from the registry, not a SELECT DISTINCT over every job; no date hierarchy (two
    # scans of the whole table per request at 100,000 jobs): DueFilter answers "what is due".
    list_filter = ["status", DueFilter, KindFilter]
    search_fields = ["kind", "object_id", "tenant__display_name"]
    list_select_related = ["tenant"]
    # Django's 100 rows a page cost more to render than the rest of the request; the others are a page away.
    list_per_page = 50
    actions = [run_jobs_now, retry_failed_jobs]
    fields = [
        "job_name",
        "tenant",
        "about",
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
        retry = self.admin_site.admin_view(self.retry_view)
        return [
            path("<path:object_id>/run-now/", run_now, name="partnercenter_scheduledjob_run_now"),
            path("<path:object_id>/retry/", retry, name="partnercenter_scheduledjob_retry"),
            *super().get_urls(),
        ]

    def _one_job(self, request, object_id, action):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_view_permission(request):
            raise PermissionDenied
        job = get_object_or_404(ScheduledJob, pk=object_id)
        action(self, request, ScheduledJob.objects.filter(pk=job.pk))
        return redirect(next_url(request, reverse("admin:partnercenter_scheduledjob_change", args=[job.pk])))

    def run_now_view(self, request, object_id):
        """The "Run now" button on a job's page: the same as the list action, for one job."""
        return self._one_job(request, object_id, run_jobs_now)

    def retry_view(self, request, object_id):
        """The "Retry" button of a failed job (its page, the ops landing)."""
        return self._one_job(request, object_id, retry_failed_jobs)

    @admin.display(description=_("job"), ordering="kind")
    def job_name(self, obj):
        return registry.job_label(obj.kind)

    @admin.display(description=_("about"))
    def about(self, obj):
        return object_text(obj.object_type, obj.object_id)

    @admin.display(description=_("due"), ordering="due_at")
    def when(self, obj):
        text = short_datetime(obj.due_at)
        state = self.due_state(obj)
        return text if state == "—" else format_html("{}<br><small>{}</small>", text, state)

    @admin.display(description=_("outcome"))
    def outcome(self, obj):
        return truncatechars(obj.result or obj.last_error, 60) if (obj.result or obj.last_error) else "—"

    def due_state(self, obj):
        if obj.status != ScheduledJob.Status.PENDING:
            return "—"
        now = clock.now()
        if obj.due_at <= now:
            return _("due now")
        return _("in %(time)s") % {"time": timeuntil(obj.due_at, now)}


# --- The ops landing: what waits for ops among the ground floor's own records (jobs, emails).


def _changelist(model, **params) -> str:
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{url}?{query}" if query else url


def jobs_panel(request) -> registry.OpsPanel | None:
    """Failed jobs (Retry) and pending jobs nobody ran long after their due time (Run now)."""
    if not request.user.has_perm("partnercenter.view_scheduledjob"):
        return None
    now = clock.now()
    pending = Q(status=ScheduledJob.Status.PENDING)
    failed, stuck = Q(status=ScheduledJob.Status.FAILED), pending & Q(due_at__lt=now - STUCK_AFTER)
    counts = ScheduledJob.objects.filter(failed | pending).aggregate(
        failed=Count("pk", filter=failed),
        stuck=Count("pk", filter=stuck),
        retrying=Count("pk", filter=pending & Q(attempts__gt=0)),
    )
    rows = []
    for job in (
        ScheduledJob.objects.filter(failed | stuck)
        .select_related("tenant")
        .order_by("due_at", "id")[:LANDING_ROWS]
    ):
        is_failed = job.status == ScheduledJob.Status.FAILED
        if is_failed:
            action = registry.OpsAction(
                _("Retry"), reverse("admin:partnercenter_scheduledjob_retry", args=[job.pk])
            )
            flag = _("failed after %(n)d attempts") % {"n": job.attempts}
        else:
            action = registry.OpsAction(
                _("Run now"), reverse("admin:partnercenter_scheduledjob_run_now", args=[job.pk])
            )
            flag = _("due %(time)s ago, not run") % {"time": timesince(job.due_at, now)}
        detail = " · ".join(
            str(part)
            for part in (
                object_text(job.object_type, job.object_id),
                job.tenant,
                truncatechars(job.last_error, 120),
            )
            if part and part != "—"
        )
        rows.append(
            registry.OpsRow(
                label=registry.job_label(job.kind),
                url=reverse("admin:partnercenter_scheduledjob_change", args=[job.pk]),
                detail=detail,
                flag=flag,
                tone="error" if is_failed else "warning",
                actions=(action,),
            )
        )
    return registry.OpsPanel(
        title=_("Scheduled jobs"),
        counts=[
            registry.OpsCount(
                _("Failed"), counts["failed"], _changelist(ScheduledJob, status__exact="failed"), "error"
            ),
            registry.OpsCount(_("Stuck"), counts["stuck"], _changelist(ScheduledJob, due="stuck"), "warning"),
            registry.OpsCount(
                _("Retrying after an error"), counts["retrying"], _changelist(ScheduledJob, due="retrying")
            ),
        ],
        rows=rows,
        empty=_("No failed or stuck jobs."),
        more_url=_changelist(ScheduledJob),
    )


def emails_panel(request) -> registry.OpsPanel | None:
    """Emails that failed every attempt (Resend) and attempts a crash interrupted."""
    if not request.user.has_perm("partnercenter.view_sentemail"):
        return None
    S = SentEmail.Status
    failed = Q(status=S.FAILED)
    stuck = Q(status=S.SENDING, claimed_at__lt=clock.now() - emails.lease())
    counts = SentEmail.objects.filter(status__in=[S.FAILED, S.SENDING, S.RETRYING]).aggregate(
        failed=Count("pk", filter=failed),
        stuck=Count("pk", filter=stuck),
        retrying=Count("pk", filter=Q(status=S.RETRYING)),
    )
    rows = [
        registry.OpsRow(
            label=registry.email_label(email.kind),
            url=reverse("admin:partnercenter_sentemail_change", args=[email.pk]),
            detail=" · ".join(
                str(part) for part in (email.to, email.tenant, truncatechars(email.error, 120)) if part
            ),
            flag=_("failed after %(n)d attempts") % {"n": email.attempts},
            tone="error",
            actions=(
                registry.OpsAction(
                    _("Resend"), reverse("admin:partnercenter_sentemail_resend", args=[email.pk])
                ),
            ),
        )
        for email in SentEmail.objects.filter(failed)
        .select_related("tenant")
        .order_by("created_at", "id")[:LANDING_ROWS]
    ]
    return registry.OpsPanel(
        title=_("Emails"),
        counts=[
            registry.OpsCount(
                _("Failed"), counts["failed"], _changelist(SentEmail, status__exact="failed"), "error"
            ),
            registry.OpsCount(
                _("Stuck"), counts["stuck"], _changelist(SentEmail, delivery="stuck"), "warning"
            ),
            registry.OpsCount(
                _("Retrying"), counts["retrying"], _changelist(SentEmail, status__exact="retrying")
            ),
        ],
        rows=rows,
        empty=_("No failed emails."),
        more_url=_changelist(SentEmail),
    )
