"""A location in a second virtualenv, with a package this test environment lacks."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import sysconfig
from collections.abc import Callable
from pathlib import Path

import pytest

from headwater.core.names import IMPLICIT_ASSET_JOB_NAME
from headwater.core.origins import PythonFileOrigin
from headwater.core.run_status import RunStatus
from headwater.definitions.asset_graph.keys import AssetKey
from headwater.execution.launch import create_run
from headwater.storage.instance import Instance
from headwater.workspace import LocationStatus, Workspace

from .conftest import location_file, wait_for, wait_status

CHECKOUT = Path(__file__).resolve().parents[2]
EXTRA = "tabulate"  # installed only in the second virtualenv

CODE = """\
    import json
    import os
    import sys
    from pathlib import Path

    import tabulate

    from headwater import Definitions, asset


    @asset
    def table() -> str:
        text = tabulate.tabulate([[1, 2]], headers=["a", "b"])
        record = {"prefix": sys.prefix, "tabulate": tabulate.__file__, "text": text}
        Path(os.environ["RUN_CONTROL_DIR"], "venv_run.json").write_text(json.dumps(record))
        return text


    defs = Definitions(assets=[table])
    """


def _pip(venv_python: Path, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv_python), "install",
                    "--quiet", "--disable-pip-version-check", "--no-deps", *args],
                   check=True, timeout=240)


@pytest.fixture(scope="module")
def second_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtualenv with headwater installed from the checkout, plus ``tabulate``.

    headwater's own dependencies come from this environment's site-packages (added as a
    site dir by a ``.pth`` file), so only headwater and the extra package are installed.
    """
    root = tmp_path_factory.mktemp("venv") / "second"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True,
                   timeout=120)
    python = root / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True, timeout=60).stdout.strip()
    host_site = sysconfig.get_paths()["purelib"]
    Path(purelib, "zz_headwater_test_deps.pth").write_text(
        f"import site; site.addsitedir({host_site!r})\n")
    _pip(python, "-e", str(CHECKOUT))
    _pip(python, EXTRA)
    return python



@pytest.mark.slow
def test_a_location_in_another_virtualenv(
    tmp_path: Path, second_venv: Path, instance: Instance,
    make_workspace: Callable[..., Workspace],
) -> None:
    assert importlib.util.find_spec(EXTRA) is None, f"{EXTRA} must be missing here"
    origin = location_file(tmp_path / "code", "other_env", CODE)
    origin = PythonFileOrigin(origin.location_name, origin.python_file,
                              working_directory=origin.working_directory,
                              executable_path=str(second_venv))
    workspace = make_workspace([origin])
    entry = wait_status(workspace, "other_env", LocationStatus.LOADED, timeout=60)
    assert entry.snapshot is not None
    assert [asset.key for asset in entry.snapshot.repositories[0].assets] == [["table"]]

    run = create_run(instance, origin=origin, job_name=IMPLICIT_ASSET_JOB_NAME,
                     asset_selection=[AssetKey("table")])
    workspace.client("other_env").launch_run(run.run_id)

    def finished() -> RunStatus | None:
        stored = instance.get_run(run.run_id)
        assert stored is not None
        return stored.status if stored.status in (RunStatus.SUCCESS, RunStatus.FAILURE) else None

    assert wait_for(finished, "the run to finish", timeout=60) is RunStatus.SUCCESS
    record = json.loads((tmp_path / "venv_run.json").read_text())
    venv_root = second_venv.parent.parent
    assert Path(record["prefix"]) == venv_root
    assert Path(record["tabulate"]).is_relative_to(venv_root)
    assert "a    b" in record["text"]
    assert EXTRA not in sys.modules
