"""The house's rules, read from the source: which part of `bot/` may import which, and no import circles.

- The core (`bot.catalog`, `bot.recommend`, `bot.store`, `bot.rhythm`, `bot.clock`) imports nothing from Discord.
- `bot.interactions` (what every feature shares) and `bot.ui` (what the bot shows) import no feature of
  `bot.exts`, and no feature imports another.
- No module imports itself through others, not even for type checking only: an `if TYPE_CHECKING:` import
  counts, since a circle there is one refactor away from a circle at run time.

Imports inside functions (the command line's lazy ones) count for the first two rules, not for circles.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE = ("bot.catalog", "bot.recommend", "bot.store", "bot.rhythm", "bot.clock")
DISCORD = ("discord",)


def module_name(path: Path) -> str:
    """'bot.ui.limits' for bot/ui/limits.py, 'bot.ui' for bot/ui/__init__.py."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted((ROOT / "bot").rglob("*.py"))}


def within(name: str, prefixes: tuple[str, ...]) -> bool:
    """Whether a module is one of these, or inside one of these packages."""
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


def imported(module: str, node: ast.Import | ast.ImportFrom) -> Iterator[str]:
    """The modules an import statement names (`from bot.ui import limits` names bot.ui and bot.ui.limits)."""
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
        return
    base = node.module or ""
    if node.level:  # relative: from the importing module's package
        package = module.split(".")
        if MODULES[module].name != "__init__.py":
            package = package[:-1]
        base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
    yield base
    for alias in node.names:
        if f"{base}.{alias.name}" in MODULES:
            yield f"{base}.{alias.name}"


def imports(module: str, *, top_level_only: bool) -> set[str]:
    """Every module `module` imports; with `top_level_only`, those run at import time or for type checking."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    found: set[str] = set()

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            if isinstance(child, ast.Import | ast.ImportFrom) and not (top_level_only and in_function):
                found.update(imported(module, child))
            visit(child, nested)

    visit(tree, False)
    return found


def dependencies(module: str) -> set[str]:
    """The bot modules importing `module` runs, type-only included, with the `__init__` of each package entered.

    A module's own packages are left out: Python runs them before the module, never because of it.
    """
    own = {".".join(module.split(".")[:end]) for end in range(1, module.count(".") + 2)}
    edges: set[str] = set()
    for name in imports(module, top_level_only=True):
        parts = name.split(".")
        edges.update(".".join(parts[:end]) for end in range(2, len(parts) + 1) if ".".join(parts[:end]) in MODULES)
    return edges - own


def import_graph() -> dict[str, set[str]]:
    """Each bot module and the bot modules importing it runs."""
    return {module: dependencies(module) for module in MODULES}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every group of modules that import one another in a circle (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def connect(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in sorted(graph[module]):
            if other not in index:
                connect(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            connect(module)
    return groups


def test_the_modules_are_found() -> None:
    assert {"bot.app", "bot.interactions.checks", "bot.exts.catalog_admin._cog", "bot.catalog.forms"} <= set(MODULES)


@pytest.mark.parametrize("module", [m for m in MODULES if within(m, CORE)])
def test_the_core_imports_nothing_from_discord(module: str) -> None:
    assert not {name for name in imports(module, top_level_only=False) if within(name, DISCORD)}


@pytest.mark.parametrize("module", [m for m in MODULES if within(m, ("bot.interactions", "bot.ui"))])
def test_shared_plumbing_and_ui_import_no_feature(module: str) -> None:
    assert not {name for name in imports(module, top_level_only=False) if within(name, ("bot.exts",))}


@pytest.mark.parametrize("module", [m for m in MODULES if within(m, ("bot.exts",)) and m != "bot.exts"])
def test_a_feature_imports_no_other_feature(module: str) -> None:
    feature = ".".join(module.split(".")[:3])  # bot.exts.<feature>, a module or a package
    others = {name for name in imports(module, top_level_only=False) if within(name, ("bot.exts",))}
    assert {name for name in others if not within(name, (feature,))} == set()


def test_no_module_imports_itself_through_others() -> None:
    assert circles(import_graph()) == []


def test_a_circle_would_be_found() -> None:
    """The check above can fail: the error handler importing the bot for its type would close a circle."""
    graph = import_graph()
    assert "bot.interactions.errors" in graph["bot.app"]
    graph["bot.interactions.errors"].add("bot.app")
    assert ["bot.app", "bot.interactions.errors"] in circles(graph)
