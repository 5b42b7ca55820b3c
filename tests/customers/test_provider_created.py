"""R13: the provider creates the customer's tenant for a partnered reseller; resellers cannot."""

import pytest
from django.test import Client

from customers.models import CustomerAccount, CustomerUser, ResellerRelationship
from customers.services import customer_create_for_reseller
from partnercenter.errors import DomainError
from tenants.models import Tenant, User
from tests.customers.factories import make_partnered, make_reseller
from tests.factories import make_provider

pytestmark = pytest.mark.django_db


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _counts():
    return (
        Tenant.objects.count(),
        User.objects.count(),
        CustomerAccount.objects.count(),
        ResellerRelationship.objects.count(),
        CustomerUser.objects.count(),
    )


def test_provider_creates_a_customer_that_appears_in_the_resellers_list():
    reseller, ruser, provider, puser = make_partnered()
    c = _client(puser)
    assert c.get(f"/customers/new/?reseller={reseller.pk}").status_code == 200
    resp = c.post(
        "/customers/new/",
        {
            "reseller": reseller.pk,
            "company_name": "Adatum Corp",
            "domain_prefix": "adatum",
            "first_name": "Ada",
        },
    )
    assert resp.status_code == 201
    html = resp.content.decode()
    assert "admin@adatum.onmicrosoft.com" in html and 'data-testid="admin-password"' in html
    tenant = Tenant.objects.get(default_domain="adatum.onmicrosoft.com")
    assert tenant.kind == "customer"
    rel = ResellerRelationship.objects.get(customer__tenant=tenant)
    assert (rel.kind, rel.partner, rel.provider, rel.source) == (
        "indirect",
        reseller,
        provider,
        "provider_created",
    )
    admin = User.objects.get(tenant=tenant)
    assert admin.is_global_admin
    listing = _client(ruser).get("/customers/").content.decode()
    assert "Adatum Corp" in listing and 'data-badge="indirect"' in listing


def test_reseller_has_no_create_button_and_is_refused():
    reseller, ruser, provider, _puser = make_partnered()
    c = _client(ruser)
    assert 'data-testid="create-customer"' not in c.get("/customers/").content.decode()
    before = _counts()
    assert c.get("/customers/new/").status_code == 403
    resp = c.post("/customers/new/", {"reseller": reseller.pk, "company_name": "X", "domain_prefix": "xco"})
    assert resp.status_code == 403 and "(R13)" not in resp.content.decode()
    with pytest.raises(DomainError) as exc:
        customer_create_for_reseller(
            provider=reseller, user=ruser, reseller=reseller, company_name="X", domain_prefix="xco"
        )
    assert exc.value.rule == "R13" and exc.value.status == 403
    assert _counts() == before


def test_unpartnered_reseller_is_an_error():
    _reseller, _ruser, provider, puser = make_partnered()
    stranger, _s = make_reseller()
    before = _counts()
    resp = _client(puser).post(
        "/customers/new/", {"reseller": stranger.pk, "company_name": "Nope", "domain_prefix": "nope"}
    )
    assert resp.status_code == 400  # not a choice: only partnered resellers are offered
    with pytest.raises(DomainError) as exc:
        customer_create_for_reseller(
            provider=provider, user=puser, reseller=stranger, company_name="Nope", domain_prefix="nope"
        )
    assert exc.value.status == 400 and exc.value.rule == "R13"
    assert _counts() == before


def test_taken_domain_and_bad_prefix_change_nothing():
    reseller, _ruser, provider, puser = make_partnered()
    customer_create_for_reseller(
        provider=provider, user=puser, reseller=reseller, company_name="A", domain_prefix="dup"
    )
    before = _counts()
    for prefix in ("dup", "Bad Prefix!", ""):
        with pytest.raises(DomainError):
            customer_create_for_reseller(
                provider=provider, user=puser, reseller=reseller, company_name="B", domain_prefix=prefix
            )
    resp = _client(puser).post(
        "/customers/new/", {"reseller": reseller.pk, "company_name": "B", "domain_prefix": "dup"}
    )
    assert resp.status_code == 400 and "already taken" in resp.content.decode()
    assert _counts() == before


def test_another_provider_cannot_create_for_someone_elses_reseller():
    reseller, _ruser, _provider, _puser = make_partnered()
    other, ouser = make_provider()
    with pytest.raises(DomainError):
        customer_create_for_reseller(
            provider=other, user=ouser, reseller=reseller, company_name="Z", domain_prefix="zz"
        )


def test_providers_reseller_list_links_to_create_and_view_customers_of_that_reseller():
    """SPEC §7: the provider's Indirect resellers page offers "create customer for a reseller"; the
    customers list narrows to one reseller's customers."""
    reseller, _ruser, provider, puser = make_partnered()
    other_reseller, _ouser, _p, _pu = make_partnered()
    from tenants.models import Partnership

    Partnership.objects.create(provider=provider, reseller=other_reseller)
    mine = customer_create_for_reseller(
        provider=provider, user=puser, reseller=reseller, company_name="Adatum Corp", domain_prefix="adatum"
    )[0]
    customer_create_for_reseller(
        provider=provider,
        user=puser,
        reseller=other_reseller,
        company_name="Proseware",
        domain_prefix="proseware",
    )
    c = _client(puser)
    page = c.get("/indirect-resellers/").content.decode()
    assert f"/customers/new/?reseller={reseller.pk}" in page
    assert f"/customers/?reseller={reseller.pk}" in page
    narrowed = c.get(f"/customers/?reseller={reseller.pk}").content.decode()
    assert mine.company_name in narrowed and "Proseware" not in narrowed
    assert 'data-testid="reseller-filter"' in narrowed
    everyone = c.get("/customers/").content.decode()
    assert "Adatum Corp" in everyone and "Proseware" in everyone
    # A reseller id that is not this provider's partner narrows nothing and leaks nothing.
    stranger, _s = make_reseller()
    assert "Proseware" in c.get(f"/customers/?reseller={stranger.pk}").content.decode()
