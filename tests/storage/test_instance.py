"""The Instance: where it lives, what headwater.yaml makes of it, and what it passes through."""

from __future__ import annotations

import pickle
import sqlite3
import time
from pathlib import Path

import pytest

from headwater.definitions.partitions.dynamic import DynamicPartitionsDefinition
from headwater.snapshot.events import EventType, RunEvent
from headwater.snapshot.runs import RunRecord, RunsFilter
from headwater.storage.config import PostgresStorageConfig
from headwater.storage.errors import InstanceConfigError
from headwater.storage.instance import DagsterInstance, Instance


def test_get_uses_headwater_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("HEADWATER_HOME", str(home))
    with Instance.get() as instance:
        assert instance.root == home
        assert instance.storage_dir == home / "storage"
        assert (home / "headwater.db").is_file()
        info = instance.info()
    assert info == {
        "root": str(home), "config_file": None, "backend": "sqlite",
        "url": f"sqlite+pysqlite:///{home / 'headwater.db'}", "schema_revision": "r0007",
        "head_revision": "r0007", "schema_status": "current", "runs": 0,
        "storage_dir": str(home / "storage"),
    }


def test_get_without_headwater_home_uses_dot_headwater(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HEADWATER_HOME", raising=False)
    monkeypatch.chdir(tmp_path)
    with Instance.get() as instance:
        assert instance.root == tmp_path / ".headwater"
        assert (tmp_path / ".headwater" / "headwater.db").is_file()


def test_the_database_is_in_wal_mode(tmp_path: Path) -> None:
    with Instance(tmp_path) as instance:
        instance.add_run(RunRecord(run_id="r1", job_name="j"))
        with sqlite3.connect(tmp_path / "headwater.db") as plain:
            assert plain.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        plain.close()


def test_headwater_yaml_moves_the_sqlite_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "headwater.yaml").write_text("storage:\n  sqlite:\n    base_dir: db\n")
    monkeypatch.setenv("HEADWATER_HOME", str(tmp_path))
    with Instance.get() as instance:
        assert (tmp_path / "db" / "headwater.db").is_file()
        assert instance.info()["config_file"] == str(tmp_path / "headwater.yaml")
        assert instance.storage_dir == tmp_path / "storage"


def test_a_bad_headwater_yaml_stops_get(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "headwater.yaml").write_text("storage:\n  sqllite: {}\n")
    monkeypatch.setenv("HEADWATER_HOME", str(tmp_path))
    with pytest.raises(InstanceConfigError, match="did you mean 'sqlite'"):
        Instance.get()
    assert not (tmp_path / "headwater.db").exists()


def test_postgres_from_config_with_env_url_masks_the_password(
    tmp_path: Path, postgres_config: PostgresStorageConfig
) -> None:
    url = postgres_config.url.set(password="s3cret").render_as_string(hide_password=False)
    instance = Instance.from_config(tmp_path, {"storage": {"postgres": {"url": {"env": "PG"}}}},
                                    environ={"PG": url})
    with instance:
        assert instance.backend == "postgres"
        instance.add_run(RunRecord(run_id="r1", job_name="j"))
        info = instance.info()
    assert info["backend"] == "postgres" and info["runs"] == 1
    assert "s3cret" not in info["url"] and "***" in info["url"]
    assert info["url"].endswith(f"/{postgres_config.url.database}?connect_timeout=10")


def test_ephemeral_instances_clean_up_their_folder(tmp_path: Path) -> None:
    instance = Instance.ephemeral()
    root = instance.root
    instance.add_run(RunRecord(run_id="r1", job_name="j"))
    assert (root / "headwater.db").is_file()
    instance.dispose()
    assert not root.exists()
    with Instance.ephemeral(tmp_path / "kept") as kept:
        kept.add_run(RunRecord(run_id="r1", job_name="j"))
    assert (tmp_path / "kept" / "headwater.db").is_file()


def test_pass_throughs(tmp_path: Path) -> None:
    with DagsterInstance.ephemeral(tmp_path) as instance:
        assert DagsterInstance is Instance
        instance.add_run(RunRecord(run_id="r1", job_name="j", tags={"a": "1"}))
        storage_id = instance.store_event(RunEvent("r1", EventType.RUN_START, time.time()))
        assert storage_id > 0
        stored = instance.get_run("r1")
        assert stored is not None and stored.status.value == "STARTED"
        assert [r.run_id for r in instance.get_runs(RunsFilter(tags={"a": "1"}))] == ["r1"]
        assert instance.get_runs(limit=0) == []
        assert instance.get_run("r2") is None


def test_the_instance_is_the_dynamic_partitions_store(tmp_path: Path) -> None:
    customers = DynamicPartitionsDefinition(name="customers")
    with Instance.ephemeral(tmp_path) as instance:
        instance.add_dynamic_partitions("customers", ["acme", "globex"])
        assert customers.get_partition_keys(dynamic_partitions_store=instance) == [
            "acme", "globex"]
        assert customers.has_partition_key("acme", dynamic_partitions_store=instance)
        instance.delete_dynamic_partition("customers", "acme")
        assert not instance.has_dynamic_partition("customers", "acme")
        assert instance.get_dynamic_partitions("customers") == ["globex"]


def test_lazy_instances_open_storage_on_first_use(tmp_path: Path) -> None:
    instance = Instance(tmp_path / "lazy", lazy=True)
    assert not (tmp_path / "lazy").exists()
    assert instance.storage.count_runs() == 0
    assert (tmp_path / "lazy" / "headwater.db").is_file()
    assert repr(instance) == f"Instance({str(tmp_path / 'lazy')!r}, backend='sqlite')"
    instance.dispose()
    instance.dispose()  # twice is fine


def test_an_instance_pickles_as_its_root_and_config(tmp_path: Path) -> None:
    with Instance(tmp_path) as instance:
        instance.add_run(RunRecord(run_id="r1", job_name="j"))
        copy = pickle.loads(pickle.dumps(instance))
    with copy:
        assert copy.root == tmp_path and copy.config == instance.config
        assert copy.get_run("r1") is not None
