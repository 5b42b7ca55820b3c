"""Middleware of the ground floor: input no view should ever see, and uncaught refusals as readable pages."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .errors import DomainError, Forbidden, NotFound, error_body


class DomainErrorMiddleware:
    """Turn an uncaught DomainError into the page (or, under /v1/, the SPEC §6 body) with its status,
    its reason and its rule. Forbidden and NotFound are left to Django's 403 and 404 handlers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DomainError) or isinstance(exception, Forbidden | NotFound):
            return None
        if request.path.startswith("/v1/"):
            body = error_body(
                exception.code,
                exception.text_with_rule,
                exception.data,
                reason=exception.reason,
                status=exception.status,
            )
            return JsonResponse(body, status=exception.status)
        return render(request, "409.html", {"message": exception.text}, status=exception.status)


class RefuseNulMiddleware:
    """A NUL character in the query string or a form field is never valid input here, and PostgreSQL
    cannot even compare text with one (the driver raises). Refuse it up front: 400 with the API error
    body under /v1/, the 400 page elsewhere; nothing runs, nothing changes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request):
            message = _("The request contains a NUL character, which is not allowed.")
            if request.path.startswith("/v1/"):
                body = error_body(400, message, reason="input.nul_character")
                return JsonResponse(body, status=400)
            return render(request, "400.html", {"message": message}, status=400)
        return self.get_response(request)


def _has_nul(request) -> bool:
    if "\x00" in request.path:
        return True
    for values in request.GET.lists():
        if any("\x00" in v for v in values[1]) or "\x00" in values[0]:
            return True
    if request.method == "POST" and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        for key, values in request.POST.lists():
            if "\x00" in key or any("\x00" in v for v in values):
                return True
    return False
