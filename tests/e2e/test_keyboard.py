"""The journeys with the keyboard alone (Tab, Enter, Space, the arrow keys, Escape), in English and in Korean:
every control is reached by Tab with a visible focus ring, and activated without a mouse.

- Enrollment: sign in → Enroll as an indirect reseller → tick the no-rollback box → Enroll now → Overview →
  Accept and continue → Indirect providers appears in the navigation.
- Partner invitation: the provider requests a reseller relationship and sends the draft; the reseller
  accepts another provider's invitation on Indirect providers.
- Customers: the reseller invites a customer with its provider, the customer's global admin authorizes, the
  provider places the first order.
- On a phone the navigation opens from the menu button, by keyboard, and Escape closes it.

With PORTAL_SCREENSHOTS=<directory> each step is also saved as a PNG at 1280 px and at 390 px (the
screenshots of docs/screenshots.md are made this way)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from enrollment.models import Enrollment, EnrollmentState
from invitations.models import PartnerInvitation
from partnercenter import jobs
from partnercenter.models import ScheduledJob
from tenants import demo
from tenants.models import PartnerProfile, Partnership, Program
from tests.e2e.demo_world import CONTOSO, NORTHWIND, build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ["en", "ko"]


class Keyboard:
    """Drives a page with keys only and saves the journey's screenshots when asked to."""

    def __init__(self, page, journey: str, language: str):
        self.page, self.journey, self.language = page, journey, language
        self.step = 0
        target = os.environ.get("PORTAL_SCREENSHOTS")
        self.shots = (ROOT / target if not os.path.isabs(target) else Path(target)) if target else None

    def tab_to(self, selector: str, limit: int = 80, backwards: bool = False):
        """Press Tab until the focused element matches `selector` (no key when it already has the focus);
        it must show a focus ring."""
        for attempt in range(limit):
            if attempt:
                self.page.keyboard.press("Shift+Tab" if backwards else "Tab")
            if self.page.evaluate(
                "(s) => !!document.activeElement && document.activeElement.matches(s)", selector
            ):
                ring = self.page.evaluate(
                    """() => { const s = getComputedStyle(document.activeElement);
                      return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none'; }"""
                )
                assert ring, f"{selector} has no visible focus style"
                return
        pytest.fail(f"Tab never reached {selector} on {self.page.url}")

    def press(self, selector: str, key: str = "Enter"):
        self.tab_to(selector)
        with self.page.expect_navigation():
            self.page.keyboard.press(key)

    def type_into(self, selector: str, text: str):
        self.tab_to(selector)
        self.page.keyboard.press("Control+A")
        self.page.keyboard.type(text)

    def shot(self, name: str):
        if self.shots is None:
            return
        self.shots.mkdir(parents=True, exist_ok=True)
        self.step += 1
        stem = f"{self.journey}-{self.step:02d}-{name}-{self.language}"
        size = self.page.viewport_size
        for label, width in (("desktop", 1280), ("phone", 390)):
            self.page.set_viewport_size({"width": width, "height": 800 if width > 400 else 844})
            self.page.screenshot(path=str(self.shots / f"{stem}-{label}.png"), full_page=True)
        self.page.set_viewport_size(size)

    def sign_in(self, email: str, password: str):
        self.page.goto("/signin/")
        self.type_into("#id_username", email)
        self.type_into("#id_password", password)
        self.press("form button[type=submit]")


@pytest.fixture
def keys(page, live_server, request):
    def start(journey: str, language: str) -> Keyboard:
        page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        page.set_viewport_size({"width": 1280, "height": 800})
        return Keyboard(page, journey, language)

    return start


@pytest.mark.parametrize("language", LANGUAGES)
def test_enrollment_journey_with_the_keyboard_alone(keys, page, settings, language):
    settings.ENROLLMENT_APPROVAL_POLICY = "immediate"
    build_world(enrolled=False)
    kb = keys("enrollment", language)
    kb.page.goto("/signin/")
    kb.shot("sign-in")
    kb.sign_in("admin@contoso.example", demo.demo_password())
    assert page.locator("html").get_attribute("lang") == language
    kb.shot("overview")

    kb.press('[data-nav="enrollment:enroll"]')
    kb.shot("enroll")
    kb.tab_to("#enroll-form input[type=checkbox]")
    page.keyboard.press("Space")
    assert page.locator("#enroll-form input[type=checkbox]").is_checked()
    kb.press("#enroll-now")
    profile = PartnerProfile.objects.get(tenant__default_domain=CONTOSO)
    enrollment = Enrollment.objects.get(partner=profile)
    if enrollment.state == EnrollmentState.PENDING_APPROVAL:  # no worker took the on-commit publish
        assert jobs.job_run(
            ScheduledJob.objects.get(kind="enrollment.approve", object_id=str(enrollment.pk)).pk
        )
        page.reload()
    enrollment.refresh_from_db()
    assert enrollment.state == EnrollmentState.APPROVED
    kb.shot("approved")

    kb.press('[data-nav="overview"]')
    kb.shot("agreement")
    kb.press('[data-testid="agreement-card"] button[type=submit]', key="Space")
    assert set(profile.programs.values_list("program", flat=True)) == {
        Program.DIRECT_BILL,
        Program.INDIRECT_RESELLER,
    }
    kb.shot("indirect-reseller")
    kb.press('[data-nav="invitations:indirect_providers"]')
    assert page.url.endswith("/indirect-providers/")


@pytest.mark.parametrize("language", LANGUAGES)
def test_invitation_journey_with_the_keyboard_alone(keys, page, language):
    build_world(enrolled=True)
    kb = keys("invitation", language)

    # The provider: Indirect resellers → Request a reseller relationship → recipient → Send
    kb.sign_in("admin@fabrikam.example", demo.demo_password())
    kb.press('[data-nav="invitations:indirect_resellers"]')
    kb.shot("indirect-resellers")
    kb.press('a[href$="/indirect-resellers/request/"], form[action$="/indirect-resellers/request/"] button')
    kb.shot("draft")
    kb.type_into("#draft-form input[name=to]", "new-reseller@reseller.example")
    kb.press("#send-invitation")
    assert (
        PartnerInvitation.objects.filter(email="new-reseller@reseller.example").exclude(sent_at=None).exists()
    )
    kb.shot("sent")
    kb.press(".topbar form button[type=submit]")

    # The reseller: Indirect providers → Accept Northwind's invitation
    kb.sign_in("admin@contoso.example", demo.demo_password())
    kb.press('[data-nav="invitations:indirect_providers"]')
    kb.shot("waiting")
    kb.press("button[name=action][value=accept]")
    northwind = PartnerProfile.objects.get(tenant__default_domain=NORTHWIND)
    assert Partnership.objects.filter(provider=northwind, reseller__tenant__default_domain=CONTOSO).exists()
    kb.shot("accepted")


def test_on_a_phone_the_menu_opens_and_closes_with_the_keyboard(keys, page):
    build_world(enrolled=False)
    kb = keys("phone-menu", "en")
    page.set_viewport_size({"width": 390, "height": 844})
    kb.sign_in("admin@contoso.example", demo.demo_password())
    nav = page.locator("#leftnav")
    assert not nav.is_visible()
    kb.tab_to("[data-nav-toggle]")
    page.keyboard.press("Enter")
    assert nav.is_visible() and page.locator("[data-nav-toggle]").get_attribute("aria-expanded") == "true"
    kb.tab_to('[data-nav="profile"]')  # the links follow the button in tab order
    page.keyboard.press("Escape")
    assert not nav.is_visible()
    assert page.evaluate("document.activeElement.matches('[data-nav-toggle]')")  # focus returns to the button
    page.keyboard.press("Space")
    assert nav.is_visible()
    kb.press('[data-nav="profile"]')
    assert page.url.endswith("/profile/")


@pytest.mark.parametrize("language", LANGUAGES)
def test_customer_journey_with_the_keyboard_alone(keys, page, language):
    from customers.models import ResellerRelationship, Subscription
    from tenants.models import Tenant

    world = build_world(enrolled=True, tailspin_related=False)
    tailspin = Tenant.objects.get(pk=world["tailspin"])
    kb = keys("customers", language)

    # The reseller: Customers → Invite new customers → (its provider) → draft → Done
    kb.sign_in("admin@contoso.example", demo.demo_password())
    kb.press('[data-nav="customers:list"]')
    kb.shot("customers")
    kb.press('.page-header a[href^="/customers/invite/"]')
    kb.shot("invite")
    kb.press("form button[type=submit].btn-primary")
    link = page.locator("#invitation-link").input_value()
    kb.shot("draft")
    kb.press("#draft-form button#done")
    kb.shot("invitation-ready")
    kb.press(".topbar form button[type=submit]")

    # The customer's global admin opens the link, signs in and authorizes
    page.goto(link)
    if page.locator("#id_username").count():
        kb.type_into("#id_username", "admin@tailspin.example")
        kb.type_into("#id_password", demo.demo_password())
        kb.press("form button[type=submit]")
    kb.shot("authorize")
    kb.press("button[name=action][value=accept]")
    assert ResellerRelationship.objects.filter(customer__tenant=tailspin, kind="indirect").exists()
    kb.shot("authorized")
    kb.press(".topbar form button[type=submit]")

    # The provider places the first order
    kb.sign_in("admin@fabrikam.example", demo.demo_password())
    kb.press('[data-nav="customers:list"]')
    kb.press(f'[data-customer="{tailspin.id}"] [data-action="place-order"]')
    kb.shot("order")
    kb.tab_to('[data-testid="offer-select"]')
    select = page.locator('[data-testid="offer-select"]')
    for _ in range(30):  # a closed list box moves to the next product on Arrow Down
        if select.input_value() == "CFQ7TTC0LH18:0001":
            break
        page.keyboard.press("ArrowDown")
    assert select.input_value() == "CFQ7TTC0LH18:0001"
    kb.type_into('input[name$="quantity"]', "3")
    kb.press("form button[type=submit].btn-primary")
    assert Subscription.objects.filter(customer__tenant=tailspin, quantity=3).exists()
    kb.shot("ordered")


def test_the_language_switcher_moves_with_the_arrows_and_applies_on_enter_or_a_click(keys, page):
    build_world(enrolled=False)
    kb = keys("language", "en")
    kb.sign_in("admin@contoso.example", demo.demo_password())
    kb.tab_to("#lang")
    page.keyboard.press("ArrowDown")  # moving through the options changes nothing yet
    page.wait_for_timeout(300)
    assert page.locator("html").get_attribute("lang") == "en" and page.locator("#lang").input_value() == "ko"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("html").get_attribute("lang") == "ko"
    assert page.url.endswith("/")  # the same page, now in Korean
    with page.expect_navigation():  # with the mouse the choice applies at once
        page.locator("#lang").select_option("en")
    assert page.locator("html").get_attribute("lang") == "en"
