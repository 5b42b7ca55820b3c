"""The move of a direct-bill partner's existing customers to the indirect model, many at a time.

A `MoveBatch` is one "send the customer invitations" request: a provider, the customers chosen, and who
asked. Each customer is one `MoveBatchItem`, written with the batch; durable jobs work through the
pending items in chunks, and each item records what happened to it (the invitation it sent, or why not).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from customers.models import CustomerAccount, CustomerInvitation
from partnercenter import clock
from tenants.models import PartnerProfile


class MoveBatch(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    partner = models.ForeignKey(
        PartnerProfile, on_delete=models.CASCADE, related_name="move_batches", verbose_name=_("partner")
    )
    provider = models.ForeignKey(
        PartnerProfile, on_delete=models.PROTECT, related_name="+", verbose_name=_("indirect provider")
    )
    include_delegated_admin = models.BooleanField(_("include delegated admin privileges"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("created"), default=clock.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    # What the customers were chosen by ({"customerIds": n} or the tracker's filter), for the record.
    selection = models.JSONField(_("selection"), default=dict, blank=True)
    total = models.PositiveIntegerField(_("customers"), default=0)
    invited = models.PositiveIntegerField(_("invited"), default=0)
    skipped = models.PositiveIntegerField(_("skipped"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    # Why the whole batch stopped (a reason code; the message is built from it when shown).
    reason = models.CharField(_("reason"), max_length=80, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("customer move batch")
        verbose_name_plural = _("customer move batches")
        indexes = [models.Index(fields=["partner", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.partner.legal_name} → {self.provider.legal_name} ({self.total}, {self.state})"

    @property
    def processed(self) -> int:
        return self.invited + self.skipped + self.failed

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)


class MoveBatchItem(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        INVITED = "invited", _("Invited")
        SKIPPED = "skipped", _("Skipped")
        FAILED = "failed", _("Failed")

    batch = models.ForeignKey(MoveBatch, on_delete=models.CASCADE, related_name="items")
    customer = models.ForeignKey(
        CustomerAccount, on_delete=models.CASCADE, related_name="+", verbose_name=_("customer")
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    reason = models.CharField(_("reason"), max_length=80, blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)
    invitation = models.OneToOneField(
        CustomerInvitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="move_item"
    )
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("customer move")
        verbose_name_plural = _("customer moves")
        constraints = [
            models.UniqueConstraint(fields=["batch", "customer"], name="one_move_item_per_batch_customer"),
        ]
        indexes = [models.Index(fields=["batch", "state", "id"])]

    def __str__(self) -> str:
        return f"{self.customer_id} ({self.state})"
