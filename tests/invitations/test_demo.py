"""Right after seed_demo: Fabrikam and Northwind are in the directory; Fabrikam's admin can invite Contoso,
which must enroll before it can accept."""

import pytest
from django.core.management import call_command
from django.test import Client

from invitations import services
from invitations.selectors import provider_directory
from partnercenter.errors import DomainError
from tenants.models import PartnerProfile, Partnership, Program, User
from tenants.services import program_join

pytestmark = pytest.mark.django_db


def test_seed_demo_providers_and_first_invitation():
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)  # idempotent
    names = [p.legal_name for p in provider_directory()]
    assert names == ["Fabrikam Distribution Inc.", "Northwind Traders GmbH"]
    fabrikam = PartnerProfile.objects.get(tenant__default_domain="fabrikamdistribution.onmicrosoft.com")
    assert fabrikam.offers_training and fabrikam.offers_marketing and fabrikam.offers_financing
    assert not Partnership.objects.exists()

    fab_admin = User.objects.get(email="admin@fabrikam.example")
    invitation, token = services.invitation_create(provider=fabrikam, user=fab_admin)
    subject, body = services.email_draft(invitation=invitation, token=token)
    services.invitation_send(
        provider=fabrikam,
        invitation_id=invitation.pk,
        user=fab_admin,
        token=token,
        to="admin@contoso.example",
        subject=subject,
        body=body,
    )
    contoso_admin = User.objects.get(email="admin@contoso.example")
    client = Client()
    client.force_login(contoso_admin)
    page = client.get(f"/invitations/partner/{token}/").content.decode()
    assert "Fabrikam Distribution Inc." in page
    # Contoso is a direct-bill partner that has not enrolled yet: it is told to enroll first
    assert "enroll as an indirect reseller first" in page
    with pytest.raises(DomainError):
        services.invitation_accept(token=token, user=contoso_admin)
    program_join(profile=contoso_admin.tenant.partner_profile, program=Program.INDIRECT_RESELLER)
    services.invitation_accept(token=token, user=contoso_admin)
    assert Partnership.objects.filter(provider=fabrikam, status="active").count() == 1
