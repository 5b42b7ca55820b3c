"""Invitations by secret link: the one abstract token invitation, and partnership invitations (R10).

`TokenInvitation` is what every kind of invitation link shares (Zulip's confirmation style): only the
SHA-256 hash of the link's token is stored, the protected state field changes through the transitions
below (called by `invitations.links`), and accepting is one conditional UPDATE there, so two concurrent
accepts of one link cannot both succeed. A kind adds its own parties and says who invites (`inviter`),
which page its link opens (`LINK_URL_NAME`) and which audit events it writes (`EVENTS`).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from partnercenter import clock
from partnercenter.events import EventKind
from tenants.models import PartnerProfile, Partnership


class TokenInvitation(ConcurrentTransitionMixin, models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    # What a kind fills in (see the module docstring).
    LINK_URL_NAME: ClassVar[str] = ""
    LINK_SELECT_RELATED: ClassVar[tuple[str, ...]] = ()
    # "created", "accepted", "declined", "revoked", "expired" -> the kind's EventKind member
    EVENTS: ClassVar[dict[str, EventKind]] = {}

    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    status = FSMField(
        _("status"), default=Status.PENDING, choices=Status.choices, protected=True, db_index=True
    )
    created_at = models.DateTimeField(_("created"), default=clock.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    expires_at = models.DateTimeField(_("expires"), db_index=True)
    # When and by whom it left `pending` (accepted, declined, revoked; expiry has no person).
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("finished by"),
    )

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

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
        """Documents the edge; the accept itself is one conditional UPDATE in `links.consume`."""

    @property
    def inviter(self) -> PartnerProfile:
        """The partner who invites: its tenant's audit trail records the invitation's events."""
        raise NotImplementedError

    def is_overdue(self, now) -> bool:
        return self.status == self.Status.PENDING and self.expires_at <= now

    def effective_status(self, now) -> str:
        """A pending invitation past its expiry reads as expired even before the job marks it."""
        return self.Status.EXPIRED if self.is_overdue(now) else self.status

    @classmethod
    def link_url(cls, token: str) -> str:
        """The emailed link: always from PORTAL_BASE_URL, never from a request's Host header."""
        return settings.PORTAL_BASE_URL.rstrip("/") + reverse(cls.LINK_URL_NAME, args=[token])


class PartnerInvitation(TokenInvitation):
    LINK_URL_NAME = "invitations:partner_link"
    LINK_SELECT_RELATED = ("provider__tenant",)
    EVENTS = {
        "created": EventKind.PARTNER_INVITATION_CREATED,
        "accepted": EventKind.PARTNER_INVITATION_ACCEPTED,
        "declined": EventKind.PARTNER_INVITATION_DECLINED,
        "revoked": EventKind.PARTNER_INVITATION_REVOKED,
        "expired": EventKind.PARTNER_INVITATION_EXPIRED,
    }

    provider = models.ForeignKey(
        PartnerProfile,
        on_delete=models.PROTECT,
        related_name="sent_partner_invitations",
        verbose_name=_("provider"),
    )
    # The reseller address the invitation was sent to (blank while the provider only copied the link).
    email = models.EmailField(_("sent to"), blank=True, db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    # Who accepted or declined it (the reseller), and the partnership an accept made.
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

    class Meta(TokenInvitation.Meta):
        verbose_name = _("partnership invitation")
        verbose_name_plural = _("partnership invitations")
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.provider.legal_name} → {self.email or '(link)'} ({self.status})"

    @property
    def inviter(self) -> PartnerProfile:
        return self.provider


def invitation_url(token: str) -> str:
    """A partnership invitation's link."""
    return PartnerInvitation.link_url(token)


class InvitationLink(models.Model):
    """Another live link of a token invitation, besides the one on the invitation (`token_hash`, the link
    the inviter sees on the draft page): the hash of a token issued when the invitation's email was
    delivered, so that no stored email holds a usable link (see `invitations.links.link_add`).

    It belongs to one invitation of any kind (`object_type` is its model's label). It has no state of its
    own: it works exactly while its invitation is pending, so accepting, declining, revoking or expiring
    the invitation ends every link of it at once, and a used link still reads as used, not unknown.
    """

    object_type = models.CharField(_("invitation type"), max_length=80)
    object_id = models.PositiveBigIntegerField(_("invitation id"))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=clock.now)

    class Meta:
        verbose_name = _("invitation link")
        verbose_name_plural = _("invitation links")
        indexes = [models.Index(fields=["object_type", "object_id"], name="invitationlink_invitation")]

    def __str__(self) -> str:
        return f"{self.object_type}#{self.object_id} link"
