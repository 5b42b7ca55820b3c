"""`manage.py create_api_token <email>` and `manage.py seed_demo`."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from tenants import demo
from tenants.models import ApiToken, PartnerProfile, Program, Tenant, User
from tests.factories import UserFactory, make_direct_bill_partner

pytestmark = pytest.mark.django_db


def test_create_api_token_prints_a_working_key():
    profile, user = make_direct_bill_partner()
    out = StringIO()
    call_command("create_api_token", user.email.upper(), "--name", "ci", stdout=out)
    key = out.getvalue().strip()
    token = ApiToken.objects.get(user=user)
    assert token.name == "ci" and key.startswith(token.prefix)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get("/v1/profiles/legalbusiness").json()["portal"]["mpnId"] == profile.mpn_id


def test_create_api_token_for_an_unknown_email_or_ops_user_fails_clearly():
    with pytest.raises(CommandError, match="No user with the email"):
        call_command("create_api_token", "nobody@example.com", stdout=StringIO())
    ops = UserFactory(tenant=None, role="", is_staff=True)
    with pytest.raises(CommandError, match="partner or customer tenant"):
        call_command("create_api_token", ops.email, stdout=StringIO())
    assert not ApiToken.objects.exists()


def test_seed_demo_creates_the_cast_and_is_idempotent():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    counts = (Tenant.objects.count(), User.objects.count(), PartnerProfile.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (Tenant.objects.count(), User.objects.count(), PartnerProfile.objects.count()) == counts
    for email, _who in demo.SIGN_INS:
        assert email in out.getvalue()
        assert User.objects.get(email=email).check_password(demo.DEMO_PASSWORD_DEFAULT)
    contoso = PartnerProfile.objects.get(tenant__default_domain="contoso.onmicrosoft.com")
    assert contoso.identified_for_offboarding and contoso.details_confirmed
    assert contoso.programs.filter(program=Program.DIRECT_BILL).exists()
    assert User.objects.get(email="admin@contoso.example").is_global_admin
    assert not User.objects.get(email="sales@contoso.example").is_global_admin
    assert User.objects.get(email="ops@portal.example").is_superuser
    fabrikam = PartnerProfile.objects.get(mpn_id="2345678")
    assert fabrikam.programs.filter(program=Program.INDIRECT_PROVIDER).exists()
    assert Tenant.objects.get(default_domain="litware.onmicrosoft.com").kind == Tenant.Kind.CUSTOMER
