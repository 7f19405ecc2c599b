"""The project's import layering, read from the source with `ast` (nothing is imported).

Layers, bottom to top: `core` (imports no app of the project) → `accounts` (the base app;
imports core and config, never billing, privacy or subprocessors) → `billing`, `privacy`,
`subprocessors`. A lower layer that needs an answer from a higher one asks through a core
registry the higher app fills at start-up (core.transitions' reactions, core.hooks,
core.personal_data, core.support_access).

Every import is counted, at module level and inside functions; imports under
`if TYPE_CHECKING:` are not (they never run). An import names the deepest project module it
reaches (`from billing.subscriptions import selectors` → billing.subscriptions.selectors).

The rules:
1. `core` imports no app (only Django, the standard library and third-party packages).
2. `accounts` imports nothing from billing, privacy or subprocessors.
3. No import cycle between the project's modules, counting function-local imports too: a cycle
   hidden behind a function-local import is still a cycle.
4. A function-local import of a project module in application code (the apps, config and core;
   not tests, migrations, scripts or bench, and not an AppConfig's `ready()`, where Django wants
   registrations imported) is allowed only with
   a `# local: <reason>` comment on its line (e.g. a management command's heavy import that is
   not needed to list the commands), and rule 3 still holds for it. A comment never excuses a
   cycle: the fix for a cycle is a registry or a move, not a lazy import.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "accounts",
    "billing",
    "config",
    "console",
    "core",
    "einvoicing",
    "privacy",
    "subprocessors",
    "scripts",
    "bench",
    "tests",
)
APPS = ("accounts", "billing", "console", "einvoicing", "privacy", "subprocessors")
LOCAL_REASON = "# local:"


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str  # the project module it reaches
    line: int
    local: bool  # inside a function
    ready: bool  # inside an AppConfig's ready() (apps.py): Django's place for registrations
    text: str  # the source line, for the report


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _project_files() -> dict[str, Path]:
    files = {"manage": ROOT / "manage.py", "conftest": ROOT / "conftest.py"}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            files[_module_name(path)] = path
    return files


MODULES = _project_files()


def _resolve(name: str) -> str | None:
    """The deepest project module `name` (a dotted path, possibly ending in an attribute) names."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in MODULES:
            return candidate
        parts.pop()
    return None


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


class _Collector(ast.NodeVisitor):
    def __init__(self, module: str, path: Path, lines: list[str]) -> None:
        self.module, self.lines = module, lines
        self.is_package = path.name == "__init__.py"
        self.is_apps = path.name == "apps.py"
        self.scopes: list[str] = []
        self.found: list[Import] = []

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.scopes.append(node.name)
        self.generic_visit(node)
        self.scopes.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = _function

    def visit_If(self, node: ast.If) -> None:
        if _is_type_checking(node):
            for child in node.orelse:
                self.visit(child)
            return
        self.generic_visit(node)

    def _add(self, node: ast.stmt, names: list[str]) -> None:
        targets = {_resolve(name) for name in names} - {None, self.module}
        for target in sorted(targets):
            line = self.lines[node.lineno - 1].strip()
            ready = self.is_apps and self.scopes[:1] == ["ready"]
            self.found.append(Import(self.module, target, node.lineno, bool(self.scopes), ready, line))

    def visit_Import(self, node: ast.Import) -> None:
        self._add(node, [alias.name for alias in node.names])

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = node.module or ""
        if node.level:
            package = self.module.split(".")
            if not self.is_package:
                package = package[:-1]
            package = package[: len(package) - (node.level - 1)]
            base = ".".join([*package, base] if base else package)
        self._add(node, [f"{base}.{alias.name}" for alias in node.names])


def _imports() -> list[Import]:
    found: list[Import] = []
    for module, path in MODULES.items():
        text = path.read_text(encoding="utf-8")
        collector = _Collector(module, path, text.splitlines())
        collector.visit(ast.parse(text, filename=str(path)))
        found.extend(collector.found)
    return found


IMPORTS = _imports()


def _top(module: str) -> str:
    return module.split(".")[0]


def _where(i: Import) -> str:
    return f"{MODULES[i.source].relative_to(ROOT)}:{i.line}: {i.text}"


def _cycles(imports: list[Import]) -> list[list[str]]:
    """One cycle (a → … → a) per strongly connected component of the import graph (Tarjan)."""
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for i in imports:
        graph[i.source].add(i.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def connect(node: str) -> None:
        # Iterative, so a long chain cannot hit the recursion limit.
        work = [(node, iter(sorted(graph[node])))]
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        while work:
            current, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[current] = min(low[current], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[current])
                if low[current] == index[current]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == current:
                            break
                    if len(component) > 1:
                        components.append(component)

    for node in sorted(graph):
        if node not in index:
            connect(node)

    cycles = []
    for component in components:
        start = min(component)
        # Breadth-first from start back to start inside the component: the shortest cycle through it.
        previous: dict[str, str] = {}
        queue = [start]
        while queue:
            current = queue.pop(0)
            nxt = sorted(graph[current] & component)
            if start in nxt:
                path = [current]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                cycles.append([start, *reversed(path[:-1]), start])
                break
            for child in nxt:
                if child not in previous and child != start:
                    previous[child] = current
                    queue.append(child)
    return cycles


def _edge_lines(cycle: list[str]) -> list[str]:
    lines = []
    for source, target in zip(cycle, cycle[1:], strict=False):
        first = next(i for i in IMPORTS if i.source == source and i.target == target)
        lines.append(f"    {source} → {target}   ({_where(first)})")
    return lines


def test_the_source_is_read():
    # Guards the test itself: an empty graph would pass every rule below.
    assert len(MODULES) > 100
    assert any(i.source == "accounts.views" and _top(i.target) == "accounts" for i in IMPORTS)


def test_core_imports_no_app():
    wrong = [_where(i) for i in IMPORTS if _top(i.source) == "core" and _top(i.target) != "core"]
    assert not wrong, "core is the bottom layer and imports no app:\n" + "\n".join(wrong)


def test_accounts_imports_no_billing_privacy_or_subprocessors():
    above = {"billing", "privacy", "subprocessors"}
    wrong = [_where(i) for i in IMPORTS if _top(i.source) == "accounts" and _top(i.target) in above]
    assert not wrong, "accounts is the base app; ask the apps above it through a core registry:\n" + "\n".join(wrong)


def test_nothing_imports_the_console():
    # The staff console is the top layer: it reads every app, and no app (nor config) reads it;
    # config/urls_public.py reaches it only through include("console.urls").
    wrong = [_where(i) for i in IMPORTS if _top(i.target) == "console" and _top(i.source) not in ("console", "tests")]
    assert not wrong, "nothing imports the console:\n" + "\n".join(wrong)


def test_only_the_console_imports_einvoicing():
    # BIL-14: e-invoicing sits on billing; billing asks it through core.hooks (the hybrid PDF, the
    # delivery after the PDF is stored, what Min konto and the API show) and never imports it.
    allowed = ("einvoicing", "console", "tests", "bench")
    wrong = [_where(i) for i in IMPORTS if _top(i.target) == "einvoicing" and _top(i.source) not in allowed]
    assert not wrong, "billing and the apps below it ask e-invoicing through core.hooks:\n" + "\n".join(wrong)


def test_no_import_cycle_between_project_modules():
    cycles = _cycles(IMPORTS)
    report = []
    for cycle in cycles:
        report.append(" → ".join(cycle))
        report.extend(_edge_lines(cycle))
    assert not cycles, f"{len(cycles)} import cycle(s):\n" + "\n".join(report)


def _application_code(module: str) -> bool:
    parts = module.split(".")
    return _top(module) in (*APPS, "config", "core") and "tests" not in parts and "migrations" not in parts


def test_a_function_local_import_states_why():
    wrong = [
        _where(i)
        for i in IMPORTS
        if i.local and _application_code(i.source) and LOCAL_REASON not in i.text and not i.ready
    ]
    assert not wrong, (
        f"{len(wrong)} function-local import(s) of project modules without a `{LOCAL_REASON} <reason>` "
        "comment (move it to the top of the module; if that makes a cycle, invert the dependency):\n" + "\n".join(wrong)
    )
