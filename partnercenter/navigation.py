"""The left navigation. Entries depend on the tenant's programs (R8: "Indirect providers" appears only
once the partner is an active indirect reseller). An entry whose page is not installed is left out."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from tenants.models import Program

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NavContext:
    user: object
    profile: object | None
    programs: dict  # program -> ProgramMembership

    @property
    def is_partner(self) -> bool:
        return self.profile is not None

    def has(self, program: str) -> bool:
        m = self.programs.get(program)
        return m is not None and m.status == "active"

    def member(self, program: str) -> bool:
        return program in self.programs


@dataclass(frozen=True)
class NavEntry:
    label: object
    url_name: str
    icon: str
    visible: Callable[[NavContext], bool]


ENTRIES: list[NavEntry] = [
    NavEntry(_("Overview"), "overview", "home", lambda c: True),
    NavEntry(_("Partner profile"), "profile", "id", lambda c: c.is_partner),
    NavEntry(
        _("Indirect reseller enrollment"),
        "enrollment:enroll",
        "flag",
        lambda c: c.member(Program.DIRECT_BILL) and not c.has(Program.INDIRECT_RESELLER),
    ),
    NavEntry(
        _("Indirect providers"),
        "invitations:indirect_providers",
        "link",
        lambda c: c.has(Program.INDIRECT_RESELLER),
    ),
    NavEntry(
        _("Find a provider"),
        "invitations:find_provider",
        "search",
        lambda c: c.member(Program.DIRECT_BILL) or c.has(Program.INDIRECT_RESELLER),
    ),
    NavEntry(
        _("Indirect resellers"),
        "invitations:indirect_resellers",
        "people",
        lambda c: c.has(Program.INDIRECT_PROVIDER),
    ),
    NavEntry(_("Customers"), "customers:list", "building", lambda c: c.is_partner),
    NavEntry(_("Partner relationships"), "customers:my_partners", "handshake", lambda c: not c.is_partner),
    NavEntry(_("Incentives"), "enrollment:incentives", "gift", lambda c: c.is_partner),
    NavEntry(_("API keys"), "api_keys", "key", lambda c: True),
]


def _url(url_name: str) -> str | None:
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


def nav_for(ctx: NavContext, current_path: str) -> list[dict]:
    """The visible entries in order. The entry whose URL is the longest prefix of the current path is
    the active one (so /enrollment/incentives/ marks Incentives, not the enrollment page too)."""
    items = []
    for entry in ENTRIES:
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
