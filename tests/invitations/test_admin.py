"""Ops: invitations in Django admin, read-mostly, with history; revoke goes through the service."""

import pytest
from django.test import Client

from invitations.models import PartnerInvitation
from partnercenter.models import Event
from tenants.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def ops():
    client = Client()
    client.force_login(User.objects.create_superuser("ops@example.com", "x-password-123"))
    return client


def test_admin_lists_and_shows_history(ops, new_invitation):
    invitation, token = new_invitation()
    listing = ops.get("/admin/invitations/partnerinvitation/")
    assert listing.status_code == 200
    page = ops.get(f"/admin/invitations/partnerinvitation/{invitation.pk}/change/").content.decode()
    assert "partner_invitation.created" in page
    assert invitation.token_hash not in page and token not in page
    assert ops.get("/admin/invitations/partnerinvitation/add/").status_code == 403


def test_admin_revoke_button_uses_the_service(ops, new_invitation):
    invitation, _ = new_invitation()
    response = ops.post(
        f"/admin/invitations/partnerinvitation/{invitation.pk}/change/",
        {"_fsm_transition_to": "revoke"},
    )
    assert response.status_code == 302
    assert PartnerInvitation.objects.get(pk=invitation.pk).status == "revoked"
    assert Event.objects.filter(kind="partner_invitation.revoked", object_id=str(invitation.pk)).exists()


def test_admin_bulk_revoke(ops, new_invitation):
    a, _ = new_invitation()
    b, _ = new_invitation()
    ops.post(
        "/admin/invitations/partnerinvitation/",
        {"action": "revoke_invitations", "_selected_action": [a.pk, b.pk]},
    )
    assert set(PartnerInvitation.objects.values_list("status", flat=True)) == {"revoked"}
