"""Countries: ISO codes for the API, localized names for pages, one list for every form."""

import pytest

from partnercenter import countries
from tenants.api import country_code
from tenants.forms import PartnerProfileForm
from tests.factories import make_direct_bill_partner


@pytest.mark.parametrize(
    ("value", "code"),
    [("KR", "KR"), ("kr", "KR"), ("Korea", "KR"), ("South Korea", "KR"), (" united  states ", "US"),
     ("Iceland", "IS"), ("IS", "IS"), ("UK", "GB"), ("Atlantis", None), ("", None), (None, None)],
)  # fmt: skip
def test_code_of_a_stored_code_or_name(value, code):
    assert countries.code(value) == code
    assert country_code(value) == code  # the API answers every ISO code, not a short list


def test_names_follow_the_language():
    assert countries.name("KR", "en") == "South Korea"
    assert countries.name("KR", "ko") == "대한민국"
    assert countries.name("Atlantis", "ko") == "Atlantis"  # not a country: shown as stored
    korean = dict(countries.choices("ko"))
    assert len(korean) == 249 and korean["US"] == "미국"


@pytest.mark.django_db
def test_the_profile_form_lists_countries_and_reads_a_name_as_its_code():
    profile, _user = make_direct_bill_partner()
    form = PartnerProfileForm(instance=profile)
    assert form.initial["country"] == "US"  # stored before as "United States"
    data = {
        "legal_name": profile.legal_name,
        "mpn_id": profile.mpn_id,
        "primary_contact_email": profile.primary_contact_email,
        "mpn_account_email": profile.mpn_account_email,
        "country": "Korea",
        "region": profile.region,
        "city": "Seoul",
    }
    form = PartnerProfileForm(data, instance=profile)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["country"] == "KR"
    assert not PartnerProfileForm({**data, "country": "Atlantis"}, instance=profile).is_valid()
