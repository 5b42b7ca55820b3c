"""Error pages. API paths (/v1/...) answer SPEC §6's JSON error body instead of an HTML page."""

from django.http import JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

from .errors import DomainError, error_body


def _is_api(request) -> bool:
    return request.path.startswith("/v1/")


def _api_error(code: int, description: str, status: int, reason: str = "") -> JsonResponse:
    return JsonResponse(error_body(code, description, reason=reason, status=status), status=status)


def permission_denied(request, exception=None):
    reason = ""
    if isinstance(exception, DomainError):
        message, reason = exception.text, exception.reason
    else:
        message = str(exception) if exception and str(exception) else _("Your role does not allow this page.")
    if _is_api(request):
        if isinstance(exception, DomainError):
            message = exception.text_with_rule  # the API names the rule; pages say it in plain words
        return _api_error(403, message, 403, reason)
    return render(request, "403.html", {"message": message}, status=403)


def page_not_found(request, exception=None):
    if _is_api(request):
        return _api_error(404, _("Not found."), 404)
    return render(request, "404.html", status=404)


def bad_request(request, exception=None):
    if _is_api(request):
        return _api_error(400, _("The request is not valid."), 400)
    return render(request, "400.html", status=400)


def server_error(request):
    """Rendered without the request context: whatever broke (the database, say) must not break this."""
    if _is_api(request):
        return _api_error(500, _("Something went wrong. The error was recorded; try again in a moment."), 500)
    return render_plain("500.html", status=500)


def render_plain(template_name: str, *, status: int):
    from django.http import HttpResponse

    return HttpResponse(loader.get_template(template_name).render(), status=status)


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)


def bench_floor(request):
    """The benchmark's floor: the same middleware as every page, no database, no template. What a list
    costs is measured against this (docs/performance.md). Routed only with PORTAL_BENCH_FLOOR."""
    from django.http import HttpResponse

    return HttpResponse("ok", content_type="text/plain")
