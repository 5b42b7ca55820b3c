"""Keep link secrets out of log lines.

An invitation link carries its token in the URL path, and Django logs paths: the development server logs
every request (`django.server`) and `django.request` logs every 4xx/5xx answer ("Forbidden: /customers/
invitations/<token>/" when someone else opens a pending link). This filter, on the console handler,
replaces every long URL-safe path segment (a `secrets.token_urlsafe` token is 43 characters; our ids and
slugs are far shorter) with a marker, so no log line holds a usable link.
"""

from __future__ import annotations

import logging
import re

# A path segment of 32+ URL-safe characters, ended by "/", "?", "#", a quote, whitespace or the end.
TOKEN_SEGMENT = re.compile(r"(?<=/)[A-Za-z0-9_-]{32,}(?=[/?#\"'\s]|$)")
MARKER = "[redacted]"


def redact(text: str) -> str:
    return TOKEN_SEGMENT.sub(MARKER, text)


class RedactLinkTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def gunicorn_logger_class():
    """gunicorn's access log with link tokens masked in the request line, path and referer (named by
    gunicorn.conf.py; imported lazily so Django never needs gunicorn)."""
    from gunicorn.glogging import Logger

    class RedactingLogger(Logger):
        def atoms(self, resp, req, environ, request_time):
            atoms = super().atoms(resp, req, environ, request_time)
            for key in ("r", "U", "f"):
                if isinstance(atoms.get(key), str):
                    atoms[key] = redact(atoms[key])
            return atoms

    return RedactingLogger
