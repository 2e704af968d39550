"""The import rules between headwater's layers, and a checker that finds the imports breaking them.

The tables here are the ones docs/architecture.md shows. ``test_layering.py`` runs the checker
on the real tree and on small fixture trees with deliberate bad imports (to show it catches
them).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

#: What each layer may import of headwater (besides itself). Top-level modules count as
#: layers of their own name (``errors``, ``processes``); ``headwater`` is the root package,
#: whose lazy re-exports reach every layer, so no layer may import it.
ALLOWED: dict[str, frozenset[str]] = {
    "errors": frozenset(),
    "processes": frozenset(),
    "core": frozenset({"errors"}),
    "definitions": frozenset({"core", "errors"}),
    "snapshot": frozenset({"core", "errors", "definitions"}),
    "storage": frozenset({"core", "errors", "snapshot"}),
    "loading": frozenset({"core", "errors", "processes", "definitions", "snapshot"}),
    "execution": frozenset({"core", "errors", "processes", "definitions", "snapshot"}),
    "celery": frozenset({"core", "errors", "processes", "definitions", "snapshot", "storage",
                         "loading", "execution"}),
    "codeserver": frozenset({"core", "errors", "processes", "definitions", "snapshot", "storage",
                             "loading", "execution", "celery"}),
    "workspace": frozenset({"core", "errors", "processes", "snapshot", "storage", "codeserver"}),
    "daemon": frozenset({"core", "errors", "processes", "snapshot", "storage", "codeserver",
                         "workspace"}),
    "webserver": frozenset({"core", "errors", "processes", "snapshot", "storage", "workspace"}),
    "cli": frozenset({"core", "errors", "processes", "definitions", "snapshot", "storage",
                      "loading", "execution", "celery", "codeserver", "workspace", "daemon",
                      "webserver"}),
}

#: Single imports allowed across a layer boundary, each with its reason.
EXCEPTIONS: dict[tuple[str, str], str] = {
    ("definitions/ops/jobs.py", "headwater.execution.in_process_api"):
        "JobDefinition.execute_in_process runs the job (imported when called)",
    ("definitions/definitions_class.py", "headwater.execution.asset_value"):
        "Definitions.load_asset_value / get_asset_value_loader start the asset's IO manager",
    ("definitions/repository_def.py", "headwater.execution.asset_value"):
        "RepositoryDefinition.load_asset_value, likewise",
    ("definitions/automation/asset_sensors.py", "headwater.execution.sensor_events"):
        "an asset sensor called directly reads its event from context.instance (when called)",
    ("definitions/automation/multi_asset_sensor.py", "headwater.execution.sensor_events"):
        "a multi-asset sensor's context reads materializations from its instance (when called)",
    ("execution/automation_testing.py", "headwater.daemon.automation.cursor"):
        "evaluate_automation_conditions runs the daemon's evaluator in a test (when called)",
    ("execution/automation_testing.py", "headwater.daemon.automation.tick"):
        "evaluate_automation_conditions runs the daemon's evaluator in a test (when called)",
    ("codeserver/cli.py", "headwater.cli.targets"):
        "the `code-server start` command takes the same target options as every command",
    ("webserver/routes_runs.py", "headwater.execution.launch"):
        "cancel and re-execute runs; launch touches only the instance (checked at run time)",
    ("webserver/routes_run_debug.py", "headwater.execution.launch"):
        "re-execute chosen steps / from a step; launch touches only the instance",
}

#: The run worker side of ``execution/`` loads code locations and talks to storage; the rest
#: of ``execution/`` (plans, executors, step running) stays free of both.
WORKER_MODULES = frozenset({"execution/worker.py", "execution/step_process.py",
                            "execution/launch.py", "execution/execute_job.py"})
WORKER_MAY_IMPORT = frozenset({"loading", "storage"})

#: The subpackages of ``definitions/`` and which siblings each may import. Modules at the top
#: of ``definitions/`` (Definitions, repositories, module loaders) tie them together and may
#: import any; no subpackage imports them.
DEFINITIONS_ALLOWED: dict[str, frozenset[str]] = {
    "asset_graph": frozenset(),
    "partitions": frozenset(),
    "metadata": frozenset({"asset_graph"}),
    "config": frozenset({"asset_graph"}),
    "selection": frozenset({"asset_graph"}),
    "ops": frozenset({"asset_graph", "config", "metadata", "partitions"}),
    "assets": frozenset({"asset_graph", "config", "metadata", "partitions", "ops",
                         "selection"}),
    "automation": frozenset({"asset_graph", "config", "metadata", "partitions", "ops",
                             "selection", "assets"}),
    "pipes": frozenset({"asset_graph", "metadata", "ops"}),
    # Builds Definitions from a defs folder: above the top-level modules, which never import it.
    "components": frozenset({"asset_graph", "config", "metadata", "partitions", "ops",
                             "selection", "assets", "automation", "pipes", "<top>"}),
}

#: Imports made only for type annotations that point against the direction above.
TYPE_ONLY_EXCEPTIONS: dict[tuple[str, str], str] = {
    ("definitions/ops/jobs.py", "headwater.definitions.assets.asset_layer"):
        "a job built from assets carries their AssetLayer",
}


@dataclass(frozen=True)
class Import:
    """One ``import``/``from ... import`` statement naming a headwater module."""

    module: str
    top_level: bool
    type_checking: bool


def imports_of(source: str, filename: str = "<source>") -> Iterator[Import]:
    """Every absolute import in ``source`` (``from headwater import x`` yields ``headwater``)."""
    tree = ast.parse(source, filename)
    top_level = {id(node) for node in tree.body}
    typing_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            typing_only.update(id(child) for statement in node.body
                               for child in ast.walk(statement))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(alias.name, id(node) in top_level, id(node) in typing_only)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield Import(node.module, id(node) in top_level, id(node) in typing_only)


def _python_files(package: Path) -> Iterator[tuple[str, Path]]:
    for path in sorted(package.rglob("*.py")):
        yield path.relative_to(package).as_posix(), path


def _layer_of(relative: str) -> str:
    first = relative.split("/", 1)[0]
    return first[:-3] if first.endswith(".py") else first


def _target_layer(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "headwater":
        return None
    return parts[1] if len(parts) > 1 else "headwater"


def layer_violations(package: Path, allowed: Mapping[str, frozenset[str]] = ALLOWED) -> list[str]:
    """Imports that cross from one layer to another it may not import."""
    violations = []
    for relative, path in _python_files(package):
        layer = _layer_of(relative)
        if layer not in allowed:
            continue
        for found in imports_of(path.read_text(), str(path)):
            target = _target_layer(found.module)
            if target is None or target == layer or target in allowed[layer]:
                continue
            if (relative, found.module) in EXCEPTIONS:
                continue
            if _is_worker_module(relative) and target in WORKER_MAY_IMPORT:
                continue
            violations.append(f"{relative} imports {found.module} ({layer} -> {target})")
    return violations


def _is_worker_module(relative: str) -> bool:
    return relative in WORKER_MODULES or (
        relative.startswith("execution/worker_") and relative.count("/") == 1
    )


def _definitions_part(relative: str, definitions: Path) -> str:
    """The subpackage of a file under definitions/, or '<top>' for the tying modules."""
    first = relative.split("/", 1)[0]
    return first if (definitions / first).is_dir() else "<top>"


def definitions_violations(
    package: Path, allowed: Mapping[str, frozenset[str]] = DEFINITIONS_ALLOWED
) -> list[str]:
    """Imports between definitions subpackages that go against their declared direction."""
    definitions = package / "definitions"
    violations = []
    for relative, path in _python_files(definitions):
        source = _definitions_part(relative, definitions)
        if source == "<top>":
            violations += _top_level_violations(relative, path, allowed)
            continue
        if source not in allowed:
            undeclared = f"definitions/{source}/ is not declared in DEFINITIONS_ALLOWED"
            if undeclared not in violations:
                violations.append(undeclared)
            continue
        for found in imports_of(path.read_text(), str(path)):
            parts = found.module.split(".")
            if parts[:2] != ["headwater", "definitions"] or len(parts) < 3:
                continue
            target = parts[2] if (definitions / parts[2]).is_dir() else "<top>"
            if target == source or target in allowed[source]:
                continue
            key = (f"definitions/{relative}", found.module)
            if found.type_checking and key in TYPE_ONLY_EXCEPTIONS:
                continue
            violations.append(f"definitions/{relative} imports {found.module} "
                              f"({source} -> {target})")
    return violations


def _top_level_violations(relative: str, path: Path,
                          allowed: Mapping[str, frozenset[str]]) -> list[str]:
    """The top-level modules may import every subpackage except those placed above them."""
    above = {name for name, targets in allowed.items() if "<top>" in targets}
    found_violations = []
    for found in imports_of(path.read_text(), str(path)):
        parts = found.module.split(".")
        if parts[:2] == ["headwater", "definitions"] and len(parts) > 2 and parts[2] in above:
            found_violations.append(f"definitions/{relative} imports {found.module} "
                                    f"(<top> -> {parts[2]})")
    return found_violations


def find_cycle(graph: Mapping[str, frozenset[str]]) -> list[str] | None:
    """A cycle in ``graph`` (node -> nodes it may import) as a path, or None."""
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in sorted(graph.get(node, frozenset())):
            if state.get(nxt) == 1:
                return [*path, node, nxt]
            if nxt not in state:
                found = visit(nxt, [*path, node])
                if found:
                    return found
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            cycle = visit(start, [])
            if cycle:
                return cycle
    return None
