"""A dg workspace of two projects, each with its own virtualenv and a package the other lacks."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import sysconfig
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from headwater.core.names import IMPLICIT_ASSET_JOB_NAME
from headwater.core.origins import AutoloadDefsOrigin, PythonModuleOrigin
from headwater.core.run_status import RunStatus
from headwater.definitions.asset_graph.keys import AssetKey
from headwater.execution.launch import create_run
from headwater.loading.targets import resolve_targets
from headwater.storage.instance import Instance
from headwater.workspace import LocationStatus, Workspace

from .conftest import wait_for, wait_status

#: Each project's extra package; neither is installed in this test environment.
EXTRAS = {"alpha": "tabulate", "beta": "inflection"}

ASSET = """\
    import json
    import os
    import sys
    from pathlib import Path

    import headwater as hw
    import {extra}


    @hw.asset
    def {project}_env() -> str:
        record = {{"prefix": sys.prefix, "extra": {extra}.__file__}}
        Path(os.environ["RUN_CONTROL_DIR"], "{project}.json").write_text(json.dumps(record))
        return sys.prefix
    """


def _venv(root: Path, extra: str) -> Path:
    """A virtualenv at ``root/.venv`` seeing this environment's packages (headwater and its
    dependencies, through a ``.pth`` file) plus ``extra``, installed into it alone."""
    venv = root / ".venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=120)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True, timeout=60).stdout.strip()
    host_site = sysconfig.get_paths()["purelib"]
    Path(purelib, "zz_headwater_test_deps.pth").write_text(
        f"import site; site.addsitedir({host_site!r})\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
                    "--disable-pip-version-check", "--no-deps", extra], check=True, timeout=240)
    return python


def _project(workspace: Path, name: str, extra: str, autoload: bool) -> Path:
    root = workspace / "projects" / name
    package = root / "src" / name
    (package / "defs").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "defs" / "__init__.py").write_text("")
    (package / "defs" / "assets.py").write_text(
        textwrap.dedent(ASSET).format(extra=extra, project=name))
    if not autoload:
        (package / "definitions.py").write_text(
            "from pathlib import Path\n\nfrom headwater import definitions, "
            "load_from_defs_folder\n\n\n@definitions\ndef defs():\n"
            "    return load_from_defs_folder(path_within_project=Path(__file__).parent)\n")
    (root / "pyproject.toml").write_text(
        f'[project]\nname = "{name}"\n\n[tool.dg]\ndirectory_type = "project"\n\n'
        f'[tool.dg.project]\nroot_module = "{name}"\n'
        + ("autoload_defs = true\n" if autoload else ""))
    return root


@pytest.fixture(scope="module")
def dg_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``dg.toml`` listing projects alpha (definitions.py) and beta (autoload_defs)."""
    root = tmp_path_factory.mktemp("dg_workspace")
    (root / "dg.toml").write_text(
        'directory_type = "workspace"\n\n[workspace]\n\n[[workspace.projects]]\n'
        'path = "projects/alpha"\n\n[[workspace.projects]]\npath = "projects/beta"\n')
    for name, extra in EXTRAS.items():
        _venv(_project(root, name, extra, autoload=name == "beta"), extra)
    return root



def test_the_workspace_names_one_location_per_project_with_its_own_python(
    dg_workspace: Path,
) -> None:
    alpha, beta = resolve_targets(cwd=dg_workspace)
    assert isinstance(alpha, PythonModuleOrigin) and isinstance(beta, AutoloadDefsOrigin)
    assert (alpha.location_name, alpha.module_name) == ("alpha", "alpha.definitions")
    assert (beta.location_name, beta.module_name) == ("beta", "beta.defs")
    for origin in (alpha, beta):
        project = dg_workspace / "projects" / origin.location_name
        assert origin.executable_path == str(project / ".venv" / "bin" / "python")
        assert origin.working_directory == str(project / "src")
    # -w accepts the dg.toml itself, from anywhere.
    named = resolve_targets(workspace_files=[str(dg_workspace / "dg.toml")], cwd=Path("/"))
    assert named == [alpha, beta]
    # From inside one project (or a folder in it) only that project is loaded.
    inner = dg_workspace / "projects" / "beta" / "src" / "beta" / "defs"
    [only] = resolve_targets(cwd=inner)
    assert only.location_name == "beta" and only.executable_path is None


@pytest.mark.slow
def test_each_project_loads_and_runs_in_its_own_virtualenv(
    tmp_path: Path, dg_workspace: Path, instance: Instance,
    make_workspace: Callable[..., Workspace],
) -> None:
    for extra in EXTRAS.values():
        assert importlib.util.find_spec(extra) is None, f"{extra} must be missing here"
    origins = resolve_targets(cwd=dg_workspace)
    workspace = make_workspace(origins)
    for origin in origins:
        name = origin.location_name
        entry = wait_status(workspace, name, LocationStatus.LOADED, timeout=60)
        assert entry.snapshot is not None
        assert [a.key for a in entry.snapshot.repositories[0].assets] == [[f"{name}_env"]]
        run = create_run(instance, origin=origin, job_name=IMPLICIT_ASSET_JOB_NAME,
                         asset_selection=[AssetKey(f"{name}_env")])
        workspace.client(name).launch_run(run.run_id)

        def finished(run_id: str = run.run_id) -> RunStatus | None:
            stored = instance.get_run(run_id)
            assert stored is not None
            done = (RunStatus.SUCCESS, RunStatus.FAILURE)
            return stored.status if stored.status in done else None

        assert wait_for(finished, f"the run in {name} to finish", timeout=60) is RunStatus.SUCCESS
        record = json.loads((tmp_path / f"{name}.json").read_text())
        venv = dg_workspace / "projects" / name / ".venv"
        assert Path(record["prefix"]) == venv
        assert Path(record["extra"]).is_relative_to(venv)
        other = next(e for n, e in EXTRAS.items() if n != name)
        probe = subprocess.run([str(venv / "bin" / "python"), "-c", f"import {other}"],
                               capture_output=True, timeout=60)
        assert probe.returncode != 0, f"{other} must be missing from {name}'s virtualenv"
