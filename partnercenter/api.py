"""API plumbing shared by every app: SPEC §6 error bodies, tenant permissions, paging like Partner Center."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import inline_serializer
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from . import paging
from .errors import ERROR_SOURCE, DomainError, error_body

log = logging.getLogger(__name__)


# SPEC §6's error body (the real Partner Center error: code, description, data, source; plus `reason`),
# declared once for the OpenAPI document: every operation's error answers use it.
ERROR_BODY = inline_serializer(
    "Error",
    {
        "code": serializers.IntegerField(
            help_text="Partner Center's error code where it has one, else the HTTP status"
        ),
        "description": serializers.CharField(),
        "data": serializers.ListField(help_text="Details: field errors, eligibility reasons, ids"),
        "source": serializers.ChoiceField(choices=[ERROR_SOURCE], help_text="The service that answered"),
        "reason": serializers.CharField(
            help_text="The portal's machine-readable reason, e.g. `input.invalid` (an extension)"
        ),
    },
)


def error_response(
    code: int, description: str, http_status: int, data: list | None = None, *, reason: str = ""
) -> Response:
    return Response(
        error_body(code, description, data, reason=reason, status=http_status), status=http_status
    )


def _messages(value) -> list[str]:
    """Flatten DRF's nested error details (lists, dicts, nested serializers) into plain messages."""
    if isinstance(value, dict):
        return [f"{key}: {msg}" for key, inner in value.items() for msg in _messages(inner)]
    if isinstance(value, list | tuple):
        return [msg for inner in value for msg in _messages(inner)]
    return [str(value)]


def _plain(value):
    """ErrorDetail and lazy strings as plain JSON values."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)


def _validation_response(detail) -> Response:
    if isinstance(detail, dict):
        data = [{"field": str(field), "messages": _messages(msgs)} for field, msgs in detail.items()]
    else:
        data = [{"field": None, "messages": _messages(detail)}]
    description = "; ".join(
        (f"{item['field']}: " if item["field"] and item["field"] != "non_field_errors" else "")
        + " ".join(item["messages"])
        for item in data
    )
    return error_response(
        400, description or _("The request is not valid."), 400, _plain(data), reason="input.invalid"
    )


def exception_handler(exc, context):
    """Render every error as `{"code", "description", "data", "source", "reason"}` with the HTTP status.
    Never a traceback: an unexpected error is logged and answers 500 with the same body."""
    set_rollback()
    if isinstance(exc, DomainError):
        return error_response(exc.code, exc.text_with_rule, exc.status, _plain(exc.data), reason=exc.reason)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        return _validation_response(detail)
    if isinstance(exc, exceptions.ValidationError):
        return _validation_response(exc.detail)
    if isinstance(exc, Http404):
        return error_response(404, _("Not found."), status.HTTP_404_NOT_FOUND)
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, exceptions.APIException):
        headers = {}
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait))
        detail = exc.detail
        description = " ".join(_messages(detail)) if not isinstance(detail, str) else detail
        body = error_body(exc.status_code, description, reason=exc.default_code, status=exc.status_code)
        return Response(body, status=exc.status_code, headers=headers)
    if settings.DEBUG:
        return None  # the debug page with the traceback, for developers
    log.error("unhandled API error in %s", type(context.get("view")).__name__, exc_info=exc)
    return error_response(500, _("Something went wrong. The error was recorded; try again in a moment."), 500)


class IsTenantUser(permissions.BasePermission):
    """A signed-in portal user who belongs to a tenant (ops staff without one use Django admin)."""

    message = _("This API is for users of a partner or customer tenant.")

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.tenant_id)


# Mixin: `self.tenant` is the acting tenant; every read goes through tenant-scoped selectors.
# (A comment, not a docstring: the OpenAPI generator would show a docstring on every operation.)
class TenantAPIView:
    permission_classes = [IsTenantUser]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # A bearer token's user is known only now (after the language middleware ran): answer in the
        # language the user chose, when there is one; else the request's (Accept-Language) stands.
        chosen = getattr(request.user, "language", "")
        if chosen and chosen in dict(settings.LANGUAGES):
            self._language_before = translation.get_language()
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        before = getattr(self, "_language_before", None)
        if before is not None:  # the body is built by now: nothing outlives the request
            response.headers["Content-Language"] = translation.get_language()
            translation.activate(before)
        return response

    @property
    def tenant(self):
        return self.request.user.tenant


class Total(int):
    """A list's `totalCount`: exact up to `paging.COUNT_CAP`; beyond it, the cap with `exact` False (the
    body then says `"totalCountIsLowerBound": true`). Counting a book of 100,000 on every page is what
    seek paging avoids."""

    exact: bool = True

    @classmethod
    def of(cls, value: int, exact: bool) -> Total:
        total = cls(value)
        total.exact = exact
        return total


def page_slice(request, queryset: QuerySet | Sequence, *, max_size: int = 500):
    """Partner Center style paging: `size` and an opaque, signed `continuationToken` (query param or
    `MS-ContinuationToken` header). Returns (items, total_count, next_token).

    A queryset is paged by seek (keyset, `partnercenter.paging`): the token carries the sort key of the
    page's last row, signed and bound to the path it was issued for, so a deep page costs what the first
    does; an unordered queryset is ordered by primary key. Two queries at most: the page, and the total
    counted up to `paging.COUNT_CAP` (skipped when the first page holds the whole set). A plain list
    (already in memory) is sliced by offset.
    """
    raw_size = (request.query_params.get("size") or "").strip()
    if raw_size:
        try:
            size = int(raw_size)
        except ValueError:
            raise DomainError(_("size must be a whole number."), code=400, status=400)
    else:
        size = min(settings.PAGE_SIZE, max_size)
    if size < 1 or size > max_size:
        raise DomainError(_("size must be between 1 and %(max)s.") % {"max": max_size}, code=400, status=400)
    raw = request.query_params.get("continuationToken") or request.headers.get("MS-ContinuationToken")
    bad_token = DomainError(_("The continuation token is not valid."), code=400, status=400)
    if isinstance(queryset, QuerySet):
        try:
            page = paging.seek_page(queryset, path=request.path, token=raw, size=size)
        except paging.BadCursor:
            raise bad_token
        return page.object_list, Total.of(page.total, page.total_exact), page.next_token
    offset = 0
    if raw:
        try:
            direction, (offset,) = paging.unsign(raw, request.path, 1)
            if direction != "next" or not isinstance(offset, int) or offset < 0:
                raise paging.BadCursor(raw)
        except paging.BadCursor:
            raise bad_token
    total = len(queryset)
    items = list(queryset[offset : offset + size]) if offset < total else []
    end = offset + size
    next_token = paging.sign(request.path, "next", [end]) if end < total else None
    return items, Total(total), next_token


def page_body(request, items: list, total: int, next_token: str | None) -> dict:
    body: dict = {"totalCount": total, "items": items, "attributes": {"objectType": "Collection"}}
    if not getattr(total, "exact", True):
        body["totalCountIsLowerBound"] = True  # more rows than paging.COUNT_CAP: not counted
    if next_token:
        body["continuationToken"] = next_token
        body["links"] = {
            "next": {
                "uri": request.path + "?" + _next_query(request, next_token),
                "method": "GET",
                "headers": [{"key": "MS-ContinuationToken", "value": next_token}],
            }
        }
    return body


def _next_query(request, token: str) -> str:
    query = request.query_params.copy()
    query["continuationToken"] = token
    return query.urlencode()
