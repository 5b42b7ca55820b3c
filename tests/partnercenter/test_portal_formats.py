"""Amounts read in the page's language: separators and grouping from Django's formats, the currency's
decimals, the currency code beside the amount."""

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from partnercenter.templatetags.portal_formats import money, money_amount, pluck


@pytest.mark.parametrize("language", ["en", "ko"])
def test_money_groups_and_keeps_the_currencys_decimals(language):
    with translation.override(language):
        assert money(Decimal("1234567.5"), "usd") == "1,234,567.50 USD"
        assert money(Decimal("12"), "EUR") == "12.00 EUR"
        assert money(Decimal("15000.4"), "KRW") == "15,000 KRW"
        assert money_amount(Decimal("0.125"), "USD") == "0.13"


def test_money_of_nothing_is_empty_and_of_garbage_is_itself():
    assert money(None, "USD") == "" and money("", "USD") == ""
    assert money_amount("n/a", "USD") == "n/a"


def test_the_separators_follow_the_language(settings):
    settings.LANGUAGES = [("en", "English"), ("ko", "Korean"), ("de", "German")]
    with translation.override("de"):
        assert money(Decimal("1234.5"), "EUR") == "1.234,50 EUR"


def test_in_a_template_with_a_localized_date():
    template = Template('{% load portal_formats %}{{ p|money:"USD" }} · {{ d|date:"DATE_FORMAT" }}')
    context = Context({"p": Decimal("1999.9"), "d": dt.date(2026, 3, 5)})
    with translation.override("ko"):
        assert template.render(context) == "1,999.90 USD · 2026년 3월 5일"
    with translation.override("en"):
        assert template.render(context) == "1,999.90 USD · March 5, 2026"


def test_pluck():
    class Row:
        def __init__(self, value):
            self.subscription_id = value

    assert pluck([Row(1), Row(2)], "subscription_id") == [1, 2]
    assert pluck(None, "x") == []
