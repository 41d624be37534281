"""The house rules, read from the source with ``ast`` (nothing is imported or run).

- The Streamlit side lives in ``geo/app/``: no ``geo/ui*.py``, no Streamlit import elsewhere in
  ``geo/`` (``geo/bench/`` drives the app with AppTest for its timings), pages are thin.
- Every session-state and widget key is named in ``geo/app/state.py`` and nowhere else.
- No import circles among geo modules, and no arrow from a lower floor to a higher one.

How imports are counted: every ``import`` statement counts, at module level or inside a
function. A function-level ("lazy") import only postpones a circle to the first call, and an
upward lazy import is still an upward arrow, so both checks include them. Imports under
``if TYPE_CHECKING:`` are left out (they never run). ``from geo.x import name`` is an arrow
to ``geo.x.name`` when that is a module, else to ``geo.x``; a package's ``__init__`` is not
an arrow target just because one of its submodules is imported.
"""
from __future__ import annotations

import ast
import fnmatch
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GEO = ROOT / "geo"

# Floors, lowest first. A module may import modules on its own floor or below, never above.
FLOORS: list[tuple[str, tuple[str, ...]]] = [
    ("words and rules", ("geo", "geo.contract", "geo.config", "geo.ids", "geo.filenames", "geo.i18n", "geo.validate_numbers")),
    ("geometry, filters, validation", ("geo.query", "geo.item_columns", "geo.coords", "geo.areas", "geo.validate", "geo.validate_location")),
    ("data: stores, places, extraction, geocoding", (
        "geo.store", "geo.store.*", "geo.gazetteer", "geo.gazetteer.*", "geo.extract", "geo.extract.*",
        "geo.geocode", "geo.geocode.*", "geo.auth", "geo.photos", "geo.synthetic")),
    ("work: build, locate, edit, map, import, export, report", (
        "geo.build", "geo.locate", "geo.field", "geo.editing", "geo.history_view", "geo.corrections", "geo.plantext", "geo.table",
        "geo.assets", "geo.mapview", "geo.mapview.*", "geo.importer", "geo.importer.*", "geo.export",
        "geo.export.*", "geo.report", "geo.report.*", "geo.projector", "geo.projector.*", "geo.crs", "geo.progress", "geo.progress.*",
        "geo.boundaries")),
    ("the CLI's shared pieces", ("geo.cli",)),
    ("wings: the app, the commands, the benchmarks", (
        "geo.app", "geo.app.*", "geo.__main__", "geo.*.cli", "geo.*_cli", "geo.bench", "geo.bench.*",
        "geo.progress.evaluate")),
]
# Wings sit side by side: one wing does not import another (a command is no page, and one
# command does not borrow from another: what two commands share goes down to geo.cli or below).
# The benchmarks time the app, so they may name its session keys.
WING_ARROWS_ALLOWED = {("geo.bench.child", "geo.app.state")}

# Import circles tolerated while a branch is untangling one; empty now, and it must stay so.
KNOWN_CIRCLES: list[set[str]] = []


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@lru_cache(maxsize=1)
def modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(GEO.rglob("*.py"))}


@lru_cache(maxsize=None)
def tree(name: str) -> ast.Module:
    return ast.parse(modules()[name].read_text(encoding="utf-8"), filename=str(modules()[name]))


def _type_checking_nodes(module: ast.Module) -> set[int]:
    skip = set()
    for node in ast.walk(module):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip |= {id(n) for n in ast.walk(node)}
    return skip


def _resolve(target: str) -> str | None:
    mods = modules()
    while target and target not in mods:
        target = target.rpartition(".")[0]
    return target or None


def imports_of(name: str) -> set[str]:
    """The geo modules ``name`` imports (module level and inside functions)."""
    mods = modules()
    module = tree(name)
    skip = _type_checking_nodes(module)
    package = name if mods[name].name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(module):
        if id(node) in skip:
            continue
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in mods else base for a in node.names]
        for target in targets:
            if target == "geo" or target.startswith("geo."):
                resolved = _resolve(target)
                if resolved and resolved != name:
                    out.add(resolved)
    return out


def floor_of(name: str) -> int:
    found = [n for n, (_, patterns) in enumerate(FLOORS) if any(fnmatch.fnmatchcase(name, p) for p in patterns)]
    assert found, f"{name} is on no floor: add it to FLOORS in tests/test_architecture.py"
    return max(found)  # geo.store.cli matches geo.store.* and geo.*.cli: a command is a command


def _wing(name: str) -> str:
    if name.startswith("geo.app"):
        return "geo.app"
    if name.startswith("geo.bench"):
        return "geo.bench"
    return name  # each command is a wing of its own


# ---- the Streamlit side -----------------------------------------------------------------
def test_no_ui_modules_outside_the_app_wing():
    assert not sorted(GEO.glob("ui*.py")), "Streamlit modules belong in geo/app/"


def _streamlit_imports(name: str) -> list[str]:
    out = []
    for node in ast.walk(tree(name)):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
            [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
        out += [n for n in names if n.split(".")[0].startswith("streamlit")]
    return out


def test_streamlit_is_imported_only_by_the_app_wing():
    offenders = {name: _streamlit_imports(name) for name in modules()
                 if not (name.startswith("geo.app") or name.startswith("geo.bench"))}
    assert {k: v for k, v in offenders.items() if v} == {}
    assert all(_streamlit_imports(name) for name in ("geo.app.frame", "geo.app.state")), "the check must see imports"


def test_pages_are_thin_and_call_the_app_wing():
    for page in sorted((ROOT / "pages").glob("*.py")) + [ROOT / "app.py"]:
        module = ast.parse(page.read_text(encoding="utf-8"))
        body = [n for n in module.body if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
        imported = [n.module for n in body if isinstance(n, ast.ImportFrom)]
        assert len(body) <= 3 and imported and all(m == "geo.app" for m in imported), page.name


# ---- session-state keys -------------------------------------------------------------------
def _names_a_key(expr: ast.AST) -> bool:
    """A string literal or f-string anywhere in ``expr`` (outside lambdas): a key spelled in place."""
    if isinstance(expr, ast.Lambda):
        return False
    if isinstance(expr, ast.Subscript):  # rec["id"]: indexing data, not naming a key
        return _names_a_key(expr.value)
    if isinstance(expr, ast.JoinedStr) or (isinstance(expr, ast.Constant) and isinstance(expr.value, str)):
        return True
    return any(_names_a_key(child) for child in ast.iter_child_nodes(expr))


def _is_session_state(expr: ast.AST, aliases: set[str]) -> bool:
    return (isinstance(expr, ast.Attribute) and expr.attr == "session_state") or (
        isinstance(expr, ast.Name) and expr.id in aliases)


def literal_keys(name: str) -> list[str]:
    """Places in ``name`` that spell a session-state or widget key instead of naming it from geo.app.state."""
    module = tree(name)
    aliases = {t.id for node in ast.walk(module) if isinstance(node, ast.Assign)
               and _is_session_state(node.value, set()) for t in node.targets if isinstance(t, ast.Name)}
    # widget keys exist only where Streamlit is imported; elsewhere key= is any function's argument
    widgets = any(isinstance(n, (ast.Import, ast.ImportFrom)) and any(
        (a.name if isinstance(n, ast.Import) else (n.module or "")).split(".")[0] == "streamlit"
        for a in n.names) for n in ast.walk(module))
    found = []
    for node in ast.walk(module):
        where = f"{name}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Subscript) and _is_session_state(node.value, aliases) and _names_a_key(node.slice):
            found.append(f"{where} session_state[{ast.unparse(node.slice)}]")
        elif isinstance(node, ast.Compare) and any(_is_session_state(c, aliases) for c in node.comparators) \
                and _names_a_key(node.left):
            found.append(f"{where} {ast.unparse(node)}")
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and _is_session_state(func.value, aliases) and node.args \
                    and _names_a_key(node.args[0]):
                found.append(f"{where} session_state.{func.attr}({ast.unparse(node.args[0])})")
            if isinstance(func, ast.Attribute) and func.attr == "form" and node.args and _names_a_key(node.args[0]):
                found.append(f"{where} form({ast.unparse(node.args[0])})")
            for kw in node.keywords if widgets else ():
                if kw.arg in ("key", "component_key") and _names_a_key(kw.value):
                    found.append(f"{where} {kw.arg}={ast.unparse(kw.value)}")
    return found


def test_session_state_and_widget_keys_are_named_only_in_state_py():
    offenders = [hit for name in modules() if name != "geo.app.state" for hit in literal_keys(name)]
    assert offenders == []


def test_the_key_check_sees_literal_keys(tmp_path, monkeypatch):
    sample = ('import streamlit as st\nss = st.session_state\nss["a"] = 1\nst.session_state.get(f"b{1}")\n'
              'st.button("x", key="c")\nst.form("d")\nif "e" in ss: pass\nst.text_input("y", key=K.NAME)\n')
    monkeypatch.setitem(modules(), "geo.sample", tmp_path / "sample.py")
    (tmp_path / "sample.py").write_text(sample, encoding="utf-8")
    tree.cache_clear()
    try:
        assert len(literal_keys("geo.sample")) == 5
    finally:
        tree.cache_clear()


# ---- imports: circles and floors ---------------------------------------------------------
def circles() -> list[set[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm)."""
    graph = {name: imports_of(name) for name in modules()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.add(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(group)

    for name in sorted(graph):
        if name not in index:
            visit(name)
    return out


def test_no_import_circles():
    unexpected = [sorted(c) for c in circles() if not any(c <= known for known in KNOWN_CIRCLES)]
    assert unexpected == []


def test_no_arrow_from_a_lower_floor_to_a_higher_one():
    upward, across = [], []
    for name in modules():
        mine = floor_of(name)
        for target in sorted(imports_of(name)):
            theirs = floor_of(target)
            if theirs > mine:
                upward.append(f"{name} (floor {mine}) -> {target} (floor {theirs})")
            elif mine == theirs == len(FLOORS) - 1 and _wing(name) != _wing(target) \
                    and (name, target) not in WING_ARROWS_ALLOWED:
                across.append(f"{name} -> {target}")
    assert upward == [] and across == []


def test_every_module_is_on_a_floor():
    for name in modules():
        floor_of(name)
