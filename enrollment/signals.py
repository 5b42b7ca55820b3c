"""R6, no rollback, enforced below every page, API and admin screen: whatever code path tries to delete
or downgrade an active indirect reseller's membership or enrollment, the write is refused. (The
enrollment's history is the audit log's events, which no admin screen can change or delete.)"""

from django.db.models.signals import pre_delete, pre_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from tenants.models import ProgramMembership

from .models import Enrollment, EnrollmentState
from .services import indirect_reseller_membership_guard


@receiver(pre_delete, sender=ProgramMembership, dispatch_uid="enrollment.r6.membership_delete")
def _membership_delete(sender, instance, **kwargs):
    indirect_reseller_membership_guard(instance)


@receiver(pre_save, sender=ProgramMembership, dispatch_uid="enrollment.r6.membership_save")
def _membership_save(sender, instance, **kwargs):
    if instance.pk is None:
        return
    old = ProgramMembership.objects.filter(pk=instance.pk).values("program", "status", "partner_id").first()
    if old is None or old["program"] != "indirect_reseller":
        return
    if (
        instance.program != old["program"]
        or instance.status != ProgramMembership.Status.ACTIVE
        or instance.partner_id != old["partner_id"]
    ):
        stored = ProgramMembership(pk=instance.pk, partner_id=old["partner_id"], program=old["program"])
        indirect_reseller_membership_guard(stored)


@receiver(pre_delete, sender=Enrollment, dispatch_uid="enrollment.r6.enrollment_delete")
def _enrollment_delete(sender, instance, **kwargs):
    from partnercenter.errors import Forbidden

    if instance.state == EnrollmentState.ACTIVE:
        raise Forbidden(
            _("An active indirect reseller enrollment cannot be deleted (no rollback)."),
            rule="R6",
            reason="enrollment.no_rollback",
        )
    # Its history is events that name it; the history rows used to PROTECT it, so this keeps that.
    raise Forbidden(
        _("An enrollment cannot be deleted: its history in the audit log refers to it."),
        rule="§4",
        reason="enrollment.history_kept",
    )
