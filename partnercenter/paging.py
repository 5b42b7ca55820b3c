"""Seek (keyset) paging for every list of a book of 100,000 (SPEC §11, CONVENTIONS "Lists").

A page is found by its sort key, not by its position: the link to the next page carries the sort key of
the last row shown (the previous link, that of the first), signed and bound to the path it was issued
for. The database walks the sort index from that key and stops after one page, so page 4,000 costs what
page 1 costs. There is no page number and no COUNT over the whole set; the total shown is counted up to
COUNT_CAP rows (a bounded query) and says "more than" beyond it.

The queryset's order (or its model's Meta.ordering) is the sort key; the primary key is appended when
it is not the last key, so the order is total and pages neither repeat nor skip rows. Sort keys must not
be NULL (names, dates, ids).
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from dataclasses import dataclass, field

from django.core import signing
from django.db.models import Q, QuerySet

COUNT_CAP = 1000
_SIGNER = signing.Signer(salt="partnercenter.seek")


class BadCursor(ValueError):
    """A tampered, foreign (another path's) or malformed page token."""


@dataclass
class SeekPage:
    object_list: list
    next_token: str | None = None
    previous_token: str | None = None
    total: int = 0
    total_exact: bool = True
    extra: dict = field(default_factory=dict)

    @property
    def has_next(self) -> bool:
        return self.next_token is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_token is not None

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


def sort_keys(qs: QuerySet) -> list[str]:
    """The queryset's ordering as field paths ("-created_at", "company_name", …), ending with the pk."""
    keys = list(qs.query.order_by or (qs.query.get_meta().ordering if qs.query.default_ordering else []))
    keys = [k for k in keys if isinstance(k, str) and k != "?"]
    if not keys or keys[-1].lstrip("-") not in ("pk", "id", qs.model._meta.pk.name):
        keys.append("-pk" if keys and keys[-1].startswith("-") else "pk")
    return keys


def _value(obj, path: str):
    for part in path.lstrip("-").split("__"):
        obj = getattr(obj, part)
    return obj


def _plain(value):
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    return value


def _after(keys: list[str], values: list, *, backwards: bool) -> Q:
    """Rows strictly after `values` in the order `keys` (before, when walking backwards): the lexicographic
    comparison spelled out, plus a range on the first key so the database seeks its index."""
    cond = Q()
    equal = Q()
    for key, value in zip(keys, values, strict=True):
        name = key.lstrip("-")
        descending = key.startswith("-") != backwards
        op = "lt" if descending else "gt"
        cond |= equal & Q(**{f"{name}__{op}": value})
        equal &= Q(**{name: value})
    first = keys[0].lstrip("-")
    first_op = "lte" if keys[0].startswith("-") != backwards else "gte"
    return Q(**{f"{first}__{first_op}": values[0]}) & cond


def sign(path: str, direction: str, values: list) -> str:
    return _SIGNER.sign_object({"p": path, "d": direction, "k": [_plain(v) for v in values]})


def unsign(token: str, path: str, nkeys: int) -> tuple[str, list]:
    try:
        data = _SIGNER.unsign_object(token.strip())
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise BadCursor(str(exc)) from None
    if (
        not isinstance(data, dict)
        or data.get("p") != path
        or data.get("d") not in ("next", "prev")
        or not isinstance(data.get("k"), list)
        or len(data["k"]) != nkeys
    ):
        raise BadCursor("token does not belong here")
    return data["d"], data["k"]


def capped_count(qs: QuerySet, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """How many rows, counted up to `cap` (one bounded query): (count, exact)."""
    n = qs.order_by().values("pk")[: cap + 1].count()
    return min(n, cap), n <= cap


def seek_page(qs: QuerySet, *, path: str, token: str | None, size: int, count: bool = True) -> SeekPage:
    """One page of `qs` after (or before) the signed `token`'s sort key. Raises BadCursor for a token that
    was not issued for `path` by this portal. Two queries at most: the page (one row more than asked, to
    know whether another follows) and, with `count`, the capped total, which a first page that holds the
    whole set does not need."""
    keys = sort_keys(qs)
    direction, values = ("next", None)
    if token:
        direction, values = unsign(token, path, len(keys))
    backwards = direction == "prev"
    page_qs = qs
    if values is not None:
        page_qs = page_qs.filter(_after(keys, values, backwards=backwards))
    if backwards:
        page_qs = page_qs.order_by(*[k[1:] if k.startswith("-") else f"-{k}" for k in keys])
    else:
        page_qs = page_qs.order_by(*keys)
    rows = list(page_qs[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    page = SeekPage(object_list=rows)
    if rows:
        first, last = [_value(rows[0], k) for k in keys], [_value(rows[-1], k) for k in keys]
        if more if not backwards else True:
            page.next_token = sign(path, "next", last)
        if (values is not None) if not backwards else more:
            page.previous_token = sign(path, "prev", first)
    if count and values is None and not more:
        # The first page holds the whole set (a search's few matches, a small book): its rows are the total.
        page.total, page.total_exact = len(rows), True
    elif count:
        page.total, page.total_exact = capped_count(qs)
    return page
