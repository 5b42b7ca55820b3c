"""API plumbing shared by every app: SPEC §6 error bodies, tenant permissions, paging like Partner Center."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, permissions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DomainError


def error_body(code: int, description: str, data: list | None = None) -> dict:
    return {"code": code, "description": str(description), "data": data or []}


def error_response(code: int, description: str, http_status: int, data: list | None = None) -> Response:
    return Response(error_body(code, description, data), status=http_status)


def exception_handler(exc, context):
    """Render every error as `{"code", "description", "data"}` with the HTTP status."""
    if isinstance(exc, DomainError):
        return error_response(exc.code, exc.text, exc.status, exc.data)
    if isinstance(exc, Http404):
        return error_response(404, _("Not found."), status.HTTP_404_NOT_FOUND)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        data = (
            [detail] if isinstance(detail, dict) else list(detail) if isinstance(detail, list) else [detail]
        )
        description = _("The request is not valid.")
        if isinstance(detail, dict):
            parts = []
            for field, messages in detail.items():
                msgs = messages if isinstance(messages, list) else [messages]
                parts.append(f"{field}: {' '.join(str(m) for m in msgs)}")
            description = "; ".join(parts) or description
        response.data = error_body(400, description, data)
        return response
    detail = getattr(exc, "detail", None) or str(exc)
    response.data = error_body(response.status_code, detail)
    return response


class IsTenantUser(permissions.BasePermission):
    """A signed-in portal user who belongs to a tenant (ops staff without one use Django admin)."""

    message = _("This API is for users of a partner or customer tenant.")

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.tenant_id)


class TenantAPIView:
    """Mixin: `self.tenant` is the acting tenant; every read goes through tenant-scoped selectors."""

    permission_classes = [IsTenantUser]

    @property
    def tenant(self):
        return self.request.user.tenant


_SIGNER = signing.Signer(salt="partnercenter.continuation")


def page_slice(request, queryset, *, max_size: int = 500):
    """Partner Center style paging: `size` and an opaque, signed `continuationToken` (query param or
    `MS-ContinuationToken` header). Returns (items, total_count, next_token). Two queries per page."""
    try:
        size = int(request.query_params.get("size") or settings.PAGE_SIZE)
    except ValueError:
        raise DomainError(_("size must be a whole number."), code=400, status=400)
    if size < 1 or size > max_size:
        raise DomainError(_("size must be between 1 and %(max)s.") % {"max": max_size}, code=400, status=400)
    raw = request.query_params.get("continuationToken") or request.headers.get("MS-ContinuationToken")
    offset = 0
    if raw:
        try:
            offset = int(_SIGNER.unsign(raw))
        except (signing.BadSignature, ValueError):
            raise DomainError(_("The continuation token is not valid."), code=400, status=400)
    total = queryset.count()
    items = list(queryset[offset : offset + size])
    next_token = _SIGNER.sign(str(offset + size)) if offset + size < total else None
    return items, total, next_token


def page_body(request, items: list, total: int, next_token: str | None) -> dict:
    body: dict = {"totalCount": total, "items": items, "attributes": {"objectType": "Collection"}}
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
