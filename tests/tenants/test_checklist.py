"""The Overview's transition checklist: Enroll -> Accept the agreement -> Partner with a provider -> Invite or
move customers, each step done, current or next with a link, "n of 4 done"; only for a direct-bill partner
on that path (the steps are contributed by the enrollment, invitations and customers apps)."""

import re

import pytest
from django.urls import reverse

from customers.catalog import offers_seed
from enrollment import services as enrollment_services
from tenants.models import Partnership, Program, Role
from tests.customers.factories import make_customer, relate
from tests.factories import CustomerTenantFactory, UserFactory, make_partner

pytestmark = pytest.mark.django_db


def checklist(client) -> str:
    body = client.get("/").content.decode()
    if 'data-testid="transition-checklist"' not in body:
        return ""
    start = body.index('data-testid="transition-checklist"')
    return body[start : body.index("</section>", start)]


def marks(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-step="(\w+)" data-mark="(\w+)"', html))


def step(html: str, name: str) -> str:
    start = html.index(f'data-step="{name}"')
    return html[start : html.index("</li>", start)]


def test_the_whole_path_step_by_step(client, settings):
    settings.ENROLLMENT_APPROVAL_POLICY = "manual"
    profile, admin = make_partner(Program.DIRECT_BILL, offboarding=True, confirmed=True)
    client.force_login(admin)

    html = checklist(client)
    assert "0 of 4 done" in html
    assert marks(html) == {"enroll": "current", "agreement": "next", "provider": "next", "customers": "next"}
    assert 'href="/enrollment/"' in step(html, "enroll") and 'aria-current="step"' in step(html, "enroll")

    enrollment = enrollment_services.enrollment_submit(profile=profile, user=admin)
    html = checklist(client)
    assert "1 of 4 done" in html
    assert marks(html)["enroll"] == "done" and marks(html)["agreement"] == "current"
    assert "once your enrollment is approved (expected by" in step(html, "agreement")

    enrollment_services.enrollment_approve(enrollment_id=enrollment.pk, actor=None)
    html = checklist(client)
    assert 'href="#agreement-title"' in step(html, "agreement")

    enrollment_services.enrollment_accept_agreement(profile=profile, user=admin)
    html = checklist(client)
    assert "2 of 4 done" in html and marks(html)["provider"] == "current"
    assert f'href="{reverse("invitations:find_provider")}"' in step(html, "provider")

    provider, _provider_user = make_partner(Program.INDIRECT_PROVIDER)
    Partnership.objects.create(provider=provider, reseller=profile)
    html = checklist(client)
    assert "3 of 4 done" in html and marks(html)["customers"] == "current"
    assert f'href="{reverse("customers:invite")}"' in step(html, "customers")
    assert "direct-bill customers move" in step(html, "customers")

    offers_seed()
    tenant, _user = make_customer()
    relate(tenant, profile, kind="indirect", provider=provider)
    html = checklist(client)
    assert "4 of 4 done" in html and set(marks(html).values()) == {"done"}
    assert "You are an indirect reseller" in html


def test_a_rejected_enrollment_makes_enroll_current_again_with_the_reason(client, settings):
    settings.ENROLLMENT_APPROVAL_POLICY = "manual"
    profile, admin = make_partner(Program.DIRECT_BILL, offboarding=True, confirmed=True)
    enrollment = enrollment_services.enrollment_submit(profile=profile, user=admin)
    enrollment_services.enrollment_reject(enrollment_id=enrollment.pk, actor=None, reason="MPN ID unknown")
    client.force_login(admin)
    html = checklist(client)
    assert "0 of 4 done" in html and marks(html)["enroll"] == "current"
    assert "MPN ID unknown" in step(html, "enroll")


def test_the_copy_fits_a_role_that_cannot_enroll(client):
    profile, _admin = make_partner(Program.DIRECT_BILL, offboarding=True, confirmed=True)
    sales = UserFactory(tenant=profile.tenant, role=Role.SALES_AGENT)
    client.force_login(sales)
    assert "A global admin of your organization enrolls." in step(checklist(client), "enroll")


@pytest.mark.parametrize(
    "who",
    ["provider", "customer", "direct_bill_not_identified"],
)
def test_providers_customers_and_partners_off_the_path_see_no_checklist(client, who):
    if who == "provider":
        _profile, user = make_partner(Program.INDIRECT_PROVIDER)
    elif who == "customer":
        user = UserFactory(tenant=CustomerTenantFactory())
    else:
        _profile, user = make_partner(Program.DIRECT_BILL, offboarding=False)
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    assert checklist(client) == ""
