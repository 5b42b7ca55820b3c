"""A refused action that a page view did not catch still answers a readable page, never a traceback."""

from django.http import JsonResponse
from django.shortcuts import render

from .errors import DomainError, Forbidden, NotFound


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
            body = {"code": exception.code, "description": exception.text, "data": exception.data}
            return JsonResponse(body, status=exception.status)
        return render(request, "409.html", {"message": exception.text}, status=exception.status)
