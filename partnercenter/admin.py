from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import jobs
from .emails import email_resend
from .models import Event, ScheduledJob, SentEmail


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "tenant", "actor_label", "object_type", "object_id", "reason"]
    list_filter = ["kind", "object_type"]
    search_fields = ["kind", "actor_label", "object_id", "tenant__display_name", "reason"]
    list_select_related = ["tenant"]
    date_hierarchy = "created_at"


@admin.action(description=_("Resend the selected emails"))
def resend_emails(modeladmin, request, queryset):
    for email in queryset:
        email_resend(email=email)
    modeladmin.message_user(
        request, ngettext("%(n)d email queued.", "%(n)d emails queued.", len(queryset)) % {"n": len(queryset)}
    )


@admin.register(SentEmail)
class SentEmailAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "to", "subject", "status", "sent_at"]
    list_filter = ["kind", "status"]
    search_fields = ["to", "subject", "body"]
    actions = [resend_emails]
    date_hierarchy = "created_at"


@admin.action(description=_("Run the selected jobs now"))
def run_jobs_now(modeladmin, request, queryset):
    ran = sum(jobs.job_run(job.pk, force=True) for job in queryset.filter(status=ScheduledJob.Status.PENDING))
    modeladmin.message_user(
        request,
        ngettext("%(n)d job ran.", "%(n)d jobs ran.", ran) % {"n": ran},
        messages.SUCCESS if ran else messages.WARNING,
    )


@admin.register(ScheduledJob)
class ScheduledJobAdmin(admin.ModelAdmin):
    list_display = [
        "kind",
        "tenant",
        "object_type",
        "object_id",
        "due_at",
        "status",
        "attempts",
        "finished_at",
        "result",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["kind", "object_id", "tenant__display_name"]
    list_select_related = ["tenant"]
    actions = [run_jobs_now]
    readonly_fields = [
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

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
