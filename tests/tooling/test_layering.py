"""The package's layers import only in their allowed directions (docs/architecture.md).

The rules live in ``layering.py`` beside this file. Each rule is checked on the real tree and,
to show the checker catches what it should, on small fixture trees with deliberate bad imports.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tooling.layering import (
    ALLOWED,
    DEFINITIONS_ALLOWED,
    EXCEPTIONS,
    TYPE_ONLY_EXCEPTIONS,
    WORKER_MODULES,
    definitions_violations,
    find_cycle,
    imports_of,
    layer_violations,
)

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "headwater"

#: Third-party packages the definitions layer must not import at module level (import time).
HEAVY = {"sqlalchemy", "grpc", "starlette", "fastapi", "uvicorn", "click", "rich", "alembic",
         "msgspec"}
#: The longest a module may grow before it is split by concept.
MAX_MODULE_LINES = 600


# --- the real tree ---------------------------------------------------------------------------


def test_layers_import_only_what_they_may() -> None:
    violations = layer_violations(PACKAGE)
    assert not violations, "\n".join(violations)


def test_definitions_subpackages_import_only_downwards() -> None:
    violations = definitions_violations(PACKAGE)
    assert not violations, "\n".join(violations)


def test_every_definitions_subpackage_is_placed_in_the_direction_table() -> None:
    present = {path.name for path in (PACKAGE / "definitions").iterdir()
               if path.is_dir() and (path / "__init__.py").is_file()}
    assert present == set(DEFINITIONS_ALLOWED)


def test_every_layer_is_in_the_table() -> None:
    present = {path.name for path in PACKAGE.iterdir()
               if path.is_dir() and (path / "__init__.py").is_file()}
    present |= {path.stem for path in PACKAGE.glob("*.py") if path.stem != "__init__"}
    assert present == set(ALLOWED)


def test_the_direction_tables_have_no_cycle() -> None:
    assert find_cycle(ALLOWED) is None
    assert find_cycle(DEFINITIONS_ALLOWED) is None


def test_exceptions_name_existing_modules() -> None:
    """A listed exception whose import is gone must be deleted, not left to excuse another."""
    for relative, module in [*EXCEPTIONS, *TYPE_ONLY_EXCEPTIONS]:
        path = PACKAGE / relative
        assert path.is_file(), relative
        assert module in {found.module for found in imports_of(path.read_text())}, (
            f"{relative} no longer imports {module}; remove the exception")
    for relative in WORKER_MODULES:
        assert (PACKAGE / relative).is_file(), relative


def test_no_module_is_longer_than_the_limit() -> None:
    # The root __init__ is exempt: it is the public API's table (each name in the typing
    # imports, the lazy map and __all__), not code to split by concept.
    too_long = {path.relative_to(PACKAGE).as_posix(): lines
                for path in PACKAGE.rglob("*.py") if path != PACKAGE / "__init__.py"
                if (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES}
    assert not too_long, f"split these by concept: {too_long}"


def test_definitions_layer_has_no_heavy_top_level_imports() -> None:
    violations = []
    for path in sorted((PACKAGE / "definitions").rglob("*.py")):
        for found in imports_of(path.read_text(), str(path)):
            if found.top_level and found.module.split(".")[0] in HEAVY:
                violations.append(f"{path.relative_to(PACKAGE)} imports {found.module}")
    assert not violations, "\n".join(violations)


def test_pydantic_is_imported_only_by_config_modules() -> None:
    allowed = {
        "definitions/config/pythonic.py",
        "definitions/config/configurable.py",
        "definitions/config/config_errors.py",
        "definitions/config/config_values.py",
        "definitions/config/config_meta.py",
    }
    offenders = []
    for path in sorted((PACKAGE / "definitions").rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        for found in imports_of(path.read_text(), str(path)):
            if found.top_level and found.module.split(".")[0] == "pydantic":
                if relative not in allowed:
                    offenders.append(relative)
    assert not offenders, offenders


HOST_MODULES = ("headwater.webserver.app", "headwater.webserver.routes_runs",
                "headwater.daemon.daemon", "headwater.workspace", "headwater.workspace.runs",
                "headwater.workspace.backfills", "headwater.execution.launch")


def test_host_processes_load_no_definitions_or_loading_modules() -> None:
    """Not even indirectly: the webserver, daemon and workspace handle plain data only."""
    code = ("import importlib, sys\n"
            f"for name in {HOST_MODULES!r}: importlib.import_module(name)\n"
            "print(sorted(m for m in sys.modules if m.startswith("
            "('headwater.definitions', 'headwater.loading'))))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, timeout=60)
    assert result.stdout.strip() == "[]"


# --- the checker on fixture trees with deliberate bad imports ---------------------------------


def _tree(root: Path, files: dict[str, str]) -> Path:
    for relative, source in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)
    for folder in {p.parent for p in root.rglob("*.py")}:
        (folder / "__init__.py").touch()
    return root


CLEAN = {
    "definitions/asset_graph/keys.py": "from headwater.errors import InvalidDefinitionError\n",
    "definitions/ops/op_definition.py": "from headwater.definitions.asset_graph.keys import K\n",
    "definitions/assets/decorators.py": "from headwater.definitions.ops.op_definition import O\n",
    "definitions/definitions_class.py": "from headwater.definitions.assets.decorators import a\n",
    "webserver/app.py": "from headwater.workspace.workspace import Workspace\n",
    "execution/worker_run.py": "from headwater.storage.instance import Instance\n",
}


def test_checker_passes_a_clean_fixture_tree(tmp_path: Path) -> None:
    package = _tree(tmp_path / "headwater", CLEAN)
    assert layer_violations(package) == []
    assert definitions_violations(package) == []


@pytest.mark.parametrize(
    ("relative", "source", "expected"),
    [
        ("webserver/items.py", "from headwater.definitions.assets.decorators import asset\n",
         "webserver -> definitions"),
        ("daemon/scheduler.py", "def tick():\n    from headwater.loading.targets import T\n",
         "daemon -> loading"),
        ("workspace/runs.py", "import headwater.loading.origins\n", "workspace -> loading"),
        ("snapshot/build.py", "from headwater import __version__\n", "snapshot -> headwater"),
        ("snapshot/runs.py", "from headwater.storage.base import Storage\n",
         "snapshot -> storage"),
        ("execution/worker_run.py",
         "def executor():\n    from headwater.celery.executor_factory import f\n",
         "execution -> celery"),
        ("core/run_status.py", "from headwater.definitions.ops.jobs import JobDefinition\n",
         "core -> definitions"),
    ],
)
def test_checker_finds_a_forbidden_layer_import(tmp_path: Path, relative: str, source: str,
                                                expected: str) -> None:
    package = _tree(tmp_path / "headwater", {**CLEAN, relative: source})
    violations = layer_violations(package)
    assert len(violations) == 1 and expected in violations[0], violations


def test_checker_finds_two_definitions_subpackages_importing_each_other(tmp_path: Path) -> None:
    package = _tree(tmp_path / "headwater", {
        **CLEAN,
        "definitions/ops/jobs.py": "def layer():\n"
                                   "    from headwater.definitions.assets.decorators import a\n",
    })
    violations = definitions_violations(package)
    assert violations == [
        "definitions/ops/jobs.py imports headwater.definitions.assets.decorators "
        "(ops -> assets)"
    ]


def test_checker_finds_a_subpackage_importing_the_top_level(tmp_path: Path) -> None:
    package = _tree(tmp_path / "headwater", {
        **CLEAN,
        "definitions/config/resources.py":
            "from headwater.definitions.definitions_class import Definitions\n",
    })
    assert definitions_violations(package) == [
        "definitions/config/resources.py imports headwater.definitions.definitions_class "
        "(config -> <top>)"
    ]


def test_checker_rejects_an_undeclared_subpackage(tmp_path: Path) -> None:
    package = _tree(tmp_path / "headwater", {**CLEAN, "definitions/hooks/hook.py": "x = 1\n"})
    assert definitions_violations(package) == [
        "definitions/hooks/ is not declared in DEFINITIONS_ALLOWED"
    ]


def test_type_only_imports_are_excused_only_when_listed(tmp_path: Path) -> None:
    typed = ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
             "    from headwater.definitions.assets.asset_layer import AssetLayer\n")
    listed = _tree(tmp_path / "a" / "headwater", {**CLEAN, "definitions/ops/jobs.py": typed})
    assert definitions_violations(listed) == []
    unlisted = _tree(tmp_path / "b" / "headwater", {**CLEAN, "definitions/ops/graphs.py": typed})
    assert len(definitions_violations(unlisted)) == 1


def test_find_cycle_reports_the_cycle() -> None:
    assert find_cycle({"a": frozenset({"b"}), "b": frozenset({"c"}), "c": frozenset({"a"})}) == [
        "a", "b", "c", "a"]


def test_checker_finds_the_top_level_importing_the_package_above_it(tmp_path: Path) -> None:
    package = _tree(tmp_path / "headwater", {
        **CLEAN,
        "definitions/module_loaders.py":
            "from headwater.definitions.components.defs_folder import load_defs\n",
    })
    assert definitions_violations(package) == [
        "definitions/module_loaders.py imports headwater.definitions.components.defs_folder "
        "(<top> -> components)"
    ]
