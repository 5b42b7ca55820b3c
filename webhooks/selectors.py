"""Reads for webhooks, always for the acting partner (another tenant's rows answer 404)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from partnercenter.errors import DomainError, NotFound
from tenants.models import User

from .models import Notification, WebhookAttempt, WebhookDelivery, WebhookRegistration
from .services import require_manager

DELIVERIES_PER_PAGE = 25


def registration_for(user: User) -> WebhookRegistration | None:
    profile = require_manager(user)
    return WebhookRegistration.objects.filter(tenant_id=profile.tenant_id).first()


def deliveries_for(
    registration: WebhookRegistration, *, before: int | None = None, size: int = DELIVERIES_PER_PAGE
) -> tuple[list[WebhookDelivery], int | None]:
    """The registration's deliveries, newest event first, seek-paged on the indexed sequence; each with
    its attempt log. Returns (page, the `before` of the next page or None)."""
    rows = WebhookDelivery.objects.filter(registration=registration)
    if before is not None:
        rows = rows.filter(sequence__lt=before)
    page = list(
        rows.select_related("notification")
        .prefetch_related(Prefetch("attempt_log", queryset=WebhookAttempt.objects.order_by("-number")))
        .order_by("-sequence", "-id")[: size + 1]
    )
    more = len(page) > size
    page = page[:size]
    return page, (page[-1].sequence if more and page else None)


def validation_event_for(user: User, correlation_id) -> tuple[Notification, WebhookDelivery | None]:
    profile = require_manager(user)
    notification = Notification.objects.filter(
        correlation_id=correlation_id, tenant_id=profile.tenant_id
    ).first()
    if notification is None:
        raise NotFound(reason="webhooks.validation_event_not_found")
    delivery = (
        WebhookDelivery.objects.filter(notification=notification)
        .prefetch_related(Prefetch("attempt_log", queryset=WebhookAttempt.objects.order_by("number")))
        .first()
    )
    return notification, delivery


def feed_for(tenant, *, since: str | None, size: int) -> tuple[list[Notification], str, bool]:
    """`GET /v1/events`: the tenant's notifications after the cursor `since`, oldest first (a constant
    cost per page: the (tenant, id) index). Returns (page, the cursor to pass next time, more waiting)."""
    after = 0
    if since not in (None, ""):
        try:
            after = int(since)
        except (TypeError, ValueError):
            after = -1
        if after < 0:
            raise DomainError(
                _("since must be a cursor this API returned."),
                code=400,
                status=400,
                reason="events.bad_cursor",
            )
    page = list(Notification.objects.filter(tenant=tenant, id__gt=after).order_by("id")[: size + 1])
    more = len(page) > size
    page = page[:size]
    return page, str(page[-1].pk if page else after), more
