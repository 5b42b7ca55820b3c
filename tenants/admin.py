from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import ApiToken, PartnerProfile, Partnership, ProgramMembership, Tenant, User


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    list_display = ["display_name", "default_domain", "kind", "created_at"]
    list_filter = ["kind"]
    search_fields = ["display_name", "default_domain", "id"]
    readonly_fields = ["id"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "tenant", "role", "is_staff", "is_active"]
    list_filter = ["role", "is_staff", "is_active", "tenant__kind"]
    search_fields = ["email", "display_name", "tenant__display_name", "tenant__default_domain"]
    list_select_related = ["tenant"]
    autocomplete_fields = ["tenant"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Portal"), {"fields": ("display_name", "tenant", "role")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "tenant", "role", "password1", "password2")}),
    )


class ProgramMembershipInline(admin.TabularInline):
    model = ProgramMembership
    extra = 0

    def has_delete_permission(self, request, obj=None):
        # R6: indirect reseller capabilities are never removed; program rows are not deleted from admin.
        return False


@admin.action(description=_("Mark identified for direct bill offboarding"))
def mark_identified_for_offboarding(modeladmin, request, queryset):
    count = sum(services.profile_mark_offboarding(profile=p, actor=request.user) for p in queryset)
    modeladmin.message_user(
        request,
        ngettext("%(n)d partner marked.", "%(n)d partners marked.", count) % {"n": count},
        messages.SUCCESS,
    )


@admin.register(PartnerProfile)
class PartnerProfileAdmin(admin.ModelAdmin):
    list_display = [
        "legal_name",
        "mpn_id",
        "tenant",
        "country",
        "identified_for_offboarding",
        "details_confirmed_at",
    ]
    list_filter = ["identified_for_offboarding", "programs__program", "region", "country"]
    search_fields = ["legal_name", "mpn_id", "tenant__default_domain", "primary_contact_email"]
    list_select_related = ["tenant"]
    readonly_fields = [
        "identified_for_offboarding",
        "identified_for_offboarding_at",
        "details_confirmed_at",
        "details_confirmed_by",
    ]
    inlines = [ProgramMembershipInline]
    actions = [mark_identified_for_offboarding]
    autocomplete_fields = ["tenant"]


@admin.register(ProgramMembership)
class ProgramMembershipAdmin(admin.ModelAdmin):
    list_display = ["partner", "program", "status", "joined_at"]
    list_filter = ["program", "status"]
    search_fields = ["partner__legal_name", "partner__mpn_id"]
    list_select_related = ["partner"]

    def has_delete_permission(self, request, obj=None):
        return False  # R6

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.program == "indirect_reseller":
            return ["partner", "program", "status", "joined_at"]  # R6: no rollback, not even a restriction
        return []


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["provider", "reseller", "status", "created_at", "removed_at"]
    list_filter = ["status"]
    search_fields = ["provider__legal_name", "reseller__legal_name", "provider__mpn_id", "reseller__mpn_id"]
    list_select_related = ["provider", "reseller"]
    readonly_fields = ["provider", "reseller", "status", "created_at", "removed_at", "removed_by"]

    def has_add_permission(self, request):
        return False  # partnerships come from accepted invitations


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "user", "created_at", "last_used_at", "revoked_at"]
    search_fields = ["name", "prefix", "user__email"]
    list_select_related = ["user"]
    readonly_fields = ["user", "name", "prefix", "key_hash", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False
