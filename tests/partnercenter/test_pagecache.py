"""Pages served again from the cache only while nothing was written (partnercenter/pagecache.py): never
another user's page, never a page older than the last write, never past a pending message.

The database's write position moves with every write on the whole PostgreSQL cluster, other test
processes' included, so the tests of what is served pin it (`writes`) and move it where they write; one
test proves on PostgreSQL that a write, even uncommitted, moves the real one."""

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connection
from django.test import Client, RequestFactory, override_settings

from customers.models import CustomerAccount
from partnercenter import pagecache
from tests.customers.factories import make_customer, make_partnered, relate

pytestmark = pytest.mark.django_db
on = override_settings(PAGE_CACHE_SECONDS=30)


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


class _Writes:
    """The write position, pinned: `happened()` moves it, as any write moves PostgreSQL's."""

    def __init__(self):
        self.position = 1

    def __call__(self):
        return f"0/{self.position:X}"

    def happened(self):
        self.position += 1


@pytest.fixture
def writes(monkeypatch):
    pinned = _Writes()
    monkeypatch.setattr(pagecache, "write_position", pinned)
    return pinned


def _needs_postgresql():
    if connection.vendor != "postgresql":
        import os

        if os.environ.get("CI") == "true":
            pytest.fail("CI runs this on PostgreSQL: set DATABASE_URL=postgres://...")
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://...): the cache keys on its write position")


def _two_partners():
    """Two partners, each with its own direct-bill customer ("Mine Inc", "Theirs Inc")."""
    reseller, ruser, _provider, _p = make_partnered()
    other, ouser, _op, _opu = make_partnered()
    mine, _ = make_customer(name="Mine Inc")
    relate(mine, reseller, kind="direct")
    theirs, _ = make_customer(name="Theirs Inc")
    relate(theirs, other, kind="direct")
    return ruser, ouser, mine


def _client(user):
    client = Client()
    client.force_login(user)
    client.get("/customers/")  # the first page sets the CSRF cookie the page's forms are signed for
    return client


def _with_a_stored_page():
    """A partner user's client whose Customers page is now served from the cache."""
    _reseller, ruser, _provider, _p = make_partnered()
    client = _client(ruser)
    client.get("/customers/")
    assert client.get("/customers/")[pagecache.HEADER] == "hit"
    return ruser, client


@on
def test_a_page_is_served_again_until_anything_is_written(writes):
    reseller, ruser, _provider, _p = make_partnered()
    tenant, _ = make_customer(name="Wingtip Toys")
    relate(tenant, reseller, kind="direct")
    client = _client(ruser)
    first = client.get("/customers/")
    again = client.get("/customers/")
    assert first[pagecache.HEADER] == "miss" and again[pagecache.HEADER] == "hit"
    assert again.content == first.content and "Wingtip Toys" in again.content.decode()
    # Any write (here straight through the ORM, as a script or ops would) and the page is rendered again.
    CustomerAccount.objects.filter(tenant=tenant).update(company_name="Wingtip Toys Renamed")
    writes.happened()
    after = client.get("/customers/")
    assert after[pagecache.HEADER] == "miss" and "Wingtip Toys Renamed" in after.content.decode()
    # Another query string is another page.
    assert client.get("/customers/?q=wing")[pagecache.HEADER] == "miss"


@on
def test_never_another_users_page(writes):
    ruser, ouser, mine = _two_partners()
    me, them = _client(ruser), _client(ouser)
    me.get("/customers/")
    assert me.get("/customers/")[pagecache.HEADER] == "hit"
    page = them.get("/customers/")
    assert page[pagecache.HEADER] == "miss"
    assert "Theirs Inc" in page.content.decode() and "Mine Inc" not in page.content.decode()
    # Signed out: the same cookie jar is refused, not served the stored page.
    me.logout()
    assert me.get("/customers/").status_code == 302


@on
def test_a_pending_message_is_shown_not_a_stored_page(writes):
    ruser, client = _with_a_stored_page()
    request = RequestFactory().get("/customers/")
    request.user = ruser
    request.COOKIES = {k: v.value for k, v in client.cookies.items()}
    request.META["CSRF_COOKIE"] = request.COOKIES["csrftoken"]  # as CsrfViewMiddleware reads it
    request._messages = CookieStorage(request)
    assert pagecache._key(request) is not None
    request._messages.add(constants.SUCCESS, "Saved")
    assert pagecache._key(request) is None


@on
def test_without_a_write_position_pages_are_always_rendered(monkeypatch):
    reseller, ruser, _provider, _p = make_partnered()
    monkeypatch.setattr(pagecache, "write_position", lambda: None)
    client = _client(ruser)
    assert pagecache.HEADER not in client.get("/customers/")
    assert pagecache.HEADER not in client.get("/customers/")


def test_off_by_default_in_tests_and_with_zero_seconds():
    reseller, ruser, _provider, _p = make_partnered()
    client = _client(ruser)
    assert pagecache.HEADER not in client.get("/customers/")


def test_any_write_moves_the_write_position():
    _needs_postgresql()
    tenant, _ = make_customer(name="Moved Co")
    before = pagecache.write_position()
    CustomerAccount.objects.filter(tenant=tenant).update(company_name="Moved Co 2")  # not committed yet
    assert pagecache.write_position() != before


def test_sqlite_has_no_write_position():
    if connection.vendor == "sqlite":
        assert pagecache.write_position() is None
    else:
        assert pagecache.write_position()


@on
def test_a_stored_pages_forms_still_post(writes):
    import re

    reseller, ruser, _provider, _p = make_partnered()
    client = Client(enforce_csrf_checks=True)
    client.force_login(ruser)
    client.get("/customers/")
    client.get("/customers/")
    stored = client.get("/customers/")
    assert stored[pagecache.HEADER] == "hit"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', stored.content.decode()).group(1)
    changed = client.post(
        "/i18n/setlang/", {"language": "ko", "next": "/customers/", "csrfmiddlewaretoken": token}
    )
    assert changed.status_code == 302
    # The language is part of the page: the Korean page is rendered, not the stored English one.
    korean = client.get("/customers/")
    assert korean[pagecache.HEADER] == "miss" and 'lang="ko"' in korean.content.decode()


@on
def test_an_api_list_is_answered_again_only_for_the_same_credentials_and_no_write(writes):
    from tenants.services import api_token_create

    ruser, ouser, mine = _two_partners()
    me = Client(HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=ruser, name='a')[1]}")
    them = Client(HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=ouser, name='b')[1]}")
    first, again = me.get("/v1/customers"), me.get("/v1/customers")
    assert (first[pagecache.HEADER], again[pagecache.HEADER]) == ("miss", "hit")
    assert again.json() == first.json() and [
        c["companyProfile"]["companyName"] for c in again.json()["items"]
    ] == ["Mine Inc"]
    theirs_page = them.get("/v1/customers")
    assert theirs_page[pagecache.HEADER] != "hit"
    assert [c["companyProfile"]["companyName"] for c in theirs_page.json()["items"]] == ["Theirs Inc"]
    # A stored answer never skips authentication.
    assert Client(HTTP_AUTHORIZATION="Bearer forged").get("/v1/customers").status_code == 401
    CustomerAccount.objects.filter(tenant=mine).update(company_name="Mine Renamed")
    writes.happened()
    after = me.get("/v1/customers")
    assert after[pagecache.HEADER] == "miss"
    assert after.json()["items"][0]["companyProfile"]["companyName"] == "Mine Renamed"


@on
def test_an_admin_changelist_is_served_again_until_a_write(writes):
    from tests.factories import UserFactory

    ops = UserFactory(tenant=None, is_staff=True, is_superuser=True)
    tenant, _ = make_customer(name="Listed Co")
    client = Client()
    client.force_login(ops)
    url = "/admin/customers/customeraccount/"
    client.get(url)
    first, again = client.get(url), client.get(url)
    assert (first[pagecache.HEADER], again[pagecache.HEADER]) == ("miss", "hit")
    assert again.content == first.content and "Listed Co" in again.content.decode()
    CustomerAccount.objects.filter(tenant=tenant).update(company_name="Relisted Co")
    writes.happened()
    after = client.get(url)
    assert after[pagecache.HEADER] == "miss" and "Relisted Co" in after.content.decode()


@on
def test_a_hard_reload_renders_the_page(writes):
    _ruser, client = _with_a_stored_page()
    assert pagecache.HEADER not in client.get("/customers/", headers={"Cache-Control": "no-cache"})
