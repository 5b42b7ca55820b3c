"""Secret link tokens: >=128 bits from `secrets`, only a SHA-256 hash stored (Zulip confirmation style)."""

import hashlib
import secrets


def token_new() -> tuple[str, str]:
    """A fresh (token, hash) pair. Show the token once; store only the hash."""
    token = secrets.token_urlsafe(32)  # 256 bits
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256((token or "").encode("utf-8")).hexdigest()
