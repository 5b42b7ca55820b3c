"""Numbers people read, in the page's language: `{{ amount|money:currency }}` ("1,234.50 USD", the
language's separators, the currency's decimals), `{{ amount|money_amount:currency }}` (the number alone,
for a sentence that names the currency itself), and `pluck` for membership tests in templates."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

from partnercenter import countries

register = template.Library()

# ISO 4217 minor units of the currencies whose prices have no cents; every other currency has two.
ZERO_DECIMAL_CURRENCIES = frozenset({"JPY", "KRW", "VND", "CLP", "ISK", "UGX", "XAF", "XOF"})


def _decimals(currency: str) -> int:
    return 0 if (currency or "").upper() in ZERO_DECIMAL_CURRENCIES else 2


@register.filter
def money_amount(value, currency: str = "") -> str:
    """`value` with the currency's decimals and the active language's separators and grouping."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    places = _decimals(currency)
    amount = amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return number_format(amount, decimal_pos=places, use_l10n=True, force_grouping=True)


@register.filter
def money(value, currency: str = "") -> str:
    """An amount with its currency code: "1,234.50 USD"."""
    amount = money_amount(value, currency)
    if not amount:
        return ""
    return f"{amount} {currency.upper()}" if currency else amount


@register.filter
def pluck(items, attribute: str) -> list:
    """The `attribute` of each item: `{% if s.pk in u.licenses.all|pluck:"subscription_id" %}` (reads a
    prefetched relation without a query)."""
    return [getattr(item, attribute, None) for item in (items or [])]


@register.filter
def country_name(value) -> str:
    """A stored country (ISO code, or a name typed before) as its name in the page's language."""
    return countries.name(value)
