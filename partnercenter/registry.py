"""What the apps contribute to shared places: the left navigation, the Overview, Program info rows and
the demo cast.

The ground floor names no app. Each app registers its own contributions from its `AppConfig.ready()`;
the shell (the layout, the Overview page, `seed_demo`) reads them here in `order`, so adding an app or
taking one out never means editing another app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class NavContext:
    """What a navigation predicate may look at: the user, its partner profile (None for a customer
    tenant) and its program memberships keyed by program value."""

    user: Any
    profile: Any | None
    programs: dict

    @property
    def is_partner(self) -> bool:
        return self.profile is not None

    def has(self, program: str) -> bool:
        """An active member of `program`."""
        m = self.programs.get(program)
        return m is not None and m.status == "active"

    def member(self, program: str) -> bool:
        return program in self.programs


@dataclass(frozen=True)
class NavEntry:
    label: Any
    url_name: str
    icon: str
    visible: Callable[[NavContext], bool]
    order: int = 100


@dataclass(frozen=True)
class OverviewCard:
    """A template included in the Overview page with the page's context (`profile`, `programs`)."""

    template: str
    order: int = 100


@dataclass(frozen=True)
class DemoSeeder:
    """`seed(tenants: dict) -> None`, idempotent; `tenants` is what the lower seeders built so far."""

    name: str
    seed: Callable[[dict], Any]
    order: int = 100


@dataclass(frozen=True)
class ProgramRowsHook:
    """`rows(profile, rows) -> rows`: adds what an app knows to the profile's Program info rows."""

    name: str
    rows: Callable[[Any, list], list]
    order: int = 100


@dataclass
class _Registry:
    nav: dict[str, NavEntry] = field(default_factory=dict)
    cards: dict[str, OverviewCard] = field(default_factory=dict)
    demos: dict[str, DemoSeeder] = field(default_factory=dict)
    program_rows: dict[str, ProgramRowsHook] = field(default_factory=dict)


_registry = _Registry()


# Keyed by name, so a second ready() (tests reload apps) replaces an entry instead of doubling it.
def register_nav(entry: NavEntry) -> None:
    _registry.nav[entry.url_name] = entry


def register_overview_card(card: OverviewCard) -> None:
    _registry.cards[card.template] = card


def register_demo(seeder: DemoSeeder) -> None:
    _registry.demos[seeder.name] = seeder


def register_program_rows(hook: ProgramRowsHook) -> None:
    _registry.program_rows[hook.name] = hook


def _ordered(items):
    return sorted(items, key=lambda item: item.order)


def nav_entries() -> list[NavEntry]:
    return _ordered(_registry.nav.values())


def overview_cards() -> list[str]:
    return [card.template for card in _ordered(_registry.cards.values())]


def demo_seeders() -> list[DemoSeeder]:
    return _ordered(_registry.demos.values())


def program_rows_hooks() -> list[ProgramRowsHook]:
    return _ordered(_registry.program_rows.values())
