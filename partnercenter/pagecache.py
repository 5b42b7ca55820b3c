"""Pages read again while nothing changed: served from the cache instead of rendered again.

A page is stored under a key made of everything it is rendered from:

- the database's write position (PostgreSQL's WAL insert location): any write anywhere, committed or
  not, by the portal, ops, a worker or a script, moves it, so every page stored before that write is
  never served again. No invalidation list to keep up to date, nothing a bulk update can bypass;
- the request: scheme, host, path and query string, Accept and X-Requested-With, and its cookies (the
  session, so the user and what the session holds; the CSRF cookie the page's forms were signed for; the
  language cookie), its Accept-Language and the language chosen for it;
- the clock, to the minute (and the scenario the request runs in), so nothing that depends on the time
  is stale by more than a minute; and an entry lives `PAGE_CACHE_SECONDS` at most.

Only signed-in GET requests with no pending message, and only whole 200 pages without cookies of their
own, are stored. A reader who asks for a fresh page (`Cache-Control: no-cache`, sent by a browser's hard
reload) gets it rendered. The busiest API lists are stored the same way (`cached_api`), keyed on the
request's credentials instead of its cookies, and only once the API has authenticated and throttled the
request: a stored answer never skips a check. On SQLite (the embedded default) there is no write position
to read, so pages are always rendered. `PAGE_CACHE_SECONDS=0` turns the cache off.
"""

from __future__ import annotations

import hashlib
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.utils import translation
from rest_framework.response import Response

from . import clock

HEADER = "X-Page-Cache"  # "hit" or "miss": what happened, for ops and tests


def write_position() -> str | None:
    """The database's write position, or None where the database has none to offer."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_insert_lsn()::text")
        return cursor.fetchone()[0]


def _signed_for_browsers_cookie(request) -> bool:
    """The page's forms are signed with the CSRF secret the browser already holds in its cookie (not with
    a new one this response hands out): a stored page stays valid for that browser."""
    held = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    return bool(held) and request.META.get("CSRF_COOKIE") == held


def _sets_cookies(request, response) -> bool:
    """The response sets a cookie other than the CSRF cookie the browser already holds (views protected by
    `csrf_protect`, such as the admin's, send that one back to renew it)."""
    held = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    return any(
        name != settings.CSRF_COOKIE_NAME or morsel.value != held for name, morsel in response.cookies.items()
    )


def _digest(prefix: str, request, credentials: str) -> str | None:
    """The key of what the request is answered from; None where the database has no write position, or
    when the reader asks for a fresh page (`Cache-Control: no-cache`, a browser's hard reload)."""
    if "no-cache" in request.headers.get("Cache-Control", "") or "no-cache" in request.headers.get(
        "Pragma", ""
    ):
        return None
    position = write_position()
    if position is None:
        return None
    parts = (
        position,
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        credentials,
        request.headers.get("Accept", ""),
        request.headers.get("X-Requested-With", ""),
        request.headers.get("Accept-Language", ""),
        translation.get_language() or "",
        clock.now().isoformat(timespec="minutes"),
        clock.scenario_key() or "",
    )
    return prefix + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _key(request) -> str | None:
    if getattr(settings, "PAGE_CACHE_SECONDS", 0) <= 0 or request.method != "GET":
        return None
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if not _signed_for_browsers_cookie(request):
        return None
    if len(messages.get_messages(request)):
        return None
    return _digest("page:", request, request.headers.get("Cookie", ""))


def _api_key(request) -> str | None:
    if getattr(settings, "PAGE_CACHE_SECONDS", 0) <= 0 or request.method != "GET" or request.auth is None:
        return None
    return _digest("api:", request, request.headers.get("Authorization", ""))


def cached_api(method):
    """For an API view's `get`: answer from the cache while nothing was written (as `cached_page`), after
    authentication, permissions and throttling ran."""

    @wraps(method)
    def wrapper(self, request, *args, **kwargs):
        key = _api_key(request)
        if key is None:
            return method(self, request, *args, **kwargs)
        stored = cache.get(key)
        if stored is not None:
            response = Response(stored["data"], headers=stored["headers"])
            response[HEADER] = "hit"
            return response
        response = method(self, request, *args, **kwargs)
        if isinstance(response, Response) and response.status_code == 200 and not response.cookies:
            headers = {name: value for name, value in response.items()}
            cache.set(key, {"data": response.data, "headers": headers}, settings.PAGE_CACHE_SECONDS)
            response[HEADER] = "miss"
        return response

    return wrapper


def cached_page(view):
    """Serve the view's page from the cache while nothing it is rendered from changed (module docstring)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        key = _key(request)
        if key is None:
            return view(request, *args, **kwargs)
        stored = cache.get(key)
        if stored is not None:
            response = HttpResponse(stored["content"], content_type=stored["content_type"])
            response[HEADER] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if (
            response.status_code == 200
            and not _sets_cookies(request, response)
            and not response.streaming
            and _signed_for_browsers_cookie(request)
        ):
            cache.set(
                key,
                {"content": response.content, "content_type": response["Content-Type"]},
                settings.PAGE_CACHE_SECONDS,
            )
            response[HEADER] = "miss"
        return response

    return wrapper
