"""Countries: ISO 3166-1 alpha-2 codes (what the real API answers) and their names in the user's language
(pycountry's iso-codes catalogs, Korean included). Forms list `choices()`, the API answers `code(value)`,
pages show `name(value)`. A stored value may be a code or, in older rows, a name as typed."""

from __future__ import annotations

import functools
import gettext as gettext_module

import pycountry
from django import forms
from django.utils.translation import get_language

# Names people type that pycountry's lookup does not know (it knows codes, names and official names).
ALIASES = {
    "korea": "KR",
    "south korea": "KR",
    "republic of korea": "KR",
    "uk": "GB",
    "great britain": "GB",
    "england": "GB",
    "usa": "US",
    "united states of america": "US",
    "uae": "AE",
    "the netherlands": "NL",
    "czech republic": "CZ",
    "türkiye": "TR",
    "turkey": "TR",
    "vietnam": "VN",
    "taiwan": "TW",
    "russia": "RU",
}


@functools.lru_cache(maxsize=1024)
def code(value: str | None) -> str | None:
    """The ISO 3166-1 alpha-2 code of a stored code or name; None when it is no country."""
    key = " ".join((value or "").split())
    if not key:
        return None
    alias = ALIASES.get(key.casefold())
    if alias:
        return alias
    try:
        return pycountry.countries.lookup(key).alpha_2
    except LookupError:
        return None


@functools.lru_cache(maxsize=16)
def _translator(language: str):
    try:
        return gettext_module.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language]).gettext
    except OSError:
        return str


def _label(country, translate) -> str:
    # The short name people use ("South Korea") where there is one, else the official short name; each
    # translated when the language has it.
    common = getattr(country, "common_name", None)
    for english in (common, country.name):
        if english and translate(english) != english:
            return translate(english)
    return common or country.name


def _language(language: str | None) -> str:
    return (language or get_language() or "en").split("-")[0]


@functools.lru_cache(maxsize=16)
def _choices(language: str) -> tuple[tuple[str, str], ...]:
    translate = _translator(language)
    rows = [(c.alpha_2, _label(c, translate)) for c in pycountry.countries]
    return tuple(sorted(rows, key=lambda row: row[1].casefold()))


def choices(language: str | None = None) -> list[tuple[str, str]]:
    """(code, localized name) for every country, sorted by name in `language` (the active one)."""
    return list(_choices(_language(language)))


def name(value: str | None, language: str | None = None) -> str:
    """The localized name of a stored code or name; the value itself when it is no known country."""
    iso = code(value)
    if iso is None:
        return value or ""
    country = pycountry.countries.get(alpha_2=iso)
    return _label(country, _translator(_language(language)))


class CountryField(forms.ChoiceField):
    """A country chosen from the list (ISO codes, localized names). A name or a lower-case code sent
    instead ("Korea", "united states", "kr") is read as the country it names."""

    def __init__(self, *, blank_label: str = "—", **kwargs):
        kwargs.setdefault("choices", lambda: [("", blank_label), *choices()])
        kwargs.setdefault("widget", forms.Select(attrs={"autocomplete": "country"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return (code(value) or value) if value else value
