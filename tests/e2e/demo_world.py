"""The demo cast (`seed_demo`) plus, optionally, the story after Contoso enrolled: Contoso is an indirect
reseller partnered with Fabrikam, Tailspin Toys is Contoso's indirect customer with Fabrikam, Northwind has
invited Contoso, and Contoso has a customer invitation out. Every role then has something on each page."""

from __future__ import annotations

import io

from django.core.management import call_command

from customers.models import CustomerAccount, ResellerRelationship
from customers.services.invitations import customer_invitation_create
from enrollment.models import EnrollmentState
from enrollment.services import enrollment_accept_agreement, enrollment_approve, enrollment_submit
from invitations.services import email_draft, invitation_create, invitation_send
from partnercenter import clock
from tenants.models import PartnerProfile, Partnership, Tenant, User

CONTOSO = "contoso.onmicrosoft.com"
FABRIKAM = "fabrikamdistribution.onmicrosoft.com"
NORTHWIND = "northwindtraders.onmicrosoft.com"
TAILSPIN = "tailspintoys.onmicrosoft.com"
WINGTIP = "wingtiptoys.onmicrosoft.com"


def _profile(domain: str) -> PartnerProfile:
    return PartnerProfile.objects.select_related("tenant").get(tenant__default_domain=domain)


def build_world(*, enrolled: bool, tailspin_related: bool = True) -> dict:
    """Seed the demo; with `enrolled`, walk Contoso through enrollment and partner it (and, unless told
    otherwise, make Tailspin Toys its indirect customer with Fabrikam). Returns ids pages are addressed by."""
    call_command("seed_demo", stdout=io.StringIO())
    contoso, fabrikam, northwind = _profile(CONTOSO), _profile(FABRIKAM), _profile(NORTHWIND)
    world = {
        "wingtip": Tenant.objects.get(default_domain=WINGTIP).id,
        "tailspin": Tenant.objects.get(default_domain=TAILSPIN).id,
    }
    if not enrolled:
        return world
    admin = User.objects.get(email="admin@contoso.example")
    enrollment = enrollment_submit(profile=contoso, user=admin)
    enrollment.refresh_from_db()  # the approval job may have run already (immediate policy, eager tasks)
    if enrollment.state == EnrollmentState.PENDING_APPROVAL:
        enrollment_approve(enrollment_id=enrollment.pk, actor_label="ops")
    enrollment_accept_agreement(profile=contoso, user=admin)
    Partnership.objects.get_or_create(provider=fabrikam, reseller=contoso)
    if tailspin_related:
        ResellerRelationship.objects.get_or_create(
            customer=CustomerAccount.objects.get(tenant_id=world["tailspin"]),
            partner=contoso,
            kind="indirect",
            defaults={
                "provider": fabrikam,
                "delegated_admin": True,
                "source": "invitation",
                "established_at": clock.now(),
            },
        )
    northwind_admin = User.objects.get(email="admin@northwind.example")
    partner_invitation, token = invitation_create(provider=northwind, user=northwind_admin)
    subject, body = email_draft(invitation=partner_invitation, token=token)
    invitation_send(
        provider=northwind,
        invitation_id=partner_invitation.pk,
        user=northwind_admin,
        token=token,
        to=admin.email,
        subject=subject,
        body=body,
    )
    customer_invitation, _token = customer_invitation_create(reseller=contoso, user=admin, provider=fabrikam)
    world.update(partner_invitation=partner_invitation.pk, customer_invitation=customer_invitation.pk)
    return world
