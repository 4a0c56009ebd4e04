"""The layers hold their shape: app/ imports nothing in a cycle (TYPE_CHECKING-only imports,
which never run, aside) and rnn_core imports nothing from app/ or the repository's scripts."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _imports(path: Path, package: str) -> set[str]:
    """The modules of `package` that `path` imports when it runs (any depth, not under
    `if TYPE_CHECKING:`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped |= {id(n) for child in node.body for n in ast.walk(child)}
    found = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == package:  # from app import training, persistence
                found |= {f"{package}.{a.name}" for a in node.names}
            elif node.module.startswith(f"{package}."):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith(f"{package}.")}
    return found


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_app_has_no_import_cycle():
    files = sorted((ROOT / "app").rglob("*.py"))
    graph = {_module(f): _imports(f, "app") for f in files}
    graph = {m: {d for d in deps if d in graph and d != m} for m, deps in graph.items()}

    def cycle_from(start: str) -> list[str] | None:
        path, seen = [start], set()

        def walk(node: str) -> list[str] | None:
            for nxt in sorted(graph[node]):
                if nxt == start:
                    return [*path, start]
                if nxt not in seen:
                    seen.add(nxt)
                    path.append(nxt)
                    if found := walk(nxt):
                        return found
                    path.pop()
            return None

        return walk(start)

    cycles = [c for m in graph if (c := cycle_from(m))]
    assert cycles == [], " ; ".join(" → ".join(c) for c in cycles)


def test_rnn_core_imports_neither_the_app_nor_the_scripts():
    for path in sorted((ROOT / "rnn_core").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                assert not name.startswith(("app", "scripts", "tests", "bench")), (path, name)


def test_the_project_builds_a_model_from_its_rnnconfig():
    """Inside app/, rnn_core/ and scripts/ a model is made by RNNLM.new(config) (or
    from_params) from an RNNConfig built once; the keyword form RNNLM(vocab_size=…, …) is the
    public shorthand of docs/engine.md, for users, tests and benchmarks."""
    calls = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for folder in ("app", "rnn_core", "scripts")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "RNNLM"
    ]
    assert calls == []


def test_the_server_does_no_arithmetic_on_weights_or_probabilities():
    """app/ imports neither NumPy nor math: every number it sends was computed by rnn_core
    (frames.py, labs.py, views.py), and the server only validates, schedules and serialises."""
    found = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            found += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] in NUMERIC]
    assert found == []


NUMERIC = ("numpy", "scipy", "math", "statistics")


def test_a_sessions_state_changes_only_through_its_own_methods():
    """Outside SessionState's methods no module of app/ assigns one of its fields (the changes
    are named, and each is made in the session's turn)."""
    from dataclasses import fields

    from app.service import SessionState

    names = {f.name for f in fields(SessionState)}
    found = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        inside = {
            id(n)
            for c in ast.walk(tree)
            if isinstance(c, ast.ClassDef) and c.name == "SessionState"
            for n in ast.walk(c)
        }
        for node in ast.walk(tree):
            if id(node) in inside or not isinstance(node, ast.Assign | ast.AugAssign):
                continue
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for part in ast.walk(target):
                    if (
                        isinstance(part, ast.Attribute)
                        and part.attr in names
                        and ast.unparse(part.value) in ("state", "session.state")
                    ):
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno} {ast.unparse(part)}")
    assert found == []
