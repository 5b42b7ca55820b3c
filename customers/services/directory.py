"""The customer's users and license assignments, managed by its reseller with admin rights (R12)."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.translation import gettext as _

from partnercenter import clock, events
from partnercenter.errors import Conflict, DomainError, Forbidden, NotFound
from partnercenter.events import EventKind
from tenants.models import User
from tenants.services import roles_text

from ..models import CustomerUser, LicenseAssignment, Subscription
from ..selectors import (
    USER_ADMIN_ROLES,
    CustomerAccess,
    require_users_visible,
    role_allows,
    subscriptions_for,
)

_LOCAL_PART = re.compile(r"^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$")


def require_admin_rights(access: CustomerAccess, user: User) -> None:
    """R12 and SPEC §10: the customer's reseller of record with delegated admin privileges, acting through
    a global admin or an admin agent, manages its users and licenses."""
    require_users_visible(access)
    if not role_allows(user, USER_ADMIN_ROLES, access.profile):
        raise Forbidden(
            _("Only a %(roles)s of the partner can manage a customer's users and licenses.")
            % {"roles": roles_text(USER_ADMIN_ROLES)},
            rule="R12",
            reason="customers.role_cannot_manage_users",
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
    require_admin_rights(access, user)
    user_name = (user_name or "").strip().lower()
    domain = access.customer.domain
    if "@" in user_name:
        local, _sep, given_domain = user_name.partition("@")
        if given_domain != domain:
            raise DomainError(
                _("A user name is in the customer's domain, %(domain)s.") % {"domain": domain},
                code=400,
                status=400,
                reason="customer_users.wrong_domain",
            )
        user_name = local
    if not _LOCAL_PART.match(user_name):
        raise DomainError(
            _("A user name uses letters, digits, dots, hyphens and underscores."),
            code=400,
            status=400,
            reason="customer_users.bad_user_name",
        )
    display_name = (display_name or "").strip() or " ".join(p for p in [first_name, last_name] if p)
    if not display_name:
        raise DomainError(
            _("Enter a display name."), code=400, status=400, reason="customer_users.display_name_missing"
        )
    usage_location = (usage_location or "US").strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", usage_location):
        raise DomainError(
            _("The usage location is a two-letter country code."),
            code=400,
            status=400,
            reason="customer_users.bad_usage_location",
        )
    upn = f"{user_name}@{domain}"
    if CustomerUser.objects.filter(user_principal_name=upn).exists():
        raise Conflict(_("The user %(upn)s already exists.") % {"upn": upn}, reason="customer_users.exists")
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
        EventKind.CUSTOMER_USER_CREATED,
        tenant=access.customer.tenant,
        actor=user,
        obj=created,
        payload={"userPrincipalName": upn, "by": access.profile.mpn_id},
    )
    return created


@transaction.atomic
def customer_user_delete(*, access: CustomerAccess, user: User, customer_user: CustomerUser) -> None:
    require_admin_rights(access, user)
    if customer_user.customer_id != access.customer.pk:
        raise NotFound()
    if customer_user.portal_user_id:
        raise Conflict(
            _("The customer's own sign-in accounts are managed by the customer."),
            reason="customer_users.customer_managed",
        )
    upn = customer_user.user_principal_name
    events.record(
        EventKind.CUSTOMER_USER_DELETED,
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
    require_admin_rights(access, user)
    if customer_user.customer_id != access.customer.pk:
        raise NotFound()
    sub = _manageable_subscription(access, subscription)
    if sub.status != Subscription.Status.ACTIVE:
        raise Conflict(
            _("Licenses come from an active subscription."), reason="licenses.subscription_not_active"
        )
    if not sub.offer.is_license_based:
        raise DomainError(
            _("%(offer)s is not licensed per user.") % {"offer": sub.offer.name},
            code=400,
            status=400,
            reason="licenses.not_per_user",
        )
    existing = LicenseAssignment.objects.filter(user=customer_user, subscription=sub).first()
    if existing:
        return existing
    used = LicenseAssignment.objects.filter(subscription=sub).count()
    if used >= sub.quantity:
        raise Conflict(
            _("All %(q)d licenses of %(offer)s are assigned. Increase the quantity first.")
            % {"q": sub.quantity, "offer": sub.offer.name},
            reason="licenses.no_free_seat",
        )
    assignment = LicenseAssignment.objects.create(
        user=customer_user, subscription=sub, assigned_at=clock.now(), assigned_by=user
    )
    events.record(
        EventKind.LICENSE_ASSIGNED,
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
    require_admin_rights(access, user)
    if customer_user.customer_id != access.customer.pk:
        raise NotFound()
    sub = _manageable_subscription(access, subscription)
    deleted, _detail = LicenseAssignment.objects.filter(user=customer_user, subscription=sub).delete()
    if deleted:
        events.record(
            EventKind.LICENSE_REMOVED,
            tenant=access.customer.tenant,
            actor=user,
            obj=customer_user,
            payload={"subscriptionId": str(sub.pk), "offerId": sub.offer_id},
        )
    return bool(deleted)


ASSIGN, REMOVE = "assign", "remove"


@transaction.atomic
def license_change(
    *, access: CustomerAccess, user: User, customer_user: CustomerUser, subscription_id, action: str
) -> LicenseAssignment | None:
    """One button of the customer page's license table: Assign a license the user does not hold, or Remove
    one the user holds. A request that does not match the user's state (Assign what the user already has,
    Remove what the user does not have) is refused and changes nothing."""
    require_admin_rights(access, user)
    if customer_user.customer_id != access.customer.pk:
        raise NotFound()
    if action not in (ASSIGN, REMOVE):
        raise DomainError(
            _("Choose Assign or Remove."), code=400, status=400, reason="licenses.action_unknown"
        )
    sub = (
        Subscription.objects.select_related("offer")
        .filter(pk=subscription_id, customer=access.customer)
        .first()
    )
    if sub is None:
        raise NotFound(reason="licenses.subscription_not_found")
    sub = _manageable_subscription(access, sub)  # locked: the seat count and the check below hold
    holds = LicenseAssignment.objects.filter(user=customer_user, subscription=sub).exists()
    upn, offer = customer_user.user_principal_name, sub.friendly_name
    if action == ASSIGN:
        if holds:
            raise Conflict(
                _("%(user)s already has a license of %(offer)s.") % {"user": upn, "offer": offer},
                reason="licenses.already_assigned",
            )
        return license_assign(access=access, user=user, customer_user=customer_user, subscription=sub)
    if not holds:
        raise Conflict(
            _("%(user)s has no license of %(offer)s to remove.") % {"user": upn, "offer": offer},
            reason="licenses.not_assigned",
        )
    license_remove(access=access, user=user, customer_user=customer_user, subscription=sub)
    return None


def _pick_subscription(subs: list[Subscription], admin_rel_ids: set, ref: dict, held: set) -> Subscription:
    """The subscription one license comes from: the one named, or, for a SKU, an active one the partner
    administers: the one the user already holds, else one with a free seat, else any (which then refuses)."""
    if ref.get("subscription_id"):
        sub = next((s for s in subs if str(s.pk) == str(ref["subscription_id"])), None)
        if sub is None:
            raise NotFound(reason="licenses.subscription_not_found")
        return sub
    sku = ref.get("sku_id")
    if not sku:
        raise DomainError(
            _("Each license to assign names a skuId or a subscriptionId."),
            code=400,
            status=400,
            reason="licenses.sku_or_subscription_missing",
        )
    candidates = [
        s
        for s in subs
        if s.offer_id == sku and s.status == Subscription.Status.ACTIVE and s.relationship_id in admin_rel_ids
    ]
    if not candidates:
        raise DomainError(
            _("The customer has no active subscription of %(sku)s you manage.") % {"sku": sku},
            code=400,
            status=400,
            reason="licenses.no_subscription_for_sku",
        )
    mine = [s for s in candidates if s.pk in held]
    free = [s for s in candidates if s.assigned < s.quantity]
    return (mine or free or candidates)[0]


@transaction.atomic
def licenses_update(
    *,
    access: CustomerAccess,
    user: User,
    customer_user: CustomerUser,
    assign: list[dict] | None = None,
    remove: list[dict] | None = None,
) -> CustomerUser:
    """Assign and remove a user's licenses in one go: all of it or nothing (R12). Each entry names a
    `subscription_id` or a `sku_id`; a SKU to assign takes a seat from a subscription with a free one first,
    a SKU to remove frees every seat of it the user holds."""
    require_admin_rights(access, user)
    if customer_user.customer_id != access.customer.pk:
        raise NotFound()
    subs = list(subscriptions_for(access=access))
    admin_rel_ids = {r.pk for r in access.admin_relationships}
    held = set(LicenseAssignment.objects.filter(user=customer_user).values_list("subscription_id", flat=True))
    for ref in assign or []:
        sub = _pick_subscription(subs, admin_rel_ids, ref, held)
        if sub.pk not in held:
            license_assign(access=access, user=user, customer_user=customer_user, subscription=sub)
            held.add(sub.pk)
            sub.assigned += 1  # the next pick for the same SKU sees this seat taken
    for ref in remove or []:
        if ref.get("subscription_id"):
            freeing = [_pick_subscription(subs, admin_rel_ids, ref, held)]
        else:
            held = LicenseAssignment.objects.filter(
                user=customer_user, subscription__offer_id=ref.get("sku_id")
            )
            freeing = [a.subscription for a in held.select_related("subscription")]
        for sub in freeing:
            license_remove(access=access, user=user, customer_user=customer_user, subscription=sub)
    return customer_user
