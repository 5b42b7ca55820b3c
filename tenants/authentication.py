"""`Authorization: Bearer <token>` for the API, against hashed per-user tokens."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from partnercenter import clock
from partnercenter.tokens import token_hash

from .models import ApiToken

_READ = "_portal_bearer_token"  # (hash, token) on the HttpRequest: one lookup per request


def live_token(request, key: str) -> ApiToken | None:
    """The live (not revoked) token for `key`, with its user and tenant, read once per request: the
    scenario clock (before the view) and the API's authentication both ask for it."""
    http = getattr(request, "_request", request)
    digest = token_hash(key)
    read = getattr(http, _READ, None)
    if read is not None and read[0] == digest:
        return read[1]
    token = (
        ApiToken.objects.select_related("user", "user__tenant")
        .filter(key_hash=digest, revoked_at__isnull=True)
        .first()
    )
    setattr(http, _READ, (digest, token))
    return token


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid Authorization header."))
        try:
            key = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        token = live_token(request, key)
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        now = clock.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword
