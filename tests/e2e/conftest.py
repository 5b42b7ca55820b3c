"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

Chromium comes from `apt-get install chromium` (dev.py installs it); `playwright install` cannot download
browsers here. Outside CI a missing Chromium skips these tests; under CI=true it fails them.
"""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the test itself
# (creating data, reading results) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


@pytest.fixture(scope="session")
def browser():
    path = _chromium_path()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is not installed (CI=true): run `python3 dev.py test` to install it.")
        pytest.skip("Chromium is not installed; `python3 dev.py test` installs it.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class ConsoleWatch:
    """Console errors and uncaught exceptions of a page. A Content-Security-Policy violation is a console
    error in Chromium ("Refused to ... because it violates ..."), so a page that needs an inline script or
    style, or a resource from elsewhere, fails its test. A page answered with an error status on purpose
    (a 403 or 404 the test asks for) logs "Failed to load resource" for that document: that one is expected.
    """

    def __init__(self, page):
        self.errors: list[str] = []
        self.error_documents: set[str] = set()
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"uncaught: {exc}"))
        page.on("response", self._response)

    def _response(self, response):
        if response.request.resource_type == "document" and response.status >= 400:
            self.error_documents.add(response.url)

    def _console(self, message):
        if message.type != "error":
            return
        url = (message.location or {}).get("url", "")
        if message.text.startswith("Failed to load resource") and (
            url in self.error_documents or url.endswith("/favicon.ico")  # the browser's own guess
        ):
            return
        self.errors.append(f"{message.text} ({url})")

    def unexpected(self) -> list[str]:
        return [e for e in self.errors if not self._expected_document_error(e)]

    def _expected_document_error(self, error: str) -> bool:
        return error.startswith("Failed to load resource") and any(
            error.endswith(f"({url})") for url in self.error_documents
        )  # a document answered 4xx after its console line came


@pytest.fixture
def console_errors():
    """The page's ConsoleWatch (a test that expects a console error may clear `.errors`)."""
    return {}


@pytest.fixture
def page(browser, live_server, settings, console_errors):
    settings.PORTAL_BASE_URL = live_server.url
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(15_000)
    page = context.new_page()
    watch = ConsoleWatch(page)
    console_errors["watch"] = watch
    yield page
    context.close()
    errors = watch.unexpected()
    if errors:
        pytest.fail("The page logged console errors (a CSP violation is one):\n" + "\n".join(errors))


@pytest.fixture
def sign_in(page):
    """sign_in(email, password) through the real sign-in form."""
    from tests.factories import PASSWORD

    def do(email: str, password: str = PASSWORD):
        page.goto("/signin/")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state("domcontentloaded")
        return page

    return do
