"""Partnership invitations: an indirect provider invites a reseller by a secret link (R10).

Only the SHA-256 hash of the link's token is stored. The state field is protected: it changes through
the transitions below (called by `invitations.services`), or, for accepting, through one conditional
UPDATE so that two concurrent accepts of one link cannot both succeed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from tenants.models import PartnerProfile, Partnership


class PartnerInvitation(ConcurrentTransitionMixin, models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    provider = models.ForeignKey(
        PartnerProfile,
        on_delete=models.PROTECT,
        related_name="sent_partner_invitations",
        verbose_name=_("provider"),
    )
    # The reseller address the invitation was sent to (blank while the provider only copied the link).
    email = models.EmailField(_("sent to"), blank=True, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    status = FSMField(
        _("status"), default=Status.PENDING, choices=Status.choices, protected=True, db_index=True
    )
    created_at = models.DateTimeField(_("created"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    expires_at = models.DateTimeField(_("expires"), db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    # What happened to it: who accepted (and for which reseller), declined or revoked, and when.
    reseller = models.ForeignKey(
        PartnerProfile,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="received_partner_invitations",
        verbose_name=_("reseller"),
    )
    partnership = models.ForeignKey(
        Partnership,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invitations",
        verbose_name=_("partnership"),
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("closed by"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("partnership invitation")
        verbose_name_plural = _("partnership invitations")
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.provider.legal_name} → {self.email or '(link)'} ({self.status})"

    # --- state machine (SPEC §4): pending → accepted | declined | revoked | expired
    @transition(field=status, source=Status.PENDING, target=Status.DECLINED, custom={"admin": False})
    def decline(self):
        pass

    @transition(
        field=status,
        source=Status.PENDING,
        target=Status.REVOKED,
        custom={"label": _("Revoke"), "admin": True},
    )
    def revoke(self):
        pass

    @transition(field=status, source=Status.PENDING, target=Status.EXPIRED, custom={"admin": False})
    def expire(self):
        pass

    @transition(field=status, source=Status.PENDING, target=Status.ACCEPTED, custom={"admin": False})
    def accept(self):
        """Documents the edge; the accept itself is one conditional UPDATE in `services`."""

    def is_overdue(self, now) -> bool:
        return self.status == self.Status.PENDING and self.expires_at <= now

    def effective_status(self, now) -> str:
        """A pending invitation past its expiry reads as expired even before the sweep marks it."""
        return self.Status.EXPIRED if self.is_overdue(now) else self.status


def invitation_url(token: str) -> str:
    """The emailed link: always from PORTAL_BASE_URL, never from a request's Host header."""
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse("invitations:partner_link", args=[token])
