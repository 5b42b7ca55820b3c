"""The left navigation, built from the entries the apps registered (partnercenter.registry). Entries
depend on the tenant's programs (R8: "Indirect providers" appears only once the partner is an active
indirect reseller); an entry whose page is not installed is left out."""

from __future__ import annotations

import logging

from django.urls import NoReverseMatch, reverse

from .registry import NavContext, NavEntry, nav_entries

__all__ = ["NavContext", "NavEntry", "nav_for"]

log = logging.getLogger(__name__)


def _url(url_name: str) -> str | None:
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


def nav_for(ctx: NavContext, current_path: str) -> list[dict]:
    """The visible entries in order. The entry whose URL is the longest prefix of the current path is
    the active one (so /enrollment/incentives/ marks Incentives, not the enrollment page too)."""
    items = []
    for entry in nav_entries():
        try:
            visible = entry.visible(ctx)
        except Exception:  # noqa: BLE001 - a broken predicate hides its entry, never the whole page
            log.exception("navigation predicate for %s failed", entry.url_name)
            visible = False
        if not visible:
            continue
        url = _url(entry.url_name)
        if url is None:
            continue
        items.append(
            {"label": entry.label, "url": url, "icon": entry.icon, "active": False, "name": entry.url_name}
        )
    matches = [
        item
        for item in items
        if current_path == item["url"] or (item["url"] != "/" and current_path.startswith(item["url"]))
    ]
    if matches:
        max(matches, key=lambda item: len(item["url"]))["active"] = True
    return items
