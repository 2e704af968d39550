"""The package's layers import only downwards (DESIGN.md section 4)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "headwater"

#: Subpackages each layer must never import, at module level or inside functions.
FORBIDDEN = {
    "definitions": {"execution", "loading", "snapshot", "storage", "codeserver", "workspace",
                    "daemon", "webserver", "cli"},
    "snapshot": {"execution", "loading", "storage", "codeserver", "workspace", "daemon",
                 "webserver", "cli"},
    "execution": {"loading", "storage", "codeserver", "workspace", "daemon", "webserver", "cli"},
    "loading": {"execution", "storage", "codeserver", "workspace", "daemon", "webserver", "cli"},
    "codeserver": {"workspace", "daemon", "webserver"},
    "daemon": {"loading", "webserver", "cli"},
    "webserver": {"loading", "daemon", "cli"},
    "workspace": {"execution", "daemon", "webserver", "cli"},
}

#: The only modules of ``loading/`` the workspace may import: plain origin records. It talks
#: to code servers and never loads code itself.
WORKSPACE_MAY_IMPORT_FROM_LOADING = {"headwater.loading.origins", "headwater.loading.environments"}

#: Third-party packages the definitions layer must not import at module level (import time).
HEAVY = {"sqlalchemy", "grpc", "starlette", "fastapi", "uvicorn", "click", "rich", "alembic",
         "msgspec"}

#: Function-level (or type-only) imports from definitions into execution that are part of the
#: public API: ``JobDefinition.execute_in_process`` runs the job; ``Definitions.load_asset_value``
#: and ``get_asset_value_loader`` (and the repository's) initialise the asset's IO manager.
ALLOWED_LAZY = {
    ("definitions/jobs.py", "headwater.execution.in_process_api"),
    ("definitions/definitions_class.py", "headwater.execution.asset_value"),
    ("definitions/repository_def.py", "headwater.execution.asset_value"),
}

#: The run worker side of ``execution/`` loads code locations and talks to storage; the rest
#: of ``execution/`` (plans, executors, step running) stays free of both and hands its
#: events to a sink.
WORKER_MODULES = {"execution/worker.py", "execution/step_process.py", "execution/launch.py"}
WORKER_MAY_IMPORT = {"loading", "storage"}


def _is_worker_module(relative: str) -> bool:
    return relative in WORKER_MODULES or (
        relative.startswith("execution/worker_") and relative.count("/") == 1
    )


def _imports(tree: ast.AST) -> Iterator[tuple[str, bool]]:
    """(module, is_top_level) for every import in ``tree``."""
    top_level = {id(node) for node in getattr(tree, "body", [])}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, id(node) in top_level
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module, id(node) in top_level


def _layer_files(layer: str) -> list[Path]:
    folder = PACKAGE / layer
    return sorted(folder.rglob("*.py")) if folder.is_dir() else []


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_only_downwards(layer: str) -> None:
    violations = []
    for path in _layer_files(layer):
        relative = path.relative_to(PACKAGE).as_posix()
        for module, _ in _imports(ast.parse(path.read_text(), str(path))):
            parts = module.split(".")
            if parts[0] != "headwater" or len(parts) < 2:
                continue
            if parts[1] not in FORBIDDEN[layer] or (relative, module) in ALLOWED_LAZY:
                continue
            if _is_worker_module(relative) and parts[1] in WORKER_MAY_IMPORT:
                continue
            violations.append(f"{relative} imports {module}")
    assert not violations, "\n".join(violations)


def test_definitions_layer_has_no_heavy_top_level_imports() -> None:
    violations = []
    for path in _layer_files("definitions"):
        for module, top_level in _imports(ast.parse(path.read_text(), str(path))):
            if top_level and module.split(".")[0] in HEAVY:
                violations.append(f"{path.relative_to(PACKAGE)} imports {module}")
    assert not violations, "\n".join(violations)


def test_pydantic_is_imported_only_by_config_modules() -> None:
    allowed = {"definitions/config.py", "definitions/configurable.py"}
    offenders = []
    for path in _layer_files("definitions"):
        relative = path.relative_to(PACKAGE).as_posix()
        for module, top_level in _imports(ast.parse(path.read_text(), str(path))):
            if top_level and module.split(".")[0] == "pydantic" and relative not in allowed:
                offenders.append(relative)
    assert not offenders, offenders


def test_only_worker_modules_of_execution_import_loading_or_storage() -> None:
    """The exemption above covers exactly the worker modules, and they exist."""
    for relative in WORKER_MODULES:
        assert (PACKAGE / relative).is_file(), relative
    offenders = []
    for path in _layer_files("execution"):
        relative = path.relative_to(PACKAGE).as_posix()
        for module, _ in _imports(ast.parse(path.read_text(), str(path))):
            parts = module.split(".")
            if (parts[0] == "headwater" and len(parts) > 1 and parts[1] in WORKER_MAY_IMPORT
                    and not _is_worker_module(relative)):
                offenders.append(f"{relative} imports {module}")
    assert not offenders, "\n".join(offenders)


def test_workspace_imports_only_origins_from_loading() -> None:
    offenders = []
    for path in _layer_files("workspace"):
        for module, _ in _imports(ast.parse(path.read_text(), str(path))):
            if (module.startswith("headwater.loading")
                    and module not in WORKSPACE_MAY_IMPORT_FROM_LOADING):
                offenders.append(f"{path.relative_to(PACKAGE).as_posix()} imports {module}")
    assert not offenders, "\n".join(offenders)


def test_importing_the_workspace_loads_no_code_loader() -> None:
    """Not even indirectly: the modules that import user code stay out of the host."""
    import subprocess
    import sys

    code = ("import sys, headwater.workspace; print(sorted(m for m in sys.modules "
            "if m in ('headwater.loading.load_origin', 'headwater.loading.python_import', "
            "'headwater.loading.discovery', 'headwater.execution.worker')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, timeout=60)
    assert result.stdout.strip() == "[]"
