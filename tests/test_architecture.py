"""The layering of `dih_ai`, read from its source (docs/architecture.md, "Layers"): no import
cycle among its modules, models import no writer, pipeline or presentation, writers import
neither the pipeline nor the deep dive's entry point, and the package `dih_ai.deep_dive`
loads only on demand.

Imports count wherever they run: at module level and inside functions, except in the
notebook display hooks (`_repr_html_`, `_repr_markdown_`), which load a renderer when a
notebook shows the object. `if TYPE_CHECKING:` imports never run: they are left out of the
cycle check and counted by the layering rules."""

from __future__ import annotations

import ast
import graphlib
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "dih_ai"
MODELS = ("dih_ai.draft", "dih_ai.assessment.models", "dih_ai.deep_dive_models")
NOT_FOR_MODELS = (
    "dih_ai.writers",
    "dih_ai.pipeline",
    "dih_ai.batch",
    "dih_ai.batch_api",
    "dih_ai.batch_api_requests",
    "dih_ai.batch_api_state",
    "dih_ai.deep_dive",
    "dih_ai.documents",
    "dih_ai.render",
    "dih_ai.notebook",
    "dih_ai.portfolio",
    "dih_ai.evaluation",
    "dih_ai.cli",
)
NOT_FOR_WRITERS = (
    "dih_ai.pipeline",
    "dih_ai.batch",
    "dih_ai.batch_api",
    "dih_ai.batch_api_requests",
    "dih_ai.batch_api_state",
    "dih_ai.deep_dive",
    "dih_ai.portfolio",
    "dih_ai.evaluation",
    "dih_ai.cli",
)
# Cycles through an import inside a function, older than this check, in modules outside its
# work (issue 15); each should go, none may be added.
KNOWN_CYCLES: tuple[set[str], ...] = ()


def _within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


class _Imports(ast.NodeVisitor):
    """The `dih_ai` modules a module imports: `from m import name` counts as `m.name` when
    that is a module, else as `m`."""

    def __init__(self, package: str, modules: set[str], type_checking: bool) -> None:
        self.package = package
        self.modules = modules
        self.type_checking = type_checking
        self.found: set[str] = set()

    def visit_If(self, node: ast.If) -> None:
        if ast.unparse(node.test).endswith("TYPE_CHECKING") and not self.type_checking:
            for child in node.orelse:
                self.visit(child)
            return
        self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        if not node.name.startswith("_repr_"):
            self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Import(self, node: ast.Import) -> None:
        self.found.update(a.name for a in node.names if a.name in self.modules)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = node.module or ""
        if node.level:
            parts = self.package.split(".")
            base = ".".join(parts[: len(parts) - node.level + 1] + [base] * bool(base))
        for alias in node.names:
            name = f"{base}.{alias.name}"
            if name in self.modules:
                self.found.add(name)
            elif base in self.modules:
                self.found.add(base)


def imports(
    module: str, *, type_checking: bool, modules: dict[str, Path] | None = None
) -> set[str]:
    """The `dih_ai` modules that `module` imports."""
    modules = modules or _modules()
    path = modules[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    visitor = _Imports(package, set(modules), type_checking)
    visitor.visit(ast.parse(path.read_text(encoding="utf-8")))
    return visitor.found - {module}


def _runs(module: str, modules: dict[str, Path]) -> set[str]:
    """The modules that importing `module` runs: its imports and the packages whose
    `__init__` runs first (importing a.b.c runs a.b, unless the importer is inside a.b)."""
    found = imports(module, type_checking=False, modules=modules)
    parents = {".".join(n.split(".")[:k]) for n in found for k in range(2, n.count(".") + 1)}
    return found | {p for p in parents if p in modules and not _within(module, p)}


def test_no_import_cycle() -> None:
    modules = _modules()
    graph = {m: _runs(m, modules) for m in modules}
    for cycle in KNOWN_CYCLES:
        for module in cycle & set(graph):
            graph[module] -= cycle
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as error:
        raise AssertionError(f"import cycle: {' -> '.join(error.args[1])}") from None


def _breaking(modules: list[str], forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    out = {}
    for module in modules:
        bad = [
            name
            for name in imports(module, type_checking=True)
            if any(_within(name, f) for f in forbidden)
        ]
        if bad:
            out[module] = sorted(bad)
    return out


def test_models_import_no_writer_pipeline_or_presentation() -> None:
    assert _breaking(list(MODELS), NOT_FOR_MODELS) == {}


def test_writers_import_neither_the_pipeline_nor_the_deep_dive_entry_point() -> None:
    writers = [m for m in _modules() if _within(m, "dih_ai.writers")]
    assert len(writers) > 5
    assert _breaking(writers, NOT_FOR_WRITERS) == {}


def test_the_check_reads_imports_in_functions_but_not_in_display_hooks() -> None:
    assert "dih_ai.writers.offline" in imports("dih_ai.writers.factory", type_checking=False)
    draft = imports("dih_ai.draft", type_checking=True)
    assert "dih_ai.analysis" in draft and "dih_ai.render" not in draft
    assert "dih_ai.pipeline" in imports("dih_ai.deep_dive.cases", type_checking=True)
    assert "dih_ai.pipeline" not in imports("dih_ai.deep_dive.cases", type_checking=False)


def test_the_deep_dive_package_loads_only_on_demand() -> None:
    """Once loaded, the package `dih_ai.deep_dive` is the attribute `deep_dive` of `dih_ai`:
    loaded by the pipeline, it would hide the function `from dih_ai import deep_dive` names."""
    code = (
        "import types\n"
        "from dih_ai import Workspace, draft_roadmap, deep_dive, OfflineWriter, LLMWriter\n"
        "assert isinstance(deep_dive, types.FunctionType), deep_dive\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
    code = (
        "import sys, dih_ai.pipeline, dih_ai.writers.llm\nprint('dih_ai.deep_dive' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


MAX_MODULE_LINES = 450  # a module past this holds more than one job: split it
MAX_FUNCTION_LINES = 60  # a function past this holds steps worth naming


def test_modules_and_functions_stay_small() -> None:
    too_long = []
    for name, path in sorted(_modules().items()):
        source = path.read_text(encoding="utf-8")
        lines = source.count("\n")
        if lines > MAX_MODULE_LINES:
            too_long.append(f"{name}: {lines} lines")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    too_long.append(f"{name}.{node.name}: {length} lines")
    assert not too_long, too_long
