"""Ids from request input (query strings, form fields, JSON values), parsed in one place.

`str.isdigit()` is no guard before `int()`: it accepts superscripts such as `²`, which `int()` refuses
(a 500), while `int()` accepts Arabic-Indic and full-width digits and refuses more than 4,300 digits. An
id here is plain ASCII digits that fit a 64-bit primary key; anything else is "no such id" (None), which
the caller answers as it answers an unknown id: a 404, a 400 or a form error, never a 500.
"""

from __future__ import annotations

import uuid

MAX_PK = 2**63 - 1  # the largest BigAutoField value


def parse_pk(value) -> int | None:
    """A positive integer primary key from request input, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value <= MAX_PK else None
    text = value.strip() if isinstance(value, str) else ""
    if not text or len(text) > 19 or not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number <= MAX_PK else None


def parse_uuid(value) -> uuid.UUID | None:
    """A UUID from request input (any of the forms `uuid.UUID` reads, ASCII only), or None."""
    if isinstance(value, uuid.UUID):
        return value
    text = value.strip() if isinstance(value, str) else ""
    if not text or len(text) > 45 or not text.isascii():
        return None
    try:
        return uuid.UUID(text)
    except ValueError:
        return None
