"""Ops view of partnership invitations: read-mostly, with the transition history from the audit log."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_fsm.admin import FSMAdminMixin

from partnercenter import clock
from partnercenter.admin import EventHistoryMixin
from partnercenter.errors import DomainError

from . import services
from .models import PartnerInvitation


@admin.action(description=_("Revoke the selected pending invitations"))
def revoke_invitations(modeladmin, request, queryset):
    done = 0
    for invitation in queryset.filter(status=PartnerInvitation.Status.PENDING):
        try:
            services.invitation_revoke(
                provider=invitation.provider, invitation_id=invitation.pk, user=request.user
            )
        except DomainError:
            continue
        done += 1
    modeladmin.message_user(
        request,
        ngettext("%(n)d invitation revoked.", "%(n)d invitations revoked.", done) % {"n": done},
        messages.SUCCESS if done else messages.WARNING,
    )


@admin.action(description=_("Mark overdue invitations expired now"))
def expire_overdue(modeladmin, request, queryset):
    done = sum(
        services.invitation_expire(invitation_id=pk, actor_label=f"ops:{request.user.email}")
        for pk in queryset.values_list("pk", flat=True)
    )
    modeladmin.message_user(
        request, ngettext("%(n)d invitation expired.", "%(n)d invitations expired.", done) % {"n": done}
    )


@admin.register(PartnerInvitation)
class PartnerInvitationAdmin(EventHistoryMixin, FSMAdminMixin, admin.ModelAdmin):
    fsm_fields = ["status"]
    list_display = ["id", "provider", "email", "status", "created_at", "expires_at", "sent_at", "reseller"]
    list_filter = ["status"]
    search_fields = ["email", "provider__legal_name", "provider__mpn_id", "reseller__legal_name"]
    list_select_related = ["provider", "reseller"]
    date_hierarchy = "created_at"
    actions = [revoke_invitations, expire_overdue]
    readonly_fields = [
        "provider",
        "email",
        "created_at",
        "created_by",
        "expires_at",
        "sent_at",
        "subject",
        "reseller",
        "partnership",
        "finished_at",
        "finished_by",
        "history",
    ]
    exclude = ["token_hash"]

    def has_add_permission(self, request):
        return False  # invitations come from providers

    def has_delete_permission(self, request, obj=None):
        return False  # keep the record of who was invited

    def _apply_fsm_transition(self, *, obj, transition_name, request, kwargs=None) -> bool:
        """The ops "Revoke" button goes through the service, so the event and job cancel happen too."""
        if transition_name != "revoke":
            self.message_user(request, _("This transition is not available to ops."), messages.ERROR)
            return False
        try:
            services.invitation_revoke(provider=obj.provider, invitation_id=obj.pk, user=request.user)
        except DomainError as exc:
            self.message_user(request, exc.text_with_rule, messages.ERROR)
            return False
        self.message_user(
            request, _("Invitation revoked at %(when)s.") % {"when": clock.now()}, messages.SUCCESS
        )
        return True
