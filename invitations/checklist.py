"""The invitations app's step of the Overview's transition checklist: partner with an indirect provider."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from partnercenter.registry import StepStatus
from tenants.models import Partnership, Program

from . import selectors


def provider_step(profile, programs: dict, user) -> StepStatus:
    title = _("Partner with an indirect provider")
    partnered = Partnership.objects.filter(reseller=profile, status=Partnership.Status.ACTIVE).count()
    if partnered:
        return StepStatus(
            title,
            True,
            ngettext(
                "You work with %(n)d indirect provider.", "You work with %(n)d indirect providers.", partnered
            )
            % {"n": partnered},
            reverse("invitations:indirect_providers"),
            _("Indirect providers"),
        )
    if Program.INDIRECT_RESELLER not in programs:
        return StepStatus(
            title,
            False,
            _("Once you are an indirect reseller, accept a provider's partnership invitation."),
            reverse("invitations:find_provider"),
            _("Find a provider"),
            waiting=True,
        )
    waiting = selectors.invitations_for_reseller(profile).count()
    if waiting:
        return StepStatus(
            title,
            False,
            ngettext(
                "%(n)d partnership invitation is waiting for your answer.",
                "%(n)d partnership invitations are waiting for your answer.",
                waiting,
            )
            % {"n": waiting},
            reverse("invitations:indirect_providers"),
            _("Answer invitations"),
        )
    return StepStatus(
        title,
        False,
        _("Choose a provider in the directory and ask it to send you a partnership invitation."),
        reverse("invitations:find_provider"),
        _("Find a provider"),
    )
