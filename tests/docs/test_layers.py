"""The floor plan holds: the import graph of events/, engine/ and cli/, read with ``ast``.

Arrows point one way (cli -> engine -> events); no cycles among the project's modules; no
import of a project module from inside a function (a lazy import of a heavy optional library
such as matplotlib is fine); no module takes another's private name; and nothing anywhere
imports ``events``, ``engine`` or ``cli`` as top-level packages (they install as
``timeline_engine.events``, ``timeline_engine.engine`` and ``timeline_engine.cli``).
"""

from __future__ import annotations

import ast
import itertools
import json
from collections.abc import Iterator
from pathlib import Path

import attrs

from tests.conftest import ROOT

PACKAGE = "timeline_engine"
LAYERS = ("events", "engine", "cli")  # lowest first: each may import only those before it
FOLDERS = {**{layer: ROOT / layer for layer in LAYERS}, "": ROOT / PACKAGE}


@attrs.frozen
class Import:
    importer: str  # module name, e.g. timeline_engine.engine.store
    path: str  # file, relative to the repository
    line: int
    target: str  # module (or package) imported, absolute
    names: tuple[str, ...]  # names taken from it (``from x import a, b``)
    in_function: bool
    type_checking: bool


def _module_files() -> dict[str, Path]:
    """Every module of the package by name: the three folders and the package's own files."""
    out = {}
    for folder, base in FOLDERS.items():
        prefix = f"{PACKAGE}.{folder}" if folder else PACKAGE
        for path in sorted(base.rglob("*.py")):
            parts = list(path.relative_to(base).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join([prefix, *parts])] = path
    return out


MODULES = _module_files()


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(
    body: list[ast.stmt], in_function: bool = False, type_checking: bool = False
) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool, bool]]:
    for node in body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node, in_function, type_checking
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield from _import_nodes(node.body, True, type_checking)
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            yield from _import_nodes(node.body, in_function, True)
            yield from _import_nodes(node.orelse, in_function, type_checking)
        else:
            for field in ("body", "orelse", "finalbody", "handlers"):
                inner = getattr(node, field, None)
                if isinstance(inner, list):
                    stmts = [s for s in inner if isinstance(s, ast.stmt)]
                    stmts += [s for h in inner if isinstance(h, ast.ExceptHandler) for s in h.body]
                    yield from _import_nodes(stmts, in_function, type_checking)


def _imports(name: str, path: Path, root: Path = ROOT) -> Iterator[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    rel = str(path.relative_to(root))
    for node, in_function, type_checking in _import_nodes(tree.body):
        where = dict(importer=name, path=rel, line=node.lineno, in_function=in_function, type_checking=type_checking)
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(target=alias.name, names=(), **where)
            continue
        if node.level:
            base = package.split(".")
            base = base[: len(base) - (node.level - 1)]
            module = ".".join(base + ([node.module] if node.module else []))
        else:
            module = node.module or ""
        names = tuple(a.name for a in node.names)
        submodules = [n for n in names if f"{module}.{n}" in MODULES]
        if submodules:  # ``from . import bulk``: the submodule is what is imported
            for n in submodules:
                yield Import(target=f"{module}.{n}", names=(), **where)
            names = tuple(n for n in names if n not in submodules)
            if not names:
                continue
        yield Import(target=module, names=names, **where)


ALL_IMPORTS = [i for name, path in MODULES.items() for i in _imports(name, path)]


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == PACKAGE and parts[1] in LAYERS else None


def _project(module: str) -> bool:
    return module == PACKAGE or module.startswith(PACKAGE + ".")


def _loaded(target: str) -> list[str]:
    """The project modules an import runs: the target and the packages above it."""
    parts = target.split(".")
    return [m for m in (".".join(parts[:k]) for k in range(1, len(parts) + 1)) if m in MODULES]


def _show(found: list[str]) -> str:
    return "\n  " + "\n  ".join(found)


def test_the_import_graph_sees_every_module_of_the_three_rooms():
    assert {_layer(m) for m in MODULES} == {None, *LAYERS}
    assert f"{PACKAGE}.engine.store" in MODULES and f"{PACKAGE}.cli.app" in MODULES
    # relative imports resolve to modules that exist
    assert any(i.target == f"{PACKAGE}.events.dates" for i in ALL_IMPORTS if i.importer.endswith("engine.timeline"))
    unresolved = [
        f"{i.path}:{i.line}: imports {i.target}, which is not a module of the project"
        for i in ALL_IMPORTS
        if _project(i.target) and i.target not in MODULES
    ]
    assert not unresolved, _show(unresolved)


def test_arrows_point_one_way_cli_to_engine_to_events():
    wrong = []
    for i in ALL_IMPORTS:
        mine, theirs = _layer(i.importer), _layer(i.target)
        if mine and theirs and LAYERS.index(theirs) > LAYERS.index(mine):
            wrong.append(f"{i.path}:{i.line}: {mine} imports {i.target} ({mine} must not import from {theirs})")
    assert not wrong, "imports against the arrows cli -> engine -> events:" + _show(wrong)


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module, or a module importing itself."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's algorithm; the graph is small, recursion is fine
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in edges.get(v, ()):
                out.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def _module_edges() -> tuple[dict[str, set[str]], dict[tuple[str, str], Import]]:
    """Module-level imports among the project's modules (TYPE_CHECKING blocks left out). An
    import also runs the packages above its target, except the importer's own packages."""
    edges: dict[str, set[str]] = {}
    where: dict[tuple[str, str], Import] = {}
    for i in ALL_IMPORTS:
        if i.in_function or i.type_checking:
            continue
        for target in _loaded(i.target):
            if i.importer == target or i.importer.startswith(target + "."):
                continue  # a module's own package is already being imported
            edges.setdefault(i.importer, set()).add(target)
            where.setdefault((i.importer, target), i)
    return edges, where


def _shortest_cycle(edges: dict[str, set[str]], component: list[str]) -> list[str]:
    """A shortest cycle through the first module of a component: [a, b, ..., a]."""
    inside, start = set(component), component[0]
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for v in frontier:
            for w in sorted(edges.get(v, set()) & inside):
                if w == start:
                    back = [v]
                    while back[-1] != start:
                        back.append(came_from[back[-1]])
                    return [*reversed(back), start]
                if w not in came_from:
                    came_from[w] = v
                    following.append(w)
        frontier = following
    raise AssertionError(f"no cycle through {start}")  # pragma: no cover - a component has one


def test_the_project_modules_import_each_other_without_cycles():
    edges, where = _module_edges()
    found = []
    for component in _cycles(edges):
        path = _shortest_cycle(edges, component)
        steps = [f"{where[a, b].path}:{where[a, b].line}: {a} imports {b}" for a, b in itertools.pairwise(path)]
        found.append(f"{len(component)} modules in a cycle, for example:" + _show(steps).replace("\n", "\n  "))
    assert not found, "import cycles (module level, TYPE_CHECKING blocks excluded):" + _show(found)


def test_the_cycle_finder_finds_a_cycle_and_names_only_its_modules():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert sorted(_cycles(edges)) == [["a", "b", "c"], ["e"]]
    assert _shortest_cycle(edges, ["a", "b", "c"]) == ["a", "b", "c", "a"]
    assert _shortest_cycle(edges, ["e"]) == ["e", "e"]


def test_no_function_imports_a_project_module():
    inside = [
        f"{i.path}:{i.line}: imports {i.target} inside a function (import it at the top of the module)"
        for i in ALL_IMPORTS
        if i.in_function and _project(i.target)
    ]
    assert not inside, "function-level imports of the project's own modules:" + _show(inside)


def test_no_module_imports_another_modules_private_name():
    private = [
        f"{i.path}:{i.line}: imports the private name {n!r} from {i.target}"
        for i in ALL_IMPORTS
        if _project(i.target)
        for n in i.names
        if n.startswith("_") and not (n.startswith("__") and n.endswith("__"))
    ]
    private += [
        f"{i.path}:{i.line}: imports the private module {i.target}"
        for i in ALL_IMPORTS
        if _project(i.target) and any(p.startswith("_") and not p.startswith("__") for p in i.target.split("."))
    ]
    assert not private, "private names taken from other modules:" + _show(private)


def _code_files() -> Iterator[tuple[str, str]]:
    """(where, Python source) of every module, test, benchmark and notebook cell in the repository."""
    for folder in (*LAYERS, PACKAGE, "tests", "benchmarks"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            yield str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")
    yield "setup.py", (ROOT / "setup.py").read_text(encoding="utf-8")
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for n, cell in enumerate(cells, 1):
            if cell["cell_type"] == "code":
                source = "".join(cell["source"])
                lines = ["" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()]
                yield f"{path.relative_to(ROOT)} cell {n}", "\n".join(lines)


def test_nothing_imports_the_rooms_as_top_level_packages():
    bare = []
    for where, source in _code_files():
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                tops = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                tops = [node.module]
            else:
                continue
            for top in tops:
                if top.split(".")[0] in LAYERS:
                    bare.append(f"{where}:{node.lineno}: imports {top} (use {PACKAGE}.{top})")
    assert not bare, "imports of the folders as top-level packages:" + _show(bare)


def test_the_reader_resolves_relative_imports_and_sees_where_each_import_stands(tmp_path):
    path = tmp_path / "engine" / "example.py"
    path.parent.mkdir()
    path.write_text(
        "from typing import TYPE_CHECKING\n"
        "from ..events.dates import When\n"
        "from . import store\n"
        "if TYPE_CHECKING:\n"
        "    from .timeline import Timeline\n"
        "def f():\n"
        "    from ..cli.common import _private\n",
        encoding="utf-8",
    )
    found = [
        (i.path, i.line, i.target, i.names, i.in_function, i.type_checking)
        for i in _imports(f"{PACKAGE}.engine.example", path, root=tmp_path)
    ]
    assert found == [
        ("engine/example.py", 1, "typing", ("TYPE_CHECKING",), False, False),
        ("engine/example.py", 2, f"{PACKAGE}.events.dates", ("When",), False, False),
        ("engine/example.py", 3, f"{PACKAGE}.engine.store", (), False, False),
        ("engine/example.py", 5, f"{PACKAGE}.engine.timeline", ("Timeline",), False, True),
        ("engine/example.py", 7, f"{PACKAGE}.cli.common", ("_private",), True, False),
    ]
