""" "Why can't I?": every action a user may be refused explains itself.

Each app registers its actions here from its `AppConfig.ready()`. An action's `explain(user, params)` asks
the very refusal functions (or raising guards) its services use, so the explanation and the refusal cannot
disagree: `allowed` is False exactly when the service would refuse, and `refusals` are the errors it would
raise, with their `reason` codes. Around them the explainer lists the rules that apply (in plain words),
the concrete facts that decided (role, programs, flags, relationships, states) and, per refusal reason,
what would change the answer.

The page panel (`{% explain_panel %}`), the "Why can't I?" page and `GET /v1/permissions/explain` all
render an `Explanation`; none of them decides anything.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from .errors import DomainError, InvalidInput, NotFound


@dataclass(frozen=True)
class Fact:
    """One fact that decided: a stable `key` for programs, a translated `label` and its value in words."""

    key: str
    label: Any
    value: Any

    def as_data(self) -> dict:
        return {"name": self.key, "label": str(self.label), "value": str(self.value)}


@dataclass
class Explanation:
    action: str
    label: Any
    refusals: list[DomainError] = field(default_factory=list)
    rules: list[Any] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    changes: list[Any] = field(default_factory=list)

    @property
    def allowed(self) -> bool:
        return not self.refusals

    @property
    def reason(self) -> str:
        """The reason code of the first refusal ("" when allowed): the one the service raises."""
        return self.refusals[0].reason if self.refusals else ""

    @property
    def reasons(self) -> list[str]:
        return [r.reason for r in self.refusals]

    def as_body(self) -> dict:
        return {
            "action": self.action,
            "actionName": str(self.label),
            "allowed": self.allowed,
            "reason": self.reason or None,
            "refusals": [{"reason": r.reason, "description": str(r.message)} for r in self.refusals],
            "rules": [str(r) for r in self.rules],
            "facts": [f.as_data() for f in self.facts],
            "whatWouldChange": [str(c) for c in self.changes],
            "attributes": {"objectType": "PermissionExplanation"},
        }


Explainer = Callable[[Any, Mapping[str, str]], Explanation]


@dataclass(frozen=True)
class Action:
    """An action users may be refused. `params` are the query parameters it needs (API names, e.g.
    "customerId"); `explain(user, params)` builds the explanation; `order` sorts the "Why can't I?" page."""

    name: str
    label: Any
    explain: Explainer
    params: tuple[str, ...] = ()
    order: int = 100


_actions: dict[str, Action] = {}


def register(action: Action) -> None:
    _actions[action.name] = action  # keyed by name: a second ready() replaces, never doubles


def actions() -> list[Action]:
    return sorted(_actions.values(), key=lambda a: (a.order, a.name))


def action_named(name: str) -> Action:
    action = _actions.get((name or "").strip())
    if action is None:
        raise InvalidInput(
            _("Unknown action. Known actions: %(names)s.") % {"names": ", ".join(a.name for a in actions())},
            fields={"action": [_("Unknown action.")]},
        )
    return action


def explain(name: str, user, params: Mapping[str, str] | None = None) -> Explanation:
    """The explanation of `name` for `user`. Missing parameters are refused as input, and an object the
    user's tenant does not hold is NotFound, exactly as the action itself would answer."""
    action = action_named(name)
    params = params or {}
    missing = [p for p in action.params if not str(params.get(p) or "").strip()]
    if missing:
        raise InvalidInput(
            _("This action needs: %(params)s.") % {"params": ", ".join(missing)},
            fields={p: [_("This parameter is required.")] for p in missing},
        )
    return action.explain(user, params)


def build(
    name: str,
    label,
    *,
    refusals: list[DomainError | None],
    rules: list,
    facts: list[Fact],
    remedies: Mapping[str, Any],
) -> Explanation:
    """An explanation from the refusals the action's own checks returned (None entries are dropped);
    `remedies` maps a refusal reason to what would change the answer."""
    kept = [r for r in refusals if r is not None]
    for refusal in kept:
        if isinstance(refusal, NotFound):
            raise refusal  # the object is not the user's to ask about: answer as the action would
    changes = []
    for refusal in kept:
        remedy = remedies.get(refusal.reason)
        if remedy is not None and remedy not in changes:
            changes.append(remedy)
    return Explanation(action=name, label=label, refusals=kept, rules=rules, facts=facts, changes=changes)


def refusal_of(check: Callable[[], Any]) -> DomainError | None:
    """The DomainError a raising guard raises (None when it passes): lets an explainer ask a service's own
    `require_*` guard."""
    try:
        check()
    except DomainError as exc:
        return exc
    return None
