"""Imports in ``recsys`` follow the one-way flow stated in ``recsys/__init__.py``: no module imports
from a later stage (imports inside functions included), and the packages' imports form no cycle."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import recsys

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "recsys"

# Importable by every stage: they import no other RecLens package.
FOUNDATION = ("errors", "output", "ranking")
# Levels of the flow, earliest first; packages on one level may import each other.
LEVELS = (("data",), ("text", "graph"), ("model",), ("train",), ("recommend",), ("explain", "evaluate", "fairness"),
          ("cli", "__main__"), ("ui",))


def level_of(module: str) -> int:
    """``-1`` for the foundation and the root package, else the index of the module's level."""
    parts = module.split(".")
    if len(parts) == 1 or parts[1] in FOUNDATION:
        return -1
    for i, names in enumerate(LEVELS):
        if parts[1] in names:
            return i
    raise AssertionError(f"{module}: recsys.{parts[1]} has no stage; add it to LEVELS (and recsys/__init__.py)")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _resolve(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".")
    base = base[: len(base) - node.level + (1 if is_package else 0)]
    return ".".join(base + ([node.module] if node.module else []))


def recsys_imports(source: str, module: str, is_package: bool = False) -> list[tuple[int, str]]:
    """``(line, imported recsys module)`` of every import in ``source``, at any depth; for ``from
    pkg import name`` the submodule ``pkg.name`` when it exists, else ``pkg``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(node, module, is_package)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                rel = Path(*sub.split("."))
                exists = (ROOT / rel).with_suffix(".py").is_file() or (ROOT / rel / "__init__.py").is_file()
                found.append((node.lineno, sub if exists else base))
    return [(line, name) for line, name in found if name == "recsys" or name.startswith("recsys.")]


MODULES = sorted(PACKAGE.rglob("*.py"))


def _imports(path: Path) -> list[tuple[int, str]]:
    return recsys_imports(path.read_text(encoding="utf-8"), module_name(path), path.name == "__init__.py")


def test_the_check_sees_backward_imports():
    source = "def f():\n    from recsys.recommend import Recommender\n    from . import scoring\n"
    found = recsys_imports(source, "recsys.train.fit")
    assert found == [(2, "recsys.recommend"), (3, "recsys.train")]
    assert level_of("recsys.recommend") > level_of("recsys.train.fit")
    assert level_of("recsys.ranking.topk") == level_of("recsys.errors") == level_of("recsys") == -1


def test_the_docstring_states_these_levels():
    flow = re.search(r"``(data ->.*?)``", " ".join(recsys.__doc__.split())).group(1)
    stated = tuple(tuple(name.strip() for name in level.split("/")) for level in flow.split("->"))
    assert stated == tuple(tuple(n for n in names if n != "__main__") for names in LEVELS)


def test_every_package_has_a_stage():
    for path in MODULES:
        level_of(module_name(path))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_import_from_a_later_stage(path: Path):
    module = module_name(path)
    later = [f"line {line}: {name}" for line, name in _imports(path) if level_of(name) > level_of(module)]
    assert not later, f"{module} (stage {module.split('.')[1]}) imports from a later stage: {', '.join(later)}"


def test_packages_import_each_other_without_cycles():
    edges: dict[str, set[str]] = {}
    for path in MODULES:
        src = module_name(path).split(".")[:2]
        for _, name in _imports(path):
            dst = name.split(".")[:2]
            if len(src) == len(dst) == 2 and src != dst:
                edges.setdefault(src[1], set()).add(dst[1])

    def reaches(a: str, b: str, seen: set) -> bool:
        return any(n == b or (n not in seen and reaches(n, b, seen | {n})) for n in edges.get(a, ()))

    cycles = sorted(f"{a} <-> {b}" for a in edges for b in edges[a] if reaches(b, a, {b}))
    assert not cycles, f"packages import each other: {cycles}"


# Inside ``recsys.ui``, earliest first: charts draw, session holds state, views render both.
UI_LAYERS = ("charts", "session", "views")


def ui_layer_of(module: str) -> int | None:
    """Index of a ``recsys.ui`` module's layer; ``None`` outside the layers (``recsys.ui``,
    ``recsys.ui.pages``: the top, importable by any layer as it imports no other ui module)."""
    parts = module.split(".")
    if parts[:2] != ["recsys", "ui"] or len(parts) < 3 or parts[2] not in UI_LAYERS:
        return None
    return UI_LAYERS.index(parts[2])


def test_the_check_sees_a_later_ui_layer():
    found = recsys_imports("from recsys.ui.views import users\n", "recsys.ui.session.runs")
    assert found == [(1, "recsys.ui.views.users")]
    assert ui_layer_of("recsys.ui.views.users") > ui_layer_of("recsys.ui.session.runs") > ui_layer_of("recsys.ui.charts")
    assert ui_layer_of("recsys.ui.pages") is None


def test_every_ui_module_has_a_layer():
    tops = {"recsys.ui", "recsys.ui.pages"}
    loose = [m for m in map(module_name, MODULES) if m.startswith("recsys.ui") and m not in tops and ui_layer_of(m) is None]
    assert not loose, f"put these in recsys/ui/{{{','.join(UI_LAYERS)}}}/: {loose}"


@pytest.mark.parametrize("path", [p for p in MODULES if ui_layer_of(module_name(p)) is not None],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_ui_layers_import_only_earlier_layers(path: Path):
    module = module_name(path)
    level = ui_layer_of(module)
    later = [f"line {line}: {name}" for line, name in _imports(path) if (ui_layer_of(name) or 0) > level]
    assert not later, f"{module} imports a later ui layer: {', '.join(later)}"
