from django.contrib import admin

from .models import Notification, WebhookAttempt, WebhookDelivery, WebhookRegistration


@admin.register(WebhookRegistration)
class WebhookRegistrationAdmin(admin.ModelAdmin):
    list_display = ["tenant", "url", "health", "consecutive_failures", "last_success_at", "last_failure_at"]
    list_filter = ["health"]
    raw_id_fields = ["tenant", "created_by"]
    readonly_fields = ["subscriber_id", "created_at", "updated_at"]


class AttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    readonly_fields = [
        "number",
        "started_at",
        "status_code",
        "latency_ms",
        "response_excerpt",
        "error",
        "succeeded",
    ]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["delivery_id", "registration", "status", "attempts", "next_attempt_at", "delivered_at"]
    list_filter = ["status"]
    raw_id_fields = ["registration", "notification"]
    readonly_fields = ["delivery_id", "sequence", "created_at", "claimed_at"]
    inlines = [AttemptInline]
    show_full_result_count = False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["event_name", "tenant", "created_at"]
    raw_id_fields = ["tenant", "event"]
    show_full_result_count = False
