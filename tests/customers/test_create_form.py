"""The create-customer form (R13): the domain field's .onmicrosoft.com suffix, pasted full domains, clear
messages for other domains, and the country/region chosen from ISO 3166-1 codes with localized names."""

import pytest
from django.test import Client
from django.utils import translation

from customers.forms import CustomerCreateForm
from customers.models import CustomerAccount
from partnercenter.countries import choices as country_choices
from tenants.models import Tenant
from tests.customers.factories import make_partnered

pytestmark = pytest.mark.django_db


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _form(domain, country=""):
    reseller, _ruser, provider, _puser = make_partnered()
    data = {"reseller": reseller.pk, "company_name": "Adatum", "domain_prefix": domain, "country": country}
    from customers.selectors import partnered_resellers

    return CustomerCreateForm(data, resellers=partnered_resellers(provider=provider))


def test_the_domain_field_shows_its_suffix_next_to_the_input():
    _reseller, _ruser, _provider, puser = make_partnered()
    html = _client(puser).get("/customers/new/").content.decode()
    start = html.index('name="domain_prefix"')
    after = html[start : start + 400]
    assert 'class="input-suffix"' in after and ".onmicrosoft.com</span>" in after
    assert 'aria-describedby="id_domain_prefix_helptext id_domain_prefix_suffix"' in html
    assert "css/input_suffix" in html


@pytest.mark.parametrize(
    "typed",
    [
        "contoso",
        "Contoso",
        "contoso.onmicrosoft.com",
        "  Contoso.OnMicrosoft.COM  ",
        "CONTOSO.ONMICROSOFT.COM\n",
    ],
)
def test_a_name_or_a_pasted_full_domain_is_accepted_and_normalized(typed):
    form = _form(typed)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["domain_prefix"] == "contoso"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("contoso.com", "Enter only the name that comes before .onmicrosoft.com"),
        ("mail.contoso.onmicrosoft.com", "Enter only the name that comes before .onmicrosoft.com"),
        ("con toso", "cannot contain spaces"),
        ("contoso_ltd", "Use only letters a to z, digits and hyphens"),
        ("café", "Use only letters a to z, digits and hyphens"),
        ("-contoso", "cannot start or end with a hyphen"),
        ("contoso-", "cannot start or end with a hyphen"),
        ("a" * 64, "at most 63 characters (it has 64)"),
        (".onmicrosoft.com", "This field is required"),
    ],
)
def test_other_domains_get_a_clear_message(typed, message):
    form = _form(typed)
    assert not form.is_valid()
    assert message in " ".join(form.errors["domain_prefix"])


def test_a_pasted_full_domain_creates_the_tenant_with_that_domain():
    reseller, _ruser, _provider, puser = make_partnered()
    response = _client(puser).post(
        "/customers/new/",
        {
            "reseller": reseller.pk,
            "company_name": "Adatum Corp",
            "domain_prefix": " Adatum.onmicrosoft.com ",
            "country": "KR",
        },
    )
    assert response.status_code == 201
    tenant = Tenant.objects.get(default_domain="adatum.onmicrosoft.com")
    assert CustomerAccount.objects.get(tenant=tenant).country == "KR"


def test_a_bad_domain_or_country_changes_nothing():
    reseller, _ruser, _provider, puser = make_partnered()
    before = Tenant.objects.count()
    for data in ({"domain_prefix": "contoso.com", "country": "US"}, {"domain_prefix": "ok", "country": "XX"}):
        response = _client(puser).post(
            "/customers/new/", {"reseller": reseller.pk, "company_name": "Adatum", **data}
        )
        assert response.status_code in (200, 400)
        assert 'data-testid="form-errors"' in response.content.decode()
    assert Tenant.objects.count() == before


def test_countries_are_iso_codes_with_localized_names():
    english = dict(country_choices("en"))
    assert len(english) == 249
    assert all(len(code) == 2 and code.isupper() for code in english)
    assert english["KR"] == "South Korea" and english["DE"] == "Germany"
    korean = dict(country_choices("ko"))
    assert korean["KR"] == "대한민국" and korean["US"] == "미국"
    assert set(korean) == set(english)


def test_the_form_lists_countries_in_the_users_language():
    _reseller, _ruser, _provider, puser = make_partnered()
    with translation.override("ko"):
        form = CustomerCreateForm(resellers=None)
        choices = dict(form.fields["country"].choices)
    assert choices["KR"] == "대한민국" and "" in choices
    html = _client(puser).get("/customers/new/").content.decode()
    assert '<option value="DE">Germany</option>' in html
