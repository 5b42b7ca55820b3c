"""The customers app's step of the Overview's transition checklist: invite new customers or move
direct-bill customers (the same customer invitation does both)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from partnercenter.registry import StepStatus
from tenants.models import Partnership, Program

from .access import CUSTOMER_CREATE_ROLES, role_allows
from .models import CustomerInvitation, RelationshipKind, ResellerRelationship


def customers_step(profile, programs: dict, user) -> StepStatus:
    title = _("Invite new customers or move your direct-bill customers")
    if ResellerRelationship.objects.filter(
        partner=profile, kind=RelationshipKind.INDIRECT, status=ResellerRelationship.Status.ACTIVE
    ).exists():
        return StepStatus(
            title,
            True,
            _("You have customers as an indirect reseller."),
            reverse("customers:list"),
            _("Go to Customers"),
        )
    partnered = (
        Program.INDIRECT_RESELLER in programs
        and Partnership.objects.filter(reseller=profile, status=Partnership.Status.ACTIVE).exists()
    )
    if not partnered:
        return StepStatus(
            title,
            False,
            _("Once you work with an indirect provider, send customers an invitation through it."),
            waiting=True,
        )
    sent = CustomerInvitation.objects.filter(
        reseller=profile, status=CustomerInvitation.Status.PENDING
    ).count()
    if not role_allows(user, CUSTOMER_CREATE_ROLES, profile):
        detail = _("A global admin or an admin agent of your organization sends customer invitations.")
        return StepStatus(title, False, detail, reverse("customers:list"), _("Go to Customers"))
    if sent:
        detail = ngettext(
            "%(n)d invitation sent; waiting for the customer to accept.",
            "%(n)d invitations sent; waiting for customers to accept.",
            sent,
        ) % {"n": sent}
    else:
        detail = _(
            "Send a customer invitation through your provider. Your direct-bill customers move to the indirect "
            "model with the same invitation."
        )
    return StepStatus(title, False, detail, reverse("customers:invite"), _("Invite new customers"))
