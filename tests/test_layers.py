"""The house by stages: every module imports only from its own stage or the stages below it, and
no import (at module level or inside a function) closes a circle."""
import ast

from paths import ROOT

PACKAGE = ROOT / "search"
# Bottom to top, in the order the data flows. The engines are the lowest floor of the index stage:
# search.index makes their documents, drives their builds and opens their generations.
STAGES = (
    ("base", ("search.errors", "search.atomic", "search.config", "search.text", "search.words")),
    ("ingest", ("search.ingest",)),
    ("reference", ("search.reference",)),
    ("engines", ("search.engines",)),
    ("index", ("search.index",)),
    ("query", ("search.query",)),
    ("web", ("search.web",)),
    ("app", ("search", "search.__main__")),
)


def _module_name(path):
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _stage(module):
    """(rank, stage) of a module: the stage whose prefix names it most closely."""
    best = None
    for rank, (stage, prefixes) in enumerate(STAGES):
        for prefix in prefixes:
            if module == prefix or module.startswith(prefix + "."):
                if best is None or len(prefix) > best[2]:
                    best = (rank, stage, len(prefix))
    return best[:2]


def _imports(path, module):
    """The project modules that `module` imports anywhere in its file (functions included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("search"):
                continue
            for alias in node.names:  # `from . import pages` imports the module search.web.pages
                candidate = f"{target}.{alias.name}"
                found.add(candidate if candidate in MODULES else target)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("search"))
    found.discard(module)
    return {m for m in found if m in MODULES}


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
GRAPH = {m: _imports(p, m) for m, p in MODULES.items()}


def test_every_module_has_a_stage():
    assert sorted(m for m in MODULES if _stage(m) is None) == []


def test_the_stages_are_folders():
    assert sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()) == [
        "engines", "index", "ingest", "query", "reference", "web"]


def test_imports_run_down_the_stages_only():
    upward = sorted((m, t, _stage(m)[1], _stage(t)[1]) for m, targets in GRAPH.items() for t in targets
                    if _stage(t)[0] > _stage(m)[0] and m != "search")
    assert upward == []


def test_no_import_closes_a_circle():
    circles, state = [], {}

    def visit(node, trail):
        state[node] = "open"
        for nxt in sorted(GRAPH[node]):
            if nxt == "search":  # the package's face (create_app); nothing below imports it for a name
                continue
            if state.get(nxt) == "open":
                circles.append(trail[trail.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = "done"

    for module in sorted(GRAPH):
        if module not in state:
            visit(module, [module])
    assert circles == []


def test_no_module_below_the_web_imports_flask():
    offenders = sorted(m for m, p in MODULES.items() if _stage(m)[1] not in ("web", "app")
                       and ("from flask" in p.read_text() or "import flask" in p.read_text()))
    assert offenders == []
