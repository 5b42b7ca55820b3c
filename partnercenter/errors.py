"""One domain error type. Services raise it; pages show `message`, the API renders SPEC §6's body."""

from __future__ import annotations

from django.utils.functional import Promise


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
    ) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.status = status
        self.rule = rule
        self.data = data or []

    @property
    def text(self) -> str:
        return f"{self.message} ({self.rule})" if self.rule else str(self.message)


class NotFound(DomainError):
    def __init__(self, message: str | Promise = "Not found.", *, code: int = 404) -> None:
        super().__init__(message, code=code, status=404)


class Forbidden(DomainError):
    def __init__(self, message: str | Promise, *, code: int = 403, rule: str = "") -> None:
        super().__init__(message, code=code, status=403, rule=rule)


class Conflict(DomainError):
    def __init__(self, message: str | Promise, *, code: int = 409, rule: str = "", data=None) -> None:
        super().__init__(message, code=code, status=409, rule=rule, data=data)
