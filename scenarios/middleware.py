"""Run a request of a scenario's user (a session or an API token of a scenario tenant) with the
scenario's clock (`clock.scenario_context`); every other request runs with the real clock. The context is
reset when the response is made, so nothing carries over to the next request on the same thread."""

from __future__ import annotations

from rest_framework import authentication

from partnercenter import clock
from tenants.authentication import live_token
from tenants.models import Tenant

from .selectors import scenario_offset


def _bearer_scenario(request) -> tuple[bool, str | None]:
    """(whether the request carries a bearer token, the scenario key of its user's tenant)."""
    header = authentication.get_authorization_header(request).split()
    if len(header) != 2 or header[0].lower() != b"bearer":
        return False, None
    try:
        key = header[1].decode()
    except UnicodeError:
        return True, None
    token = live_token(request, key)  # read once: the API's authentication uses the same
    tenant = token.user.tenant if token is not None else None
    return True, tenant.scenario_key if tenant is not None else None


# The session remembers which scenario its user's tenant belongs to ([user id, key or ""]), so a signed-in
# request costs no query for it after the first (a tenant never changes scenario).
SESSION_KEY = "_scenario_of"


def _session_scenario(request) -> str | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.tenant_id:
        return None
    session = getattr(request, "session", None)
    remembered = session.get(SESSION_KEY) if session is not None else None
    if isinstance(remembered, list) and len(remembered) == 2 and remembered[0] == user.pk:
        return remembered[1] or None
    key = Tenant.objects.filter(pk=user.tenant_id).values_list("scenario_key", flat=True).first()
    if session is not None:
        session[SESSION_KEY] = [user.pk, key or ""]
    return key


def request_scenario_key(request) -> str | None:
    """The scenario of the request's user: of its API token's user, else of the signed-in user."""
    has_token, key = _bearer_scenario(request)
    if has_token:
        return key
    return _session_scenario(request)


class ScenarioClockMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request_scenario_key(request)
        offset = scenario_offset(key) if key else None
        if offset is None:
            with clock.scenario_context(None):
                return self.get_response(request)
        with clock.scenario_context(key, offset):
            return self.get_response(request)
