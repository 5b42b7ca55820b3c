"""The floors of the house (docs/architecture.md), checked on the source itself.

The ground floor (the `partnercenter` core: clock, errors, events, jobs, emails, tokens, API plumbing,
registry) imports no app; `tenants` imports only the core; `enrollment` and `invitations` stand on
`tenants`; `customers` stands on those (it uses the one invitation module); the shell (settings, urls,
wsgi) may import everything and nothing imports it. No module imports itself back through others.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = [
    "partnercenter",
    "tenants",
    "enrollment",
    "invitations",
    "customers",
    "webhooks",
    "transition",
    "scenarios",
]
SHELL = ("partnercenter.urls", "partnercenter.settings", "partnercenter.wsgi")
# What each floor may import besides itself (the core is "core", the shell is "shell").
ALLOWED = {
    "core": {"core"},
    "tenants": {"core", "tenants"},
    "enrollment": {"core", "tenants", "enrollment"},
    "invitations": {"core", "tenants", "invitations"},
    "customers": {"core", "tenants", "invitations", "customers"},
    # Webhooks read the event table; they name no other app (only tenants' partner profiles and roles).
    "webhooks": {"core", "tenants", "webhooks"},
    # The bulk move of direct-bill customers stands on customers.
    "transition": {"core", "tenants", "invitations", "customers", "transition"},
    # Scenario sandboxes seed the whole cast through the registry; they stand on customers.
    "scenarios": {"core", "tenants", "invitations", "customers", "scenarios"},
    "shell": {
        "core",
        "tenants",
        "enrollment",
        "invitations",
        "customers",
        "webhooks",
        "transition",
        "scenarios",
        "shell",
    },
}
UPPER_NAMES = re.compile(r"\b(enrollment|invitations|customers|webhooks|transition|scenarios)[.:/]")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _sources() -> dict[str, Path]:
    return {
        _module_name(path): path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    }


MODULES = _sources()


def floor(module: str) -> str:
    if module.startswith(SHELL):
        return "shell"
    top = module.split(".")[0]
    return "core" if top == "partnercenter" else top


def _resolve(module: str, path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imports_of(module: str) -> set[str]:
    """Every project module `module` imports, at the top or inside a function, or names in
    importlib.import_module("...")."""
    path = MODULES[module]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(module, path, node)
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            targets = [node.args[0].value]
        for target in targets:
            # `from x import name`: the module x.name if it is one, else x itself.
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != module:
                found.add(target)
    return found


GRAPH = {module: imports_of(module) for module in MODULES}


def test_the_sources_were_found():
    assert {"partnercenter.events", "tenants.views", "customers.api.users"} <= set(GRAPH)


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_each_module_imports_only_its_own_floor_and_below(module):
    wrong = sorted(t for t in GRAPH[module] if floor(t) not in ALLOWED[floor(module)])
    assert not wrong, f"{module} ({floor(module)}) imports {wrong}"


def test_nothing_imports_the_shell():
    assert not [(m, t) for m, ts in GRAPH.items() for t in ts if floor(t) == "shell" and floor(m) != "shell"]


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_cycle_between_modules():
    assert _cycle(GRAPH) is None, " -> ".join(_cycle(GRAPH))


def test_no_import_cycle_between_floors():
    floors: dict[str, set[str]] = {}
    for module, targets in GRAPH.items():
        floors.setdefault(floor(module), set()).update(floor(t) for t in targets if floor(t) != floor(module))
    assert _cycle(floors) is None, " -> ".join(_cycle(floors))


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


# The event kinds ("enrollment.approved") are the audit trail's vocabulary, not references to the apps.
NAMING_EXEMPT = {"partnercenter.events"}


@pytest.mark.parametrize(
    "module", sorted(m for m in GRAPH if floor(m) in ("core", "tenants") and m not in NAMING_EXEMPT)
)
def test_lower_floors_name_no_upper_app(module):
    """Not even by a string (a template path, a URL name, a module path): upper apps register what they
    contribute (partnercenter.registry) instead."""
    tree = ast.parse(MODULES[module].read_text())
    docstrings = {
        id(n.body[0].value)
        for n in ast.walk(tree)
        if isinstance(n, ast.Module | ast.ClassDef | ast.FunctionDef)
        and n.body
        and isinstance(n.body[0], ast.Expr)
    }
    named = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and UPPER_NAMES.search(node.value)
    ]
    assert not named, f"{module} names {named}"
