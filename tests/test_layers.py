"""The layer contract: every import in ``src/relulab`` points down the layer order of docs/layout.md.

Bottom to top: registry, i18n, atomic, display -> activations, objectives -> data, models -> links (playground_url) ->
config -> training -> analysis -> viz -> sweep -> experiments -> lessons -> server, cli ->
notebook. Each module may import
only modules of its own layer or of a lower one. Every ``import`` statement counts: at the top of a
file, inside functions, and under ``if TYPE_CHECKING:`` (the ast walk sees them all). The one
exception is the package facade ``relulab/__init__.py``, which re-exports the public API of every
layer and is imported by nothing inside the package.

Inside a layer too, no module imports itself back through others: the graph of modules has no
cycle (``from pkg import mod`` counts as an import of ``mod`` alone when every name is a module). And
a part's private modules -- those whose name starts with ``_`` and those inside its subpackages --
are imported only by that part; the others go through the part's modules or a subpackage's
``__init__``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "relulab"

# (layer name, top-level parts of relulab that belong to it), bottom to top
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("registry, i18n, atomic, display", ("registry", "i18n", "atomic", "display")),
    ("activations, objectives", ("activations", "objectives")),
    ("data, models", ("data", "models")),
    ("links", ("playground_url",)),
    ("config", ("config",)),
    ("training", ("training",)),
    ("analysis", ("analysis",)),
    ("viz", ("viz",)),
    ("sweep", ("sweep",)),
    ("experiments", ("experiments",)),
    ("lessons", ("lessons",)),
    ("server, cli", ("server", "cli", "__main__")),
    ("notebook", ("notebook",)),  # the widget: beside the server, sharing its session code
]
LEVEL = {part: i for i, (_, parts) in enumerate(LAYERS) for part in parts}
FACADE = "relulab"


def module_name(path: Path, src: Path = SRC) -> str:
    rel = path.relative_to(src.parent).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def is_module(module: str, src: Path) -> bool:
    where = src.parent.joinpath(*module.split("."))
    return where.with_suffix(".py").is_file() or (where / "__init__.py").is_file()


def imported_modules(path: Path, src: Path = SRC) -> list[tuple[int, str]]:
    """``(line, absolute module)`` for every import in the file, relative ones resolved."""
    name = module_name(path, src)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            # ``from . import x`` and ``from .pkg import mod`` may name submodules: count them too, and
            # the package itself only when a name is not a module (then its __init__ gives it)
            subs = [f"{mod}.{a.name}" for a in node.names if is_module(f"{mod}.{a.name}", src)]
            out += [(node.lineno, m) for m in ([mod] if len(subs) < len(node.names) else []) + subs]
    return out


def layer_of(module: str) -> int | None:
    """The layer of a ``relulab.*`` module; None for the facade and for modules outside relulab."""
    parts = module.split(".")
    if parts[0] != "relulab" or len(parts) == 1:
        return None
    if parts[1] not in LEVEL:
        raise AssertionError(f"relulab.{parts[1]} is in no layer: add it to LAYERS in {__file__}")
    return LEVEL[parts[1]]


def all_imports(src: Path = SRC) -> Iterator[tuple[Path, str, int, str]]:
    """``(file, its module, line, imported module)`` for every import of every module but the facade."""
    for path in sorted(src.rglob("*.py")):
        mod = module_name(path, src)
        if mod != FACADE:
            for line, target in imported_modules(path, src):
                yield path, mod, line, target


def violations(src: Path = SRC) -> list[str]:
    found = []
    for path, mod, line, target in all_imports(src):
        where = f"{path.relative_to(src.parent)}:{line}"
        if target == FACADE:
            found.append(f"{where}: imports the facade 'relulab'; import the module that defines the name instead")
            continue
        own, theirs = layer_of(mod), layer_of(target)
        if theirs is not None and own is not None and theirs > own:
            found.append(f"{where}: {mod} (layer {LAYERS[own][0]!r}) imports {target} (layer "
                         f"{LAYERS[theirs][0]!r}), which is above it")
    return found


def test_every_import_points_down():
    found = violations()
    assert not found, "upward imports:\n" + "\n".join(found)


def test_every_package_part_has_a_layer():
    parts = {p.stem if p.is_file() else p.name for p in SRC.iterdir()
             if (p.suffix == ".py" or (p / "__init__.py").exists()) and p.name != "__init__.py"}
    assert parts <= set(LEVEL), f"parts of relulab without a layer: {sorted(parts - set(LEVEL))}"


@pytest.mark.parametrize("where, code", [
    ("data/_planted.py", "def f():\n    from ..config import RunConfig\n"),
    ("data/_planted.py", "import typing\nif typing.TYPE_CHECKING:\n    from relulab.training import train\n"),
    ("training/_planted.py", "import relulab.analysis.collapse\n"),
    ("playground_url_planted.py", "from relulab import config\n"),
])
def test_a_planted_upward_import_is_caught(tmp_path, where, code):
    # A copy of the tree with one bad import added: the check must name it.
    import shutil

    tree = tmp_path / "relulab"
    shutil.copytree(SRC, tree, ignore=shutil.ignore_patterns("__pycache__", "static"))
    target = tree / where
    target.write_text(code)
    if where == "playground_url_planted.py":  # a new top-level module must first get a layer
        LEVEL["playground_url_planted"] = LEVEL["playground_url"]
    try:
        found = violations(tree)
    finally:
        LEVEL.pop("playground_url_planted", None)
    assert any(str(Path("relulab") / where) in v for v in found), found


def part_graph(src: Path = SRC) -> dict[str, set[str]]:
    """Which top-level parts of relulab each part imports (the facade left out)."""
    graph: dict[str, set[str]] = {}
    for _, mod, _, target in all_imports(src):
        own, parts = mod.split(".")[1], target.split(".")
        if parts[0] == FACADE and len(parts) > 1 and parts[1] != own:
            graph.setdefault(own, set()).add(parts[1])
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as a path ``[a, b, ..., a]``, or None (depth-first search)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_no_cycle_between_parts():
    # Parts of one layer (data and models, server and cli) may import each other one way only.
    cycle = find_cycle(part_graph())
    assert cycle is None, f"import cycle between parts of relulab: {' -> '.join(cycle)}"


def test_the_cycle_finder_finds_cycles():
    assert find_cycle({"data": {"models"}, "models": {"data"}}) == ["data", "models", "data"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_the_layout_page_lists_every_part():
    # docs/layout.md's block names every part of src/relulab (each layer above has one or more).
    page = (SRC.parents[1] / "docs" / "layout.md").read_text(encoding="utf-8")
    block = page.split("```", 2)[1]
    listed = {line.split()[0].rstrip("/").removesuffix(".py") for line in block.splitlines()
              if line.startswith("  ") and line.strip() and not line.strip().startswith("#")}
    parts = {p.stem if p.is_file() else p.name for p in SRC.iterdir()
             if p.suffix == ".py" or (p / "__init__.py").exists()}
    assert listed == parts, f"docs/layout.md lists {sorted(listed - parts)}, which do not exist, and lacks " \
                            f"{sorted(parts - listed)}"
    prose = " ".join(page.split("```", 1)[0].split())
    assert " → ".join(name for name, _ in LAYERS) in prose  # the order this test enforces


def module_graph(src: Path = SRC) -> dict[str, set[str]]:
    """Which modules of relulab each module imports (the facade left out)."""
    graph: dict[str, set[str]] = {}
    for _, mod, _, target in all_imports(src):
        if target.startswith(FACADE + ".") and target != mod:
            graph.setdefault(mod, set()).add(target)
    return graph


def test_no_cycle_between_modules():
    # Inside a package too: a module never imports itself back, at the top, in a function or for types.
    cycle = find_cycle(module_graph())
    assert cycle is None, f"import cycle between modules of relulab: {' -> '.join(cycle)}"


def test_a_planted_cycle_inside_a_package_is_caught(tmp_path):
    import shutil

    tree = tmp_path / "relulab"
    shutil.copytree(SRC, tree, ignore=shutil.ignore_patterns("__pycache__", "static"))
    (tree / "training" / "_planted.py").write_text("def f():\n    from .history import History\n")
    (tree / "training" / "history.py").write_text((tree / "training" / "history.py").read_text()
                                                  + "\nif False:\n    from . import _planted\n")
    cycle = find_cycle(module_graph(tree))
    assert cycle is not None and set(cycle) == {"relulab.training.history", "relulab.training._planted"}, cycle


def private_imports(src: Path = SRC) -> list[str]:
    """Imports of another part's private module: a name part starting with ``_``, or inside a subpackage."""
    found = []
    for path, mod, line, target in all_imports(src):
        parts = target.split(".")
        if parts[0] != FACADE or len(parts) < 3 or parts[1] == mod.split(".")[1]:
            continue
        if any(p.startswith("_") for p in parts[2:]) or len(parts) > 3:
            found.append(f"{path.relative_to(src.parent)}:{line}: {mod} imports {target}, private to "
                         f"relulab.{parts[1]}; import what it needs from a public module of relulab.{parts[1]}")
    return found


def test_no_part_imports_another_parts_private_module():
    found = private_imports()
    assert not found, "imports of private modules:\n" + "\n".join(found)


@pytest.mark.parametrize("code", ["from ..training.compiled import kernels\n", "from ..data import _fixtures\n"])
def test_a_planted_private_import_is_caught(tmp_path, code):
    import shutil

    tree = tmp_path / "relulab"
    shutil.copytree(SRC, tree, ignore=shutil.ignore_patterns("__pycache__", "static"))
    (tree / "data" / "_fixtures.py").write_text("")
    (tree / "viz" / "planted.py").write_text(code)
    assert any("relulab/viz/planted.py" in v for v in private_imports(tree)), private_imports(tree)
