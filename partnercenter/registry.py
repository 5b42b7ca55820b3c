"""What the apps contribute to shared places: the left navigation, the Overview, Program info rows,
the demo cast, and for ops: the sections of the admin's landing page, the order of the admin's app
list and the names of job and email kinds.

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


@dataclass(frozen=True)
class OpsAction:
    """A button on an ops landing row: a POST form to `url` (with `next` back to the landing), or a plain
    link when `post` is False (a page that asks for more, like a rejection reason)."""

    label: Any
    url: str
    post: bool = True


@dataclass(frozen=True)
class OpsCount:
    """A number on the ops landing, linking to the changelist filtered to what it counts. `tone` is
    "" (plain), "warning" (needs attention soon) or "error" (needs attention now)."""

    label: Any
    count: int
    url: str
    tone: str = ""


@dataclass(frozen=True)
class OpsRow:
    """One thing waiting for ops: what it is (linking to its admin page), a detail line, an optional
    flag (`tone` as for OpsCount) and what ops can do about it."""

    label: Any
    url: str
    detail: Any = ""
    flag: Any = ""
    tone: str = ""
    actions: tuple[OpsAction, ...] = ()


@dataclass(frozen=True)
class OpsPanel:
    title: Any
    counts: list[OpsCount]
    rows: list[OpsRow]
    empty: Any
    more_url: str = ""


@dataclass(frozen=True)
class OpsSection:
    """A section of the admin's landing page: `panel(request) -> OpsPanel | None` (None: not for this
    user). A panel's queries must not grow with the number of rows it reports (count, then a few rows)."""

    name: str
    panel: Callable[[Any], OpsPanel | None]
    order: int = 100


@dataclass(frozen=True)
class StepStatus:
    """Where the partner stands on one checklist step. `done`; `waiting` when it cannot start yet (an
    earlier step must finish first); `detail` in plain words; a link to where the step is done."""

    title: Any
    done: bool
    detail: Any = ""
    url: str = ""
    link_label: Any = ""
    waiting: bool = False


@dataclass(frozen=True)
class ChecklistStep:
    """One step of the Overview's transition checklist (direct bill -> indirect reseller): `status(profile,
    programs, user) -> StepStatus | None` (None: the step does not apply to this partner)."""

    name: str
    status: Callable[[Any, dict, Any], Any]
    order: int = 100


@dataclass
class _Registry:
    nav: dict[str, NavEntry] = field(default_factory=dict)
    cards: dict[str, OverviewCard] = field(default_factory=dict)
    demos: dict[str, DemoSeeder] = field(default_factory=dict)
    program_rows: dict[str, ProgramRowsHook] = field(default_factory=dict)
    checklist: dict[str, ChecklistStep] = field(default_factory=dict)
    ops_sections: dict[str, OpsSection] = field(default_factory=dict)
    admin_order: dict[str, int] = field(default_factory=dict)
    job_labels: dict[str, Any] = field(default_factory=dict)
    email_labels: dict[str, Any] = field(default_factory=dict)


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


def register_checklist_step(step: ChecklistStep) -> None:
    _registry.checklist[step.name] = step


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


def checklist_steps() -> list[ChecklistStep]:
    return _ordered(_registry.checklist.values())


def register_ops_section(section: OpsSection) -> None:
    _registry.ops_sections[section.name] = section


def ops_sections() -> list[OpsSection]:
    return _ordered(_registry.ops_sections.values())


def register_admin_app(app_label: str, *, order: int) -> None:
    """Where an app stands in the admin's app list: the portal's apps in `order`, then the rest."""
    _registry.admin_order[app_label] = order


def admin_app_order(app_label: str) -> int | None:
    return _registry.admin_order.get(app_label)


def register_kind_labels(*, jobs: dict[str, Any] | None = None, emails: dict[str, Any] | None = None) -> None:
    """The names ops read for an app's job kinds and email kinds (translatable), instead of the codes."""
    _registry.job_labels.update(jobs or {})
    _registry.email_labels.update(emails or {})


def job_label(kind: str) -> str:
    label = _registry.job_labels.get(kind)
    return str(label) if label is not None else kind


def email_label(kind: str) -> str:
    label = _registry.email_labels.get(kind)
    return str(label) if label is not None else kind


def email_kind_choices() -> list[tuple[str, str]]:
    """The registered email kinds and their names, by name (an admin filter's choices)."""
    return sorted(((kind, str(label)) for kind, label in _registry.email_labels.items()), key=lambda c: c[1])
