"""Cross-cutting records: typed events (the audit log), every email sent, and scheduled jobs."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    """One typed event per state change (`enrollment.approved`, ...). The audit log reads from it."""

    kind = models.CharField(_("event"), max_length=80, db_index=True)
    tenant = models.ForeignKey(
        "tenants.Tenant", null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A job or the system when no user acted ("job:enrollment.approve", "system").
    actor_label = models.CharField(_("actor"), max_length=120, blank=True)
    object_type = models.CharField(_("object type"), max_length=80, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True, db_index=True)
    reason = models.TextField(_("reason"), blank=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_type}:{self.object_id}"


class SentEmail(models.Model):
    """Every email the portal sends: the outbox. Recorded in the same transaction as the change that
    caused it, and itself the durable delivery job (`next_attempt_at`); see partnercenter.emails."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        RETRYING = "retrying", _("Retrying")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        # Its renderer refused at delivery: what it is about is gone (e.g. a revoked invitation).
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(_("kind"), max_length=80, db_index=True)
    tenant = models.ForeignKey(
        "tenants.Tenant", null=True, blank=True, on_delete=models.SET_NULL, related_name="emails"
    )
    # What the email is about (app_label.model and pk), for a kind whose renderer rebuilds personal
    # content at delivery (an invitation's link): the stored body then holds a placeholder, never a secret.
    object_type = models.CharField(_("object type"), max_length=80, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # When the next delivery attempt is due (queued and retrying rows); the outbox sweep reads it.
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # When a worker claimed the row for the attempt under way (sending rows): a claim older than the
    # lease is an attempt a crash interrupted, and the sweep puts the row back in line.
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    # Makes "send once" checkable: one email per (kind, dedupe_key).
    dedupe_key = models.CharField(_("dedupe key"), max_length=160, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("created"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("email")
        verbose_name_plural = _("emails")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="sentemail_outbox")]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"


class ScheduledJob(models.Model):
    """A delayed job: its due time lives in the database, written with the business row it acts on.

    Beat sweeps due rows with select_for_update(skip_locked=True); a Celery message is only a hint
    that makes immediate jobs run at once. Handlers are idempotent (see partnercenter.jobs).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(_("job"), max_length=80, db_index=True)
    tenant = models.ForeignKey(
        "tenants.Tenant", null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    object_type = models.CharField(_("object type"), max_length=80, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    due_at = models.DateTimeField(_("due"), db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=255, blank=True)
    # The scenario sandbox the job belongs to (its due_at is in that scenario's time); empty: the real one.
    scenario_key = models.CharField(_("scenario"), max_length=40, null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("scheduled job")
        verbose_name_plural = _("scheduled jobs")
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_type}:{self.object_id} due {self.due_at:%Y-%m-%d %H:%M}"
