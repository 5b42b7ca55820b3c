"""The main journey in Korean, in Chromium: a browser asking for Korean gets every page of the direct-bill
partner's transition in Korean, with no English UI text left.

The check reads each page's visible text (`innerText`) and looks for Latin-script words. What may stay in
Latin script is data (the partner's and customers' names, emails, domains, MPN IDs, product names from the
catalog) and a short list of product names and abbreviations the Korean Partner Center also writes in Latin
script (Microsoft, CSP, MPN, API, Azure AD...). Anything else is an untranslated label.
"""

from __future__ import annotations

import re

import pytest

from customers.models import Offer
from enrollment.models import Enrollment, EnrollmentState
from partnercenter import jobs
from partnercenter.models import ScheduledJob
from tenants.models import Partnership, Program
from tests.customers.factories import make_customer, relate
from tests.factories import PASSWORD, make_partner

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Written in Latin script in the Korean Partner Center too: brands, product names and abbreviations.
KEPT = {
    "microsoft", "partner", "center", "csp", "mpn", "id", "api", "azure", "ad", "aad", "rest", "json", "url",
    "office", "dynamics", "exchange", "online", "teams", "onedrive", "windows", "sql", "server", "usd", "krw",
    "tb", "gb", "plan", "ko", "en", "onmicrosoft", "com", "example", "bearer", "openapi", "csv", "ok",
    "modern", "work",  # the "Modern Work" solution area, a Microsoft name
}  # fmt: skip
WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")


def _data_words(*texts: str) -> set[str]:
    return {w.lower() for text in texts for w in WORD.findall(text or "")}


def _data_in_the_database() -> set[str]:
    """Every name the pages may show as data: people, organizations, cities, products."""
    from customers.models import CustomerAccount, CustomerUser
    from tenants.models import PartnerProfile, Tenant, User

    texts = [
        *User.objects.values_list("display_name", flat=True),
        *Tenant.objects.values_list("display_name", flat=True),
        *PartnerProfile.objects.values_list("legal_name", flat=True),
        *PartnerProfile.objects.values_list("city", flat=True),
        *CustomerAccount.objects.values_list("company_name", flat=True),
        *CustomerAccount.objects.values_list("city", flat=True),
        *CustomerUser.objects.values_list("display_name", flat=True),
        *Offer.objects.values_list("name", flat=True),
    ]
    return _data_words(*texts)


def _english_left(page, allowed: set[str]) -> list[str]:
    # Code samples (`Authorization: Bearer <key>`) are code, not UI text: read the page without them.
    text = page.evaluate(
        """() => {
            const hidden = [...document.querySelectorAll("code, pre, kbd")];
            const before = hidden.map((el) => el.style.display);
            hidden.forEach((el) => { el.style.display = "none"; });
            const text = document.body.innerText;
            hidden.forEach((el, i) => { el.style.display = before[i]; });
            return text;
        }"""
    )
    text = re.sub(r"\S+@\S+", " ", text)  # emails
    text = re.sub(r"\b[\w.-]+\.(?:com|example|net|org)\b", " ", text)  # domains
    text = re.sub(r"\b[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}\b", " ", text)  # tenant ids
    allowed = allowed | KEPT | _data_in_the_database()
    return sorted({w for w in WORD.findall(text) if w.lower() not in allowed})


def test_the_transition_journey_is_all_korean(browser, live_server, settings):
    settings.PORTAL_BASE_URL = live_server.url
    settings.ENROLLMENT_APPROVAL_POLICY = "immediate"
    profile, admin = make_partner(Program.DIRECT_BILL, offboarding=True)
    provider, _provider_admin = make_partner(Program.INDIRECT_PROVIDER)
    customer, _ = make_customer(name="Woodgrove Bank")
    relate(customer, profile, kind="direct")
    allowed = _data_words(
        profile.legal_name,
        profile.tenant.display_name,
        admin.display_name,
        provider.legal_name,
        customer.display_name,
        profile.city,
        provider.city,
        " ".join(Offer.objects.values_list("name", flat=True)),
    )

    context = browser.new_context(base_url=live_server.url, locale="ko-KR", extra_http_headers={})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/signin/")
    found: dict[str, list[str]] = {}

    def check(name: str) -> None:
        page.wait_for_load_state("domcontentloaded")
        assert page.evaluate("() => document.documentElement.lang") == "ko", name
        left = _english_left(page, allowed)
        if left:
            found[name] = left

    check("sign in")
    page.locator("#id_username").fill(admin.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").first.click()
    check("overview")
    page.locator('[data-nav="profile"]').click()
    check("profile")
    page.locator('[data-nav="enrollment:enroll"]').click()
    check("enrollment")
    page.locator("#enroll-form input[type=checkbox]").first.check()
    page.locator("#enroll-now").click()
    page.get_by_test_id("enrollment-status").wait_for()
    enrollment = Enrollment.objects.get(partner=profile)
    if enrollment.state == EnrollmentState.PENDING_APPROVAL:
        job = ScheduledJob.objects.get(kind="enrollment.approve", object_id=str(enrollment.pk))
        assert jobs.job_run(job.pk)
    page.goto("/enrollment/")
    check("enrollment approved")
    page.goto("/")
    check("overview with the agreement")
    page.get_by_test_id("agreement-card").locator("button[type=submit]").click()
    page.wait_for_load_state("domcontentloaded")
    check("agreement accepted")
    Partnership.objects.create(provider=provider, reseller=profile)
    for nav in (
        "invitations:indirect_providers",
        "invitations:find_provider",
        "customers:list",
        "enrollment:incentives",
        "api_keys",
        "why",
    ):
        page.goto("/")
        page.locator(f'[data-nav="{nav}"]').first.click()
        check(nav)
    page.goto(f"/customers/{customer.id}/")
    check("customer detail")
    context.close()
    assert not found, "English left on Korean pages:\n" + "\n".join(f"{k}: {v}" for k, v in found.items())
