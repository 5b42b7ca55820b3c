"""One domain error type. Services raise it; pages show `text`, the API renders SPEC §6's body
(`error_body`, the one place that body is built).

Every refusal carries a machine-readable `reason` (a dotted name such as `invitation.expired`) next to
its translated message: callers branch on `reason` (or the API `code`), never on the message text, which
changes with the language.

`Forbidden` is also a Django `PermissionDenied` and `NotFound` also an `Http404`, so a page view that
lets one escape still answers the readable 403/404 page (with the reason), never a traceback.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A refused action: which rule refused it (R-number), in plain words, with an API code and status."""

    def __init__(
        self,
        message: str | Promise,
        *,
        code: int = 400,
        status: int = 400,
        rule: str = "",
        data: list | None = None,
        reason: str = "",
    ) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.status = status
        self.rule = rule
        self.data = list(data) if data else []
        self.reason = reason

    @property
    def text(self) -> str:
        """What a page shows: the refusal in plain words (no rule number; the rule stays in `rule`)."""
        return str(self.message)

    @property
    def text_with_rule(self) -> str:
        """The refusal naming its rule, for the API's description and for ops in the admin."""
        return f"{self.message} ({self.rule})" if self.rule else str(self.message)


class InvalidInput(DomainError):
    """Input that breaks a validation rule. `fields` maps a field name to its messages, so a page can put
    each message next to its field; the API lists them in `data`."""

    def __init__(self, message: str | Promise | None = None, *, fields: dict | None = None) -> None:
        message = _("The input is not valid.") if message is None else message
        self.fields = {name: [str(m) for m in msgs] for name, msgs in (fields or {}).items()}
        data = [{"field": name, "messages": msgs} for name, msgs in self.fields.items()]
        super().__init__(message, code=400, status=400, data=data, reason="input.invalid")


class NotFound(DomainError, Http404):
    def __init__(
        self, message: str | Promise | None = None, *, code: int = 404, reason: str = "not_found"
    ) -> None:
        super().__init__(
            _("Not found.") if message is None else message, code=code, status=404, reason=reason
        )


class Forbidden(DomainError, PermissionDenied):
    def __init__(
        self, message: str | Promise, *, code: int = 403, rule: str = "", reason: str = "forbidden"
    ) -> None:
        super().__init__(message, code=code, status=403, rule=rule, reason=reason)


class Conflict(DomainError):
    def __init__(
        self, message: str | Promise, *, code: int = 409, rule: str = "", data=None, reason: str = "conflict"
    ) -> None:
        super().__init__(message, code=code, status=409, rule=rule, data=data, reason=reason)


# The real Partner Center error body (error-codes: "code", "description", "data", "source") plus the
# portal's `reason` (docs/api.md). `source` is the service that answered; every answer of this portal comes
# from its API front door, which Partner Center's own error examples name "PartnerFD".
ERROR_SOURCE = "PartnerFD"

# A body's `reason` when the error carries none: by HTTP status.
STATUS_REASONS = {
    400: "input.invalid",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    410: "gone",
    415: "unsupported_media_type",
    429: "throttled",
    500: "server_error",
}


def error_body(
    code: int, description, data: list | None = None, *, reason: str = "", status: int | None = None
) -> dict:
    """SPEC §6's error body: `{"code", "description", "data", "source", "reason"}`. `reason` is the
    machine-readable refusal name (a DomainError's), else one derived from the HTTP status."""
    return {
        "code": code,
        "description": str(description),
        "data": list(data) if data else [],
        "source": ERROR_SOURCE,
        "reason": reason or STATUS_REASONS.get(status or code, "error"),
    }
