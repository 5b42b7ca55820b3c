from django.contrib import admin

from .models import MoveBatch, MoveBatchItem


@admin.register(MoveBatch)
class MoveBatchAdmin(admin.ModelAdmin):
    list_display = ("created_at", "partner", "provider", "state", "total", "invited", "skipped", "failed")
    list_filter = ("state",)
    list_select_related = ("partner", "provider")
    search_fields = ("partner__legal_name", "partner__mpn_id")
    readonly_fields = [f.name for f in MoveBatch._meta.fields]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False


@admin.register(MoveBatchItem)
class MoveBatchItemAdmin(admin.ModelAdmin):
    list_display = ("batch", "customer", "state", "reason", "processed_at")
    list_filter = ("state",)
    list_select_related = ("batch__partner", "batch__provider", "customer")
    raw_id_fields = ("batch", "customer", "invitation")
    readonly_fields = ("batch", "customer", "state", "reason", "message", "invitation", "processed_at")
    show_full_result_count = False

    def has_add_permission(self, request):
        return False
