"""headwater.yaml: each storage form, ``{env: VAR}``, and an error naming file, line and key
for every mistake."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from headwater.errors import HeadwaterError
from headwater.storage.config import (
    InstanceConfig,
    PostgresStorageConfig,
    SqliteStorageConfig,
    instance_root,
    load_instance_config,
)
from headwater.storage.errors import InstanceConfigError


def load(root: Path, text: str, env: dict[str, str] | None = None) -> InstanceConfig:
    root.mkdir(parents=True, exist_ok=True)
    (root / "headwater.yaml").write_text(textwrap.dedent(text))
    return load_instance_config(root, env or {})


def error(root: Path, text: str, env: dict[str, str] | None = None) -> str:
    with pytest.raises(InstanceConfigError) as info:
        load(root, text, env)
    assert isinstance(info.value, HeadwaterError)
    message = str(info.value)
    assert str(root / "headwater.yaml") in message
    return message


# Roots and defaults ---------------------------------------------------------------------------


def test_root_is_headwater_home_or_dot_headwater(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert instance_root({"HEADWATER_HOME": str(tmp_path / "home")}) == tmp_path / "home"
    monkeypatch.chdir(tmp_path)
    assert instance_root({}) == tmp_path / ".headwater"
    assert instance_root({"HEADWATER_HOME": ""}) == tmp_path / ".headwater"


def test_no_file_means_sqlite_in_the_root(tmp_path: Path) -> None:
    config = load_instance_config(tmp_path, {})
    assert config.storage == SqliteStorageConfig(tmp_path)
    assert config.storage.db_path == tmp_path / "headwater.db"
    assert config.source is None


@pytest.mark.parametrize("text", ["", "# nothing\n", "storage:\n", "storage: {sqlite: }\n",
                                  "storage: {sqlite: {}}\n"])
def test_empty_sections_mean_the_defaults(tmp_path: Path, text: str) -> None:
    assert load(tmp_path, text).storage == SqliteStorageConfig(tmp_path)


# Valid storage forms --------------------------------------------------------------------------


def test_sqlite_base_dir_is_relative_to_the_root(tmp_path: Path) -> None:
    config = load(tmp_path, "storage: {sqlite: {base_dir: history}}")
    assert config.storage == SqliteStorageConfig(tmp_path / "history")
    absolute = load(tmp_path, f"storage: {{sqlite: {{base_dir: {tmp_path / 'abs'}}}}}")
    assert absolute.storage == SqliteStorageConfig(tmp_path / "abs")


def test_sqlite_base_dir_from_the_environment(tmp_path: Path) -> None:
    config = load(tmp_path, "storage: {sqlite: {base_dir: {env: HW_DIR}}}",
                  {"HW_DIR": str(tmp_path / "elsewhere")})
    assert config.storage == SqliteStorageConfig(tmp_path / "elsewhere")


def test_postgres_url(tmp_path: Path) -> None:
    config = load(tmp_path, """
        storage:
          postgres:
            url: postgresql://u:secret@db.example:6543/hw?sslmode=require
    """)
    storage = config.storage
    assert isinstance(storage, PostgresStorageConfig)
    assert storage.url.drivername == "postgresql+psycopg"
    assert (storage.host, storage.port, storage.url.database) == ("db.example", 6543, "hw")
    assert storage.url.password == "secret"
    assert storage.url.query == {"sslmode": "require"}


def test_postgres_url_from_the_environment_in_both_spellings(tmp_path: Path) -> None:
    env = {"PG_URL": "postgres://u@h/db"}
    for text in ("storage: {postgres: {url: {env: PG_URL}}}",
                 "storage: {postgres: {env: PG_URL}}"):
        storage = load(tmp_path, text, env).storage
        assert isinstance(storage, PostgresStorageConfig)
        assert (storage.host, storage.port, storage.url.database) == ("h", 5432, "db")


def test_postgres_parts_with_env_values_and_params(tmp_path: Path) -> None:
    config = load(tmp_path, """
        storage:
          postgres:
            host: {env: PGHOST}
            port: {env: PGPORT}
            database: headwater
            username: runner
            password: {env: PGPASSWORD}
            params: {sslmode: disable, connect_timeout: 3}
    """, {"PGHOST": "10.0.0.5", "PGPORT": "5433", "PGPASSWORD": "p@ss:word/"})
    storage = config.storage
    assert isinstance(storage, PostgresStorageConfig)
    url = storage.url
    assert (url.host, url.port, url.database, url.username, url.password) == (
        "10.0.0.5", 5433, "headwater", "runner", "p@ss:word/")
    assert dict(url.query) == {"sslmode": "disable", "connect_timeout": "3"}
    assert "p@ss" not in url.render_as_string(hide_password=True)


def test_postgres_parts_defaults(tmp_path: Path) -> None:
    storage = load(tmp_path, "storage: {postgres: {db: hw}}").storage
    assert isinstance(storage, PostgresStorageConfig)
    assert (storage.host, storage.port, storage.url.username) == ("localhost", 5432, None)


# Mistakes ----------------------------------------------------------------------------------------


def test_malformed_yaml_names_the_line(tmp_path: Path) -> None:
    message = error(tmp_path, "storage:\n  sqlite: {base_dir: [unclosed\n")
    assert "headwater.yaml:2" in message or "headwater.yaml:3" in message
    assert "not valid YAML" in message


def test_a_duplicate_key_is_an_error_naming_both_lines(tmp_path: Path) -> None:
    message = error(tmp_path, """\
        run_queue:
          max_concurrent_runs: 2
        run_queue:
          max_concurrent_runs: 50
        """)
    assert "headwater.yaml:3" in message
    assert "duplicate key 'run_queue' (first given on line 1)" in message
    nested = error(tmp_path / "nested", """\
        storage:
          sqlite: {base_dir: a, base_dir: b}
        """)
    assert "duplicate key 'base_dir'" in nested


def test_a_huge_file_fails_fast_with_a_size_error(tmp_path: Path) -> None:
    tmp_path.mkdir(exist_ok=True)
    with (tmp_path / "headwater.yaml").open("w") as file:
        file.write("run_queue:\n  tag_concurrency_limits:\n")
        for index in range(400_000):  # ~16 MB of valid YAML
            file.write(f"    - {{key: k{index}, limit: 1}}\n")
    with pytest.raises(InstanceConfigError, match="larger than 1024 KiB"):
        load_instance_config(tmp_path, {})


def test_unknown_top_level_key_suggests_the_closest(tmp_path: Path) -> None:
    message = error(tmp_path, "# comment\nstorag:\n  sqlite: {}\n")
    assert "headwater.yaml:2" in message and "'storag'" in message
    assert "did you mean 'storage'" in message


def test_unknown_nested_key_names_its_path(tmp_path: Path) -> None:
    message = error(tmp_path, """
        storage:
          postgres:
            hots: db
            db: hw
    """)
    assert "headwater.yaml:4" in message and "storage.postgres.hots" in message
    assert "did you mean 'host'" in message


def test_unknown_key_without_a_close_match_lists_the_valid_ones(tmp_path: Path) -> None:
    message = error(tmp_path, "storage: {redis: {}}")
    assert "storage.redis" in message and "Valid keys here: sqlite, postgres." in message
    assert "did you mean" not in message


@pytest.mark.parametrize(
    ("text", "key", "expected"),
    [
        ("[1, 2]", None, "the file must be a mapping, not a list"),
        ("storage: sqlite", "'storage'", "must be a mapping, not a string"),
        ("storage: {sqlite: {base_dir: [a]}}", "storage.sqlite.base_dir", "expected a string"),
        ("storage: {postgres: {db: hw, port: twelve}}", "storage.postgres.port",
         "expected an integer"),
        ("storage: {postgres: {db: hw, port: true}}", "storage.postgres.port",
         "expected an integer"),
        ("storage: {postgres: {db: hw, params: [a]}}", "storage.postgres.params",
         "mapping of connection parameters"),
        ("storage: {postgres: {db: {nested: 1}}}", "storage.postgres.db", "expected a string"),
    ],
)
def test_wrong_types_name_key_and_expected_type(
    tmp_path: Path, text: str, key: str | None, expected: str
) -> None:
    message = error(tmp_path, text)
    assert expected in message
    if key is not None:
        assert key in message


def test_unset_environment_variable_names_variable_and_key(tmp_path: Path) -> None:
    message = error(tmp_path, """
        storage:
          postgres:
            url: {env: HEADWATER_TEST_UNSET_URL}
    """)
    assert "HEADWATER_TEST_UNSET_URL" in message and "storage.postgres.url" in message
    assert "headwater.yaml:4" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("storage: {sqlite: {}, postgres: {db: x}}", "exactly one of 'sqlite' or 'postgres'"),
        ("storage: {}", "exactly one of 'sqlite' or 'postgres'"),
        ("storage: {postgres: {url: 'postgresql://h/db', host: h}}", "either 'url'"),
        ("storage: {postgres: {db: a, database: b}}", "either 'db' or 'database'"),
        ("storage: {postgres: {user: a, username: b, db: x}}", "either 'user' or 'username'"),
        ("storage: {postgres: {host: h}}", "missing key 'db'"),
        ("storage: {postgres: {url: 'mysql://h/db'}}", "expected a postgresql:// URL"),
        ("storage: {postgres: {url: 'not a url'}}", "not a database URL"),
        ("storage: {postgres: {url: {env: 1}}}", "{env: VARIABLE_NAME}"),
        ("storage: {postgres: {url: {env: A, default: b}}}", "{env: VARIABLE_NAME}"),
        ("storage: {sqlite: {base_dir: ''}}", "must not be empty"),
    ],
)
def test_inconsistent_settings(tmp_path: Path, text: str, expected: str) -> None:
    assert expected in error(tmp_path, text)


def test_unreadable_file(tmp_path: Path) -> None:
    (tmp_path / "headwater.yaml").write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(InstanceConfigError, match="cannot be read"):
        load_instance_config(tmp_path, {})


# code_servers -------------------------------------------------------------------------------


def test_code_server_settings_default_and_parse(tmp_path: Path) -> None:
    from headwater.storage.config import CodeServerSettings, code_server_settings

    assert load_instance_config(tmp_path, {}).code_servers == CodeServerSettings()
    assert code_server_settings(None) == CodeServerSettings()
    config = load(tmp_path, """\
        code_servers:
          startup_timeout: 5
          rpc_timeout: {env: RPC}
          heartbeat_interval: 0.5
          heartbeat_timeout: "3"
        """, {"RPC": "7.5"})
    assert code_server_settings(config) == CodeServerSettings(
        startup_timeout=5.0, rpc_timeout=7.5, heartbeat_interval=0.5, heartbeat_timeout=3.0
    )
    assert config.storage == SqliteStorageConfig(tmp_path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("code_servers: {startup_timout: 5}\n",
         ["code_servers.startup_timout", "did you mean 'startup_timeout'"]),
        ("code_servers: {rpc_timeout: soon}\n",
         ["code_servers.rpc_timeout", "number of seconds"]),
        ("code_servers: {rpc_timeout: -1}\n", ["code_servers.rpc_timeout", "positive"]),
        ("code_servers: {rpc_timeout: true}\n", ["code_servers.rpc_timeout", "a boolean"]),
        ("code_servers: {heartbeat_timeout: 1, heartbeat_interval: 2}\n",
         ["code_servers.heartbeat_timeout", "longer than heartbeat_interval"]),
        ("code_servers: [1]\n", ["code_servers", "must be a mapping"]),
    ],
)
def test_code_server_settings_errors(tmp_path: Path, text: str, expected: list[str]) -> None:
    message = error(tmp_path, text)
    for part in expected:
        assert part in message
    assert ":1:" in message
