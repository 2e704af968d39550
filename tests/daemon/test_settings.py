"""The daemon's headwater.yaml sections: defaults, values, and errors naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from headwater.storage.config import load_instance_config
from headwater.storage.daemon_config import DaemonSettings, TagConcurrencyLimit
from headwater.storage.errors import InstanceConfigError


def load(tmp_path: Path, text: str) -> DaemonSettings:
    (tmp_path / "headwater.yaml").write_text(text)
    return load_instance_config(tmp_path).daemon


def test_defaults_without_the_sections(tmp_path: Path) -> None:
    assert load(tmp_path, "code_servers: {rpc_timeout: 5}\n") == DaemonSettings()


def test_every_section_is_read(tmp_path: Path) -> None:
    settings = load(tmp_path, """\
run_queue:
  max_concurrent_runs: 3
  dequeue_interval: 0.5
  tag_concurrency_limits:
    - {key: database, value: warehouse, limit: 1}
    - {key: team, limit: 2}
scheduler: {catchup_window: 600, retry_interval: 30}
sensors: {evaluation_timeout: 15, max_workers: 16}
run_monitoring: {enabled: false, poll_interval: 2, worker_heartbeat_timeout: 30,
                 start_timeout: 90}
""")
    assert settings.run_queue.max_concurrent_runs == 3
    assert settings.run_queue.dequeue_interval == 0.5
    assert settings.run_queue.tag_concurrency_limits == (
        TagConcurrencyLimit(key="database", value="warehouse", limit=1),
        TagConcurrencyLimit(key="team", limit=2))
    assert (settings.scheduler.catchup_window, settings.scheduler.retry_interval) == (600, 30)
    assert (settings.sensors.evaluation_timeout, settings.sensors.max_workers) == (15, 16)
    monitoring = settings.run_monitoring
    assert (monitoring.enabled, monitoring.poll_interval, monitoring.worker_heartbeat_timeout,
            monitoring.start_timeout) == (False, 2, 30, 90)


def test_tag_limits_match_tags() -> None:
    exact = TagConcurrencyLimit(key="db", value="wh", limit=1)
    any_value = TagConcurrencyLimit(key="db", limit=1)
    assert exact.matches({"db": "wh"}) and not exact.matches({"db": "lake"})
    assert any_value.matches({"db": "lake"}) and not any_value.matches({"other": "x"})


@pytest.mark.parametrize(("text", "message"), [
    ("run_queue: {max_concurent_runs: 3}\n",
     "headwater.yaml:1: key 'run_queue.max_concurent_runs': unknown key; did you mean "
     "'max_concurrent_runs'?"),
    ("run_queue: {max_concurrent_runs: -2}\n", "must be at least -1, not -2"),
    ("run_queue:\n  tag_concurrency_limits: [{value: x, limit: 1}]\n",
     "each tag concurrency limit needs 'key'"),
    ("run_queue:\n  tag_concurrency_limits: {key: a}\n", "expected a list"),
    ("scheduler: {catchup_window: -5}\n", "must be a positive number of seconds"),
    ("sensors: {max_workers: 0}\n", "must be at least 1"),
    ("run_monitoring: {enabled: maybe}\n", "expected true or false"),
])
def test_mistakes_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InstanceConfigError) as info:
        load(tmp_path, text)
    assert message in str(info.value)
