"""Every page of every role, in Chromium, on a 390 px phone and a 1366 px laptop: nothing scrolls sideways
(tables stack into labelled rows on the phone, no table needs a horizontal scrollbar on the laptop), the
primary actions are on screen, and axe-core finds no serious or critical accessibility violation.

The pages are found, not listed: from each role's start pages the test follows every same-site link and
visits one page per URL pattern (the first customer, the first invitation...), so a new page is checked the
day it is linked. Ops' Django admin pages are listed (index, changelists and change forms of the records
ops work with)."""

from __future__ import annotations

import json
import os
import re
from collections import deque
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve

from tenants import demo
from tests.e2e.demo_world import build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
PHONE, LAPTOP = 390, 1366
MAX_PAGES = 40  # per role: far more than any role has; a crawl that runs away fails instead of hanging

# Never followed: they change state, leave the portal, or serve no page of ours (third-party API viewers).
SKIP = re.compile(r"^/(signout/|i18n/|static/|v1/(schema|swagger|redoc)|v1/(?!docs$))")

ROLES = {
    # role: (who signs in, None for nobody; has Contoso enrolled and partnered?; language; pages it must reach)
    "direct-bill partner before enrolling": (
        "admin@contoso.example", False, "en", ["/enrollment/", "/find-a-provider/", "/customers/", "/profile/"],
    ),
    "indirect reseller (after enrolling)": (
        "admin@contoso.example", True, "en", ["/indirect-providers/", "/customers/", "/api-keys/"],
    ),
    "indirect reseller, in Korean": ("admin@contoso.example", True, "ko", ["/indirect-providers/", "/customers/"]),
    "sales agent (limited role)": ("sales@contoso.example", True, "en", ["/customers/", "/profile/"]),
    "indirect provider": ("admin@fabrikam.example", True, "en", ["/indirect-resellers/", "/customers/"]),
    "indirect provider, in Korean": ("admin@fabrikam.example", True, "ko", ["/indirect-resellers/"]),
    "customer admin": ("admin@tailspin.example", True, "en", ["/customers/partners/"]),
    "direct-bill customer admin": ("admin@wingtip.example", True, "en", ["/customers/partners/"]),
    "ops": (demo.OPS_EMAIL, True, "en", ["/admin/", "/admin/partnercenter/event/", "/admin/partnercenter/scheduledjob/"]),
    "signed out": (None, True, "en", ["/signin/"]),
}  # fmt: skip


def admin_pages() -> list[str]:
    """Ops' pages: the index, and the changelist and first change form of what ops work with."""
    from enrollment.models import Enrollment
    from invitations.models import PartnerInvitation
    from partnercenter.models import Event, ScheduledJob, SentEmail
    from tenants.models import PartnerProfile

    paths = ["/admin/"]
    for model in (Enrollment, ScheduledJob, SentEmail, Event, PartnerProfile, PartnerInvitation):
        meta = model._meta
        base = f"/admin/{meta.app_label}/{meta.model_name}/"
        paths.append(base)
        first = model.objects.order_by("pk").first()
        if first is not None:
            paths.append(f"{base}{first.pk}/change/")
    return paths


def axe_source() -> str:
    """axe.min.js as `dev.py test` installs it (var/axe-core/, or under PORTAL_VAR_DIR)."""
    path = Path(os.environ.get("PORTAL_VAR_DIR") or ROOT / "var") / "axe-core" / "axe.min.js"
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("axe-core is missing (CI=true): `python3 dev.py test` downloads it.")
        pytest.skip("axe-core is missing; `python3 dev.py test` downloads it to var/axe-core/.")
    return path.read_text()


def route_of(path: str) -> str | None:
    """The URL pattern a path resolves to (one visit per pattern), or None when it is no page of ours."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.route or match.view_name


def same_site_links(page, origin: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)")
    paths = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != origin or parts.path.startswith("/admin/"):
            continue
        if not SKIP.match(parts.path):
            paths.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return paths


LAYOUT_PROBLEMS = """(width) => {
  const problems = [];
  const doc = document.documentElement;
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  if (doc.scrollWidth > width) {  // name the innermost boxes that stick out
    const out = (el) => el.getBoundingClientRect().right > width + 1 ||
      (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'visible');  // text spills
    const wide = [...document.querySelectorAll('body *')].filter(el => out(el) && ![...el.children].some(out))
      .slice(0, 3).map(el => `${name(el)} "${(el.textContent || '').trim().slice(0, 40)}"`);
    problems.push(`the page is ${doc.scrollWidth}px wide: ${wide.join(', ')}`);
  }
  for (const el of document.querySelectorAll('body *')) {
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    // A box that scrolls sideways (a table in an overflow wrapper) is a horizontal scrollbar too.
    if (['auto', 'scroll'].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1)
      problems.push(`${name(el)} scrolls sideways (${el.scrollWidth}px in ${el.clientWidth}px)`);
  }
  for (const el of document.querySelectorAll('.btn-primary, .button.default, input[type=submit].default')) {
    const box = el.getBoundingClientRect();
    if (box.width && (box.right > width + 1 || box.left < -1))
      problems.push(`primary action "${el.textContent.trim() || el.value}" is off screen (${Math.round(box.left)}-${Math.round(box.right)})`);
  }
  return problems;
}"""

AXE_CSP_NOISE = "Applying inline style violates the following Content Security Policy"
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.filter(v => ['serious', 'critical'].includes(v.impact)).map(v =>
    `${v.impact} ${v.id}: ${v.help} -- ` + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
}"""


def check_page(page, path: str, axe: str, watch=None) -> list[str] | None:
    """Visit `path` at both widths; the problems found, each prefixed with the width (None: no page)."""
    problems = []
    page.set_viewport_size({"width": LAPTOP, "height": 900})
    probe = page.request.get(path)
    if probe.status == 405 or not probe.headers.get("content-type", "").startswith("text/html"):
        return None  # an action's URL (POST only) or a download, not a page
    response = page.goto(path)
    if response is None or response.status >= 500:
        return [f"answered {response.status if response else 'nothing'}"]
    problems += [f"{LAPTOP}px: {p}" for p in page.evaluate(LAYOUT_PROBLEMS, LAPTOP)]
    # Evaluated through the DevTools protocol, axe runs under the page's own Content-Security-Policy, which
    # stays checked (the console watch). Some of axe's probes set inline styles, which the policy refuses
    # and reports: those reports are axe's, not the page's.
    logged = len(watch.errors) if watch else 0
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe)
    problems += [f"axe: {v}" for v in page.evaluate(AXE_RUN)]
    if watch:
        watch.errors[logged:] = [e for e in watch.errors[logged:] if not e.startswith(AXE_CSP_NOISE)]
    page.set_viewport_size({"width": PHONE, "height": 844})
    page.wait_for_timeout(50)
    problems += [f"{PHONE}px: {p}" for p in page.evaluate(LAYOUT_PROBLEMS, PHONE)]
    return problems


def crawl(page, origin: str, start: list[str], axe: str, watch=None) -> dict[str, list[str]]:
    """Visit the start pages and one page per URL pattern reachable from them; {path: problems}."""
    seen_routes: set[str] = set()
    queue = deque(start)
    report: dict[str, list[str]] = {}
    while queue and len(report) < MAX_PAGES:
        path = queue.popleft()
        route = route_of(path.split("?")[0])
        key = path if path in start or route is None else route  # every start page, one page per pattern
        if key in seen_routes or path in report:
            continue
        seen_routes.add(key)
        problems = check_page(page, path, axe, watch)
        if problems is None:
            continue
        report[path] = problems
        if not path.startswith("/admin/"):
            queue.extend(same_site_links(page, origin))
    return report


def start_pages(role: str, world: dict) -> list[str]:
    email = ROLES[role][0]
    if email == demo.OPS_EMAIL:
        return admin_pages()
    if email is None:
        return ["/signin/", "/no-such-page/", "/invitations/partner/not-a-real-token/", "/v1/docs"]
    return ["/", f"/customers/{world['tailspin']}/", f"/customers/{world['wingtip']}/"]


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_fits_a_phone_and_a_laptop_and_passes_axe(role, page, live_server, console_errors):
    email, enrolled, language, must_reach = ROLES[role]
    world = build_world(enrolled=enrolled)
    axe = axe_source()
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    if email:  # the sign-in form in any language
        page.goto("/signin/")
        page.locator("#id_username").fill(email)
        page.locator("#id_password").fill(demo.demo_password())
        with page.expect_navigation():
            page.locator("form button[type=submit]").click()
        assert page.locator("html").get_attribute("lang") == language
    report = crawl(page, live_server.url, start_pages(role, world), axe, console_errors["watch"])
    assert len(report) < MAX_PAGES, f"{role}: the crawl did not end ({len(report)} pages)"
    missed = [path for path in must_reach if path not in report]
    assert not missed, f"{role} never reached {missed}; it visited {list(report)}"
    failures = {path: problems for path, problems in report.items() if problems}
    assert not failures, f"{role}: pages with problems:\n" + json.dumps(
        failures, indent=1, ensure_ascii=False
    )
