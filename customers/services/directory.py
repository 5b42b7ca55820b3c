"""The customer's users and license assignments, managed by its reseller with admin rights (R12)."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.translation import gettext as _

from partnercenter import clock, events
from partnercenter.errors import Conflict, DomainError, Forbidden, NotFound
from tenants.models import User

from ..models import CustomerUser, LicenseAssignment, Subscription
from ..selectors import CustomerAccess

_LOCAL_PART = re.compile(r"^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$")


def require_admin_rights(access: CustomerAccess) -> None:
    if not access.can_manage_users:
        raise Forbidden(
            _(
                "Managing %(customer)s's users and licenses needs admin rights: its reseller of record with "
                "delegated admin privileges."
            )
            % {"customer": access.customer.company_name},
            rule="R12",
        )


@transaction.atomic
def customer_user_create(
    *,
    access: CustomerAccess,
    user: User,
    user_name: str,
    display_name: str,
    first_name: str = "",
    last_name: str = "",
    usage_location: str = "US",
) -> CustomerUser:
    require_admin_rights(access)
    user_name = (user_name or "").strip().lower()
    domain = access.customer.domain
    if "@" in user_name:
        local, _sep, given_domain = user_name.partition("@")
        if given_domain != domain:
            raise DomainError(
                _("A user name is in the customer's domain, %(domain)s.") % {"domain": domain},
                code=400,
                status=400,
            )
        user_name = local
    if not _LOCAL_PART.match(user_name):
        raise DomainError(
            _("A user name uses letters, digits, dots, hyphens and underscores."), code=400, status=400
        )
    display_name = (display_name or "").strip() or " ".join(p for p in [first_name, last_name] if p)
    if not display_name:
        raise DomainError(_("Enter a display name."), code=400, status=400)
    usage_location = (usage_location or "US").strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", usage_location):
        raise DomainError(_("The usage location is a two-letter country code."), code=400, status=400)
    upn = f"{user_name}@{domain}"
    if CustomerUser.objects.filter(user_principal_name=upn).exists():
        raise Conflict(_("The user %(upn)s already exists.") % {"upn": upn})
    created = CustomerUser.objects.create(
        customer=access.customer,
        user_principal_name=upn,
        display_name=display_name[:200],
        first_name=(first_name or "")[:100],
        last_name=(last_name or "")[:100],
        usage_location=usage_location,
        created_at=clock.now(),
    )
    events.record(
        "customer_user.created",
        tenant=access.customer.tenant,
        actor=user,
        obj=created,
        payload={"userPrincipalName": upn, "by": access.profile.mpn_id},
    )
    return created


@transaction.atomic
def customer_user_delete(*, access: CustomerAccess, user: User, customer_user: CustomerUser) -> None:
    require_admin_rights(access)
    if customer_user.customer_id != access.customer.pk:
        raise NotFound()
    if customer_user.portal_user_id:
        raise Conflict(_("The customer's own sign-in accounts are managed by the customer."))
    upn = customer_user.user_principal_name
    events.record(
        "customer_user.deleted",
        tenant=access.customer.tenant,
        actor=user,
        obj=customer_user,
        payload={"userPrincipalName": upn},
    )
    customer_user.delete()


def _manageable_subscription(access: CustomerAccess, subscription: Subscription) -> Subscription:
    rel_ids = {r.pk for r in access.admin_relationships}
    sub = Subscription.objects.select_for_update().select_related("offer").filter(pk=subscription.pk).first()
    if sub is None or sub.customer_id != access.customer.pk or sub.relationship_id not in rel_ids:
        raise NotFound()
    return sub


@transaction.atomic
def license_assign(
    *, access: CustomerAccess, user: User, customer_user: CustomerUser, subscription: Subscription
) -> LicenseAssignment:
    """Assign one seat. The subscription row is locked so two assignments cannot take the last seat."""
    require_admin_rights(access)
    if customer_user.customer_id != access.customer.pk:
        raise NotFound()
    sub = _manageable_subscription(access, subscription)
    if sub.status != Subscription.Status.ACTIVE:
        raise Conflict(_("Licenses come from an active subscription."))
    if not sub.offer.is_license_based:
        raise DomainError(
            _("%(offer)s is not licensed per user.") % {"offer": sub.offer.name}, code=400, status=400
        )
    existing = LicenseAssignment.objects.filter(user=customer_user, subscription=sub).first()
    if existing:
        return existing
    used = LicenseAssignment.objects.filter(subscription=sub).count()
    if used >= sub.quantity:
        raise Conflict(
            _("All %(q)d licenses of %(offer)s are assigned. Increase the quantity first.")
            % {"q": sub.quantity, "offer": sub.offer.name}
        )
    assignment = LicenseAssignment.objects.create(
        user=customer_user, subscription=sub, assigned_at=clock.now(), assigned_by=user
    )
    events.record(
        "license.assigned",
        tenant=access.customer.tenant,
        actor=user,
        obj=customer_user,
        payload={"subscriptionId": str(sub.pk), "offerId": sub.offer_id},
    )
    return assignment


@transaction.atomic
def license_remove(
    *, access: CustomerAccess, user: User, customer_user: CustomerUser, subscription: Subscription
) -> bool:
    require_admin_rights(access)
    if customer_user.customer_id != access.customer.pk:
        raise NotFound()
    sub = _manageable_subscription(access, subscription)
    deleted, _detail = LicenseAssignment.objects.filter(user=customer_user, subscription=sub).delete()
    if deleted:
        events.record(
            "license.removed",
            tenant=access.customer.tenant,
            actor=user,
            obj=customer_user,
            payload={"subscriptionId": str(sub.pk), "offerId": sub.offer_id},
        )
    return bool(deleted)
