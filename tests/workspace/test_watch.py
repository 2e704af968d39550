"""``--watch``: an edited file reloads its location only."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from headwater.core.origins import GrpcServerOrigin, PythonModuleOrigin
from headwater.workspace import LocationStatus, LocationWatcher, Workspace
from headwater.workspace.watch import watched_folder

from .conftest import location_file, wait_status

CODE = """\
    from headwater import Definitions, asset

    @asset
    def {name}() -> int:
        return 1

    defs = Definitions(assets=[{name}])
    """


def test_the_watcher_reloads_only_the_edited_location(
    tmp_path: Path, make_workspace: Callable[..., Workspace]
) -> None:
    a = location_file(tmp_path / "a", "a", CODE.format(name="alpha"))
    b = location_file(tmp_path / "b", "b", CODE.format(name="beta"))
    workspace = make_workspace([a, b])
    first_a = wait_status(workspace, "a", LocationStatus.LOADED)
    first_b = wait_status(workspace, "b", LocationStatus.LOADED)
    reloaded: list[str] = []
    watcher = LocationWatcher(workspace, debounce=0.1, on_reload=reloaded.append)
    assert watcher.folders == {"a": tmp_path / "a", "b": tmp_path / "b"}
    watcher.start()
    try:
        (tmp_path / "a" / "__pycache__").mkdir()
        (tmp_path / "a" / "__pycache__" / "x.py").write_text("")  # ignored folder
        location_file(tmp_path / "a", "a", CODE.format(name="gamma"))
        entry = wait_status(workspace, "a", LocationStatus.LOADED, other_than=first_a.server_id)
        assert entry.snapshot is not None
        assert [asset.key for asset in entry.snapshot.repositories[0].assets] == [["gamma"]]
        assert workspace.get("b").server_id == first_b.server_id
        assert "b" not in reloaded
    finally:
        watcher.stop()


def test_watched_folders() -> None:
    assert watched_folder(GrpcServerOrigin("r", host="h", port=1)) is None
    assert watched_folder(PythonModuleOrigin("m", "pkg.defs")) is None
    assert watched_folder(PythonModuleOrigin("m", "pkg.defs", working_directory="/srv")) == (
        Path("/srv"))
