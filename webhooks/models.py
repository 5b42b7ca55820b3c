"""Webhook registrations, the notifications derived from the event table, and their deliveries.

A `Notification` is one webhook event for one partner tenant (what `GET /v1/events` lists); a
`WebhookDelivery` is that notification on its way to one registration: its own durable job (status and
`next_attempt_at` in the database, like the email outbox), with a `WebhookAttempt` row per HTTP attempt.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from partnercenter import clock


class WebhookRegistration(models.Model):
    """A partner's one registration, as in Partner Center: a URL and the event names it wants."""

    class Health(models.TextChoices):
        HEALTHY = "healthy", _("Healthy")
        UNHEALTHY = "unhealthy", _("Unhealthy")

    subscriber_id = models.UUIDField(_("subscriber id"), default=uuid.uuid4, unique=True, editable=False)
    tenant = models.OneToOneField(
        "tenants.Tenant", on_delete=models.CASCADE, related_name="webhook_registration"
    )
    url = models.URLField(_("webhook URL"), max_length=2000)
    events = models.JSONField(_("events"), default=list)
    health = models.CharField(_("health"), max_length=10, choices=Health.choices, default=Health.HEALTHY)
    # Failed attempts in a row (any delivery); a success resets it.
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    last_failure_at = models.DateTimeField(_("last failure"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=clock.now)
    updated_at = models.DateTimeField(_("updated"), default=clock.now)

    class Meta:
        verbose_name = _("webhook registration")
        verbose_name_plural = _("webhook registrations")

    def __str__(self) -> str:
        return f"{self.tenant} → {self.url}"


class Notification(models.Model):
    """One webhook event for one partner tenant, with the exact body every delivery of it signs."""

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    # The audit event it comes from (test-created events come from the validation request's event).
    event = models.ForeignKey("partnercenter.Event", on_delete=models.CASCADE, related_name="+")
    event_name = models.CharField(_("event name"), max_length=80)
    body = models.TextField(_("body"))
    correlation_id = models.UUIDField(_("correlation id"), null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("created"), default=clock.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("webhook notification")
        verbose_name_plural = _("webhook notifications")
        constraints = [
            models.UniqueConstraint(fields=["event", "tenant", "event_name"], name="notification_once")
        ]
        # The feed: one tenant's notifications after a cursor.
        indexes = [models.Index(fields=["tenant", "id"], name="notification_feed")]

    def __str__(self) -> str:
        return f"{self.event_name} for {self.tenant_id}"


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        RETRYING = "retrying", _("Retrying")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    registration = models.ForeignKey(WebhookRegistration, on_delete=models.CASCADE, related_name="deliveries")
    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    # The idempotency id the receiver sees on every attempt and redelivery of this notification.
    delivery_id = models.UUIDField(_("delivery id"), default=uuid.uuid4, unique=True, editable=False)
    # Event order: the audit event's id. The registration's oldest open delivery goes first.
    sequence = models.BigIntegerField(_("sequence"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=clock.now)

    class Meta:
        ordering = ["-sequence", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [models.UniqueConstraint(fields=["registration", "notification"], name="delivery_once")]
        indexes = [
            models.Index(fields=["registration", "status", "sequence"], name="delivery_line"),
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.notification.event_name} → {self.registration_id} ({self.status})"


class WebhookAttempt(models.Model):
    """One HTTP attempt: when, the receiver's status, how long it took and its answer, cut short."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField(_("attempt"))
    started_at = models.DateTimeField(_("time"))
    status_code = models.PositiveIntegerField(_("HTTP status"), null=True, blank=True)
    latency_ms = models.PositiveIntegerField(_("latency (ms)"), default=0)
    response_excerpt = models.TextField(_("answer"), blank=True)
    error = models.TextField(_("error"), blank=True)
    succeeded = models.BooleanField(_("succeeded"), default=False)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")

    def __str__(self) -> str:
        return f"#{self.number} {self.status_code or self.error[:40]}"


class SigningKey(models.Model):
    """The installation's one RSA key pair and its self-signed certificate (generated on first use)."""

    name = models.CharField(max_length=40, unique=True, default="default")
    private_key_pem = models.TextField()
    certificate_pem = models.TextField()
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("webhook signing key")
        verbose_name_plural = _("webhook signing keys")

    def __str__(self) -> str:
        return self.name


class FanoutCursor(models.Model):
    """How far the fan-out has read the event table (one row)."""

    name = models.CharField(max_length=40, unique=True, default="default")
    last_event_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}: {self.last_event_id}"
