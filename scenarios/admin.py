"""Scenarios in Django admin: create one (name, key, extra customers), see its clock and sign-ins, advance
its clock (1 business day, 5 business days, 30 days), reset it, delete it. Each action calls a service."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from partnercenter.errors import DomainError, InvalidInput
from tenants.models import User

from . import services
from .models import Scenario

# What the buttons and actions do: (name, label, days, business days).
ADVANCES = {
    "1bd": (_("Advance 1 business day"), 0, 1),
    "5bd": (_("Advance 5 business days"), 0, 5),
    "30d": (_("Advance 30 days"), 30, 0),
}


class ScenarioAddForm(forms.ModelForm):
    slug = forms.CharField(
        label=_("key"),
        required=False,
        max_length=30,
        help_text=_("Lowercase letters, digits and hyphens; made from the name when left empty."),
    )

    class Meta:
        model = Scenario
        fields = ["name", "slug", "customers"]

    def clean(self):
        # The rules live in the service; the form puts its refusal next to the field at fault.
        data = self.cleaned_data
        try:
            services.scenario_check(
                name=data.get("name") or "", slug=data.get("slug") or "", customers=data.get("customers") or 0
            )
        except InvalidInput as exc:
            for field, msgs in exc.fields.items():
                for message in msgs:
                    self.add_error(field if field in self.fields else None, message)
        return data

    def _post_clean(self):  # no model validation: the service checks and reports per field
        pass


def _advance(modeladmin, request, queryset, code):
    label, days, business_days = ADVANCES[code]
    for scenario in queryset:
        ran = services.scenario_advance(scenario=scenario, days=days, business_days=business_days)
        scenario.refresh_from_db()
        modeladmin.message_user(
            request,
            ngettext(
                "%(name)s: now %(now)s; %(n)d job ran.",
                "%(name)s: now %(now)s; %(n)d jobs ran.",
                ran,
            )
            % {"name": scenario.name, "now": date_format(scenario.now, "DATETIME_FORMAT"), "n": ran},
            messages.SUCCESS,
        )


@admin.action(description=ADVANCES["1bd"][0])
def advance_1bd(modeladmin, request, queryset):
    _advance(modeladmin, request, queryset, "1bd")


@admin.action(description=ADVANCES["5bd"][0])
def advance_5bd(modeladmin, request, queryset):
    _advance(modeladmin, request, queryset, "5bd")


@admin.action(description=ADVANCES["30d"][0])
def advance_30d(modeladmin, request, queryset):
    _advance(modeladmin, request, queryset, "30d")


@admin.action(description=_("Reset (delete its data and build it again)"))
def reset(modeladmin, request, queryset):
    for scenario in queryset:
        services.scenario_reset(scenario=scenario)
        modeladmin.message_user(
            request, _("%(name)s was rebuilt.") % {"name": scenario.name}, messages.SUCCESS
        )


@admin.register(Scenario)
class ScenarioAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "scenario_now", "offset_days", "customers", "state", "created_at"]
    search_fields = ["name", "slug"]
    actions = [advance_1bd, advance_5bd, advance_30d, reset]
    readonly_fields = [
        "slug",
        "number",
        "scenario_now",
        "offset",
        "customers",
        "state",
        "created_at",
        "built_at",
        "advanced_at",
        "sign_ins",
    ]
    fields = ["name", *readonly_fields]
    change_form_template = "admin/scenarios/scenario/change_form.html"

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ScenarioAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return ["name", "slug", "customers"] if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    @admin.display(description=_("scenario time"))
    def scenario_now(self, obj):
        return date_format(obj.now, "DATETIME_FORMAT")

    @admin.display(description=_("ahead by (days)"))
    def offset_days(self, obj):
        return f"{obj.offset.total_seconds() / 86400:.1f}"

    @admin.display(description=_("sign-ins"))
    def sign_ins(self, obj):
        users = (
            User.objects.filter(tenant__scenario_key=obj.slug)
            .select_related("tenant")
            .order_by("tenant__display_name", "email")
        )
        rows = format_html_join(
            "",
            "<li><code>{}</code> — {}, {}</li>",
            ((u.email, u.get_role_display(), u.tenant.display_name) for u in users),
        )
        return format_html("<ul>{}</ul><p>{}</p>", rows, _("Password: the demo password (DEMO_PASSWORD)."))

    def save_model(self, request, obj, form, change):
        if change:
            Scenario.objects.filter(pk=obj.pk).update(name=obj.name)
            return
        created = services.scenario_create(
            name=form.cleaned_data.get("name") or "",
            slug=form.cleaned_data.get("slug") or "",
            customers=form.cleaned_data.get("customers") or 0,
        )
        obj.pk = created.pk
        obj.__dict__.update(Scenario.objects.get(pk=created.pk).__dict__)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        buttons = [(code, label) for code, (label, _days, _bdays) in ADVANCES.items()]
        buttons.append(("reset", _("Reset")))
        extra_context = {**(extra_context or {}), "scenario_buttons": buttons}
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_model(self, request, obj):
        services.scenario_delete(scenario=obj)

    def delete_queryset(self, request, queryset):
        for scenario in queryset:
            services.scenario_delete(scenario=scenario)

    def get_urls(self):
        view = self.admin_site.admin_view(self.clock_view)
        return [
            path("<path:object_id>/clock/<str:code>/", view, name="scenarios_scenario_clock"),
            *super().get_urls(),
        ]

    def clock_view(self, request, object_id, code):
        """The buttons on a scenario's page: advance its clock, or reset it."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):
            raise PermissionDenied
        scenario = get_object_or_404(Scenario, pk=object_id)
        queryset = Scenario.objects.filter(pk=scenario.pk)
        try:
            if code == "reset":
                reset(self, request, queryset)
            elif code in ADVANCES:
                _advance(self, request, queryset, code)
            else:
                raise PermissionDenied
        except DomainError as exc:
            self.message_user(request, exc.text, messages.ERROR)
        return redirect("admin:scenarios_scenario_change", scenario.pk)
