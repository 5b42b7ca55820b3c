"""Where a webhook may go, and the one HTTP POST that goes there.

A URL is https (http only with `WEBHOOK_ALLOW_HTTP`), has no credentials, and every address its host
resolves to is a public one: loopback, private, link-local (169.254.169.254, the cloud metadata
service), shared, reserved, multicast and unspecified addresses are refused unless
`WEBHOOK_ALLOW_PRIVATE_URLS` is on. The check runs again at every attempt and the connection goes to the
address that was checked, so a name that resolves somewhere else a moment later (DNS rebinding) changes
nothing. Redirects are never followed (a 3xx is a failed attempt); the answer is read with a size limit
and the whole attempt with a time limit.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from partnercenter.errors import InvalidInput


class Refused(InvalidInput):
    def __init__(self, message, *, reason: str) -> None:
        super().__init__(message, fields={"WebhookUrl": [str(message)]})
        self.reason = reason


def _allowed_address(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    mapped = getattr(ip, "ipv4_mapped", None)
    if mapped is not None:
        ip = mapped
    if ip.is_unspecified or ip.is_multicast:
        return False
    return ip.is_global or bool(settings.WEBHOOK_ALLOW_PRIVATE_URLS)


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str


def check_url(url: str) -> Target:
    """The URL's target with a checked address (the first its host resolves to), or Refused."""
    try:
        parts = urlsplit((url or "").strip())
        port = parts.port
    except ValueError:
        raise Refused(_("The webhook URL is not a valid URL."), reason="webhooks.url_invalid")
    schemes = ["https", "http"] if settings.WEBHOOK_ALLOW_HTTP else ["https"]
    if parts.scheme not in schemes:
        raise Refused(_("The webhook URL must use https."), reason="webhooks.url_not_https")
    if not parts.hostname or parts.username or parts.password:
        raise Refused(
            _("The webhook URL needs a host name and no user name or password."),
            reason="webhooks.url_invalid",
        )
    host = parts.hostname
    port = port or (443 if parts.scheme == "https" else 80)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [str(literal)]
    else:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError):
            raise Refused(
                _("The webhook URL's host name does not resolve."), reason="webhooks.url_unresolvable"
            )
        addresses = list(dict.fromkeys(info[4][0] for info in infos))
    for address in addresses:
        if not _allowed_address(ipaddress.ip_address(address.split("%")[0])):
            raise Refused(
                _("The webhook URL must not point at a private address."), reason="webhooks.url_private"
            )
    if not addresses:
        raise Refused(_("The webhook URL's host name does not resolve."), reason="webhooks.url_unresolvable")
    return Target(parts.scheme, host, port, path, addresses[0])


@dataclass(frozen=True)
class Answer:
    status: int | None
    body: str
    error: str
    latency_ms: int

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float):
        super().__init__(target.address, target.port, timeout=timeout)
        self._target = target


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """TLS to the checked address, with SNI and certificate verification for the URL's host name."""

    def __init__(self, target: Target, timeout: float):
        super().__init__(target.address, target.port, timeout=timeout, context=ssl.create_default_context())
        self._target = target

    def connect(self):
        sock = socket.create_connection((self._target.address, self._target.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self._target.host)


def post(url: str, body: bytes, headers: dict[str, str]) -> Answer:
    """One POST. Never raises: a refusal, a timeout or a broken connection is an Answer with an error."""
    timeout = float(settings.WEBHOOK_TIMEOUT)
    limit = int(settings.WEBHOOK_RESPONSE_MAX_BYTES)
    started = time.monotonic()

    def took() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        target = check_url(url)
    except Refused as exc:
        return Answer(None, "", str(exc.message), took())
    cls = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    conn = cls(target, timeout)
    host_header = target.host if ":" not in target.host else f"[{target.host}]"
    default_port = 443 if target.scheme == "https" else 80
    if target.port != default_port:
        host_header += f":{target.port}"
    try:
        conn.putrequest("POST", target.path, skip_host=True, skip_accept_encoding=True)
        for name, value in {"Host": host_header, "Content-Length": str(len(body)), **headers}.items():
            conn.putheader(name, value)
        conn.endheaders(body)
        response = conn.getresponse()
        chunks, size = [], 0
        while size < limit:
            if time.monotonic() - started > timeout:
                raise TimeoutError("the receiver's answer took too long")
            chunk = (
                response.read1(min(8192, limit - size)) if hasattr(response, "read1") else response.read(8192)
            )
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        text = b"".join(chunks).decode("utf-8", "replace")
        return Answer(response.status, text, "", took())
    except (OSError, http.client.HTTPException, ssl.SSLError) as exc:
        return Answer(None, "", f"{type(exc).__name__}: {exc}"[:500], took())
    finally:
        conn.close()
