import uuid

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from partnercenter.errors import DomainError

from . import services
from .models import ApiToken, PartnerProfile, Partnership, Program, ProgramMembership, Tenant, User


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    list_display = ["display_name", "default_domain", "kind", "created_at"]
    list_filter = ["kind"]
    search_fields = ["display_name", "default_domain"]
    readonly_fields = ["id"]
    fields = ["id", "display_name", "default_domain", "kind", "created_at"]

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        try:  # an exact tenant id (UUID) finds its tenant too
            tenant_id = uuid.UUID(search_term.strip())
        except ValueError:
            return results, may_have_duplicates
        return results | queryset.filter(pk=tenant_id), may_have_duplicates


class PortalUserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email"]


class PortalUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = PortalUserChangeForm
    add_form = PortalUserCreationForm
    ordering = ["email"]
    list_display = ["email", "display_name", "tenant", "role", "is_staff", "is_active", "last_login"]
    list_filter = ["role", "is_staff", "is_active", "tenant__kind"]
    search_fields = ["email", "display_name", "tenant__display_name", "tenant__default_domain"]
    list_select_related = ["tenant"]
    autocomplete_fields = ["tenant"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Portal"), {"fields": ("display_name", "tenant", "role", "language")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "display_name",
                    "tenant",
                    "role",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )


class ProgramMembershipInline(admin.TabularInline):
    model = ProgramMembership
    extra = 0

    def has_delete_permission(self, request, obj=None):
        # R6: indirect reseller capabilities are never removed; program rows are not deleted from admin.
        return False

    def get_readonly_fields(self, request, obj=None):
        # R6: once a partner is an indirect reseller, not even its status can be changed here.
        if obj is not None and obj.programs.filter(program=Program.INDIRECT_RESELLER).exists():
            return ["program", "status", "joined_at"]
        return []


@admin.action(description=_("Mark identified for direct bill offboarding"))
def mark_identified_for_offboarding(modeladmin, request, queryset):
    marked, already, refused = 0, 0, []
    for profile in queryset.select_related("tenant"):
        try:
            if services.profile_mark_offboarding(profile=profile, actor=request.user):
                marked += 1
            else:
                already += 1
        except DomainError as exc:
            refused.append(exc.text_with_rule)
    if marked:
        modeladmin.message_user(
            request,
            ngettext("%(n)d partner marked.", "%(n)d partners marked.", marked) % {"n": marked},
            messages.SUCCESS,
        )
    if already:
        modeladmin.message_user(
            request,
            ngettext(
                "%(n)d partner was already identified for offboarding.",
                "%(n)d partners were already identified for offboarding.",
                already,
            )
            % {"n": already},
            messages.INFO,
        )
    for text in refused:
        modeladmin.message_user(request, text, messages.ERROR)


class ProgramFilter(admin.SimpleListFilter):
    title = _("program")
    parameter_name = "program"

    def lookups(self, request, model_admin):
        return Program.choices

    def queryset(self, request, queryset):
        if self.value() in Program.values:
            return queryset.filter(programs__program=self.value())
        return queryset


@admin.register(PartnerProfile)
class PartnerProfileAdmin(admin.ModelAdmin):
    list_display = [
        "legal_name",
        "mpn_id",
        "tenant",
        "country",
        "program_list",
        "identified_for_offboarding",
        "details_confirmed_at",
    ]
    list_filter = ["identified_for_offboarding", ProgramFilter, "region", "country"]
    search_fields = [
        "legal_name",
        "mpn_id",
        "tenant__display_name",
        "tenant__default_domain",
        "primary_contact_email",
    ]
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

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("programs")

    @admin.display(description=_("programs"))
    def program_list(self, obj):
        return ", ".join(f"{m.get_program_display()} ({m.get_status_display()})" for m in obj.programs.all())


@admin.register(ProgramMembership)
class ProgramMembershipAdmin(admin.ModelAdmin):
    list_display = ["partner", "program", "status", "joined_at"]
    list_filter = ["program", "status"]
    search_fields = ["partner__legal_name", "partner__mpn_id"]
    list_select_related = ["partner"]
    autocomplete_fields = ["partner"]

    def has_delete_permission(self, request, obj=None):
        return False  # R6

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.program == Program.INDIRECT_RESELLER:
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

    def has_delete_permission(self, request, obj=None):
        return False  # removing one is a state change with history, done by the provider


class ApiTokenAdminForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["revoked_at"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "user", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "user__email"]
    list_select_related = ["user"]
    readonly_fields = ["user", "name", "prefix", "created_at", "last_used_at"]
    exclude = ["key_hash"]

    def has_add_permission(self, request):
        return False
