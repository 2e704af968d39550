"""``headwater.yaml``: where the instance keeps its storage.

The instance root is ``$HEADWATER_HOME``, or ``./.headwater`` when the variable is unset. An
optional ``headwater.yaml`` in the root chooses the storage::

    storage:
      sqlite:
        base_dir: history            # default: the instance root; relative to the root
    # or
    storage:
      postgres:
        url: {env: HEADWATER_PG_URL}
    # or
    storage:
      postgres:
        host: db.internal
        port: 5432
        db: headwater                # or database
        user: {env: PGUSER}          # or username
        password: {env: PGPASSWORD}
        params: {sslmode: require}

How the host (webserver, daemon, ``headwater dev``) supervises code servers, in seconds::

    code_servers:
      startup_timeout: 180       # a code server must be serving within this
      rpc_timeout: 60            # each call to a code server must answer within this
      heartbeat_interval: 5      # the host pings each code server it started this often
      heartbeat_timeout: 45      # a code server exits after this long without a ping
      restart_backoff_max: 30    # longest wait between restarts of a crashed code server

Where code servers start run workers (default: a local subprocess per run)::

    run_launcher:
      subprocess: {}
    # or: each run is a task on a Celery worker (``headwater celery worker``)
    run_launcher:
      celery:
        broker: redis://127.0.0.1:6379/0        # or amqp://guest:guest@127.0.0.1:5672//
        backend: redis://127.0.0.1:6379/1       # default: the broker when it is redis://
        queue: headwater                        # the queue run tasks are sent to

The daemon's sections (``run_queue``, ``scheduler``, ``sensors``, ``run_monitoring``,
``auto_materialize``) are described in :mod:`headwater.storage.daemon_config`.

Any value may be ``{env: VAR}``. Every problem is an :class:`InstanceConfigError` naming the
file, the line, the key path and what to write instead.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, Union

import yaml

from headwater.storage.daemon_config import DAEMON_SECTIONS, DaemonSettings, parse_daemon_settings
from headwater.storage.errors import InstanceConfigError

if TYPE_CHECKING:
    # SQLAlchemy costs ~150 ms to import; every host process reads this module at start-up
    # (code server settings), so only PostgreSQL configurations pay for it.
    from sqlalchemy.engine import URL

CONFIG_FILE = "headwater.yaml"
#: A headwater.yaml larger than this is refused before it is parsed.
MAX_CONFIG_BYTES = 1024 * 1024
HOME_VARIABLE = "HEADWATER_HOME"
DEFAULT_ROOT = ".headwater"
SQLITE_FILE = "headwater.db"

_TOP_LEVEL_KEYS = ("storage", "code_servers", "run_launcher", *DAEMON_SECTIONS)
_RUN_LAUNCHERS = ("subprocess", "celery")
_CELERY_LAUNCHER_KEYS = ("broker", "backend", "queue")
_CODE_SERVER_KEYS = ("startup_timeout", "rpc_timeout", "heartbeat_interval", "heartbeat_timeout",
                     "restart_backoff_max")
_STORAGE_KEYS = ("sqlite", "postgres")
_SQLITE_KEYS = ("base_dir",)
_POSTGRES_KEYS = ("url", "host", "port", "db", "database", "user", "username", "password",
                  "params")

Path_ = tuple[str, ...]


@dataclass(frozen=True)
class SqliteStorageConfig:
    """SQLite storage: one database file in ``base_dir``."""

    base_dir: Path

    @property
    def db_path(self) -> Path:
        """The database file."""
        return self.base_dir / SQLITE_FILE


@dataclass(frozen=True)
class PostgresStorageConfig:
    """PostgreSQL storage, reached through psycopg 3."""

    url: URL

    @property
    def host(self) -> str:
        """The server's host name (``localhost`` when the URL gives none)."""
        return self.url.host or "localhost"

    @property
    def port(self) -> int:
        """The server's port (5432 when the URL gives none)."""
        return self.url.port or 5432


StorageConfig = Union[SqliteStorageConfig, PostgresStorageConfig]


@dataclass(frozen=True)
class CodeServerSettings:
    """How the host supervises code servers (``code_servers`` in headwater.yaml), in seconds.

    Attributes:
        startup_timeout: how long a code server may take to start serving.
        rpc_timeout: how long each call to a code server may take.
        heartbeat_interval: how often the host pings the code servers it started.
        heartbeat_timeout: a started code server exits after this long without a ping.
        restart_backoff_max: the longest wait between restarts of a crashed code server.
    """

    startup_timeout: float = 180.0
    rpc_timeout: float = 60.0
    heartbeat_interval: float = 5.0
    heartbeat_timeout: float = 45.0
    restart_backoff_max: float = 30.0


@dataclass(frozen=True)
class RunLauncherSettings:
    """Where code servers start run workers (``run_launcher`` in headwater.yaml).

    Attributes:
        kind: ``subprocess`` (a local process per run) or ``celery`` (a task per run).
        broker: the Celery broker URL (celery).
        backend: the Celery result backend URL (celery; None: the broker if it is Redis).
        queue: the Celery queue run tasks go to (celery).
    """

    kind: str = "subprocess"
    broker: str | None = None
    backend: str | None = None
    queue: str = "headwater"


@dataclass(frozen=True)
class InstanceConfig:
    """The validated contents of ``headwater.yaml`` (defaults when there is no file)."""

    storage: StorageConfig
    source: str | None = None
    code_servers: CodeServerSettings = CodeServerSettings()
    run_launcher: RunLauncherSettings = RunLauncherSettings()
    daemon: DaemonSettings = DaemonSettings()


def code_server_settings(config: InstanceConfig | None) -> CodeServerSettings:
    """The ``code_servers`` settings of ``config`` (the defaults when ``None``)."""
    return config.code_servers if config is not None else CodeServerSettings()


def instance_root(environ: Mapping[str, str] | None = None) -> Path:
    """``$HEADWATER_HOME``, or ``./.headwater`` when it is unset or empty (absolute)."""
    env = os.environ if environ is None else environ
    home = env.get(HOME_VARIABLE)
    return Path(home).expanduser().resolve() if home else (Path.cwd() / DEFAULT_ROOT).resolve()


def load_instance_config(
    root: Path, environ: Mapping[str, str] | None = None
) -> InstanceConfig:
    """Read ``root/headwater.yaml``; the defaults (SQLite in ``root``) when it is absent."""
    path = root / CONFIG_FILE
    if not path.is_file():
        return InstanceConfig(storage=SqliteStorageConfig(root))
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_CONFIG_BYTES + 1)
        if len(raw) > MAX_CONFIG_BYTES:
            raise InstanceConfigError(
                f"{path}: the file is larger than {MAX_CONFIG_BYTES // 1024} KiB; a "
                "headwater.yaml is a few dozen lines. Check that it is the right file.")
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InstanceConfigError(f"{path}: cannot be read: {exc}") from exc
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader
        lines = _key_lines(yaml.compose(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        problem = getattr(exc, "problem", None) or str(exc)
        raise InstanceConfigError(f"{where}: not valid YAML: {problem}.") from exc
    return parse_instance_config(data, root, source=str(path), lines=lines, environ=environ)


def parse_instance_config(
    data: object,
    root: Path,
    *,
    source: str = "<config>",
    lines: Mapping[Path_, int] | None = None,
    environ: Mapping[str, str] | None = None,
) -> InstanceConfig:
    """Validate the parsed contents of a ``headwater.yaml`` whose instance root is ``root``."""
    reader = _Reader(source, lines or {}, os.environ if environ is None else environ)
    if data is None:
        data = {}
    top = reader.mapping(data, (), _TOP_LEVEL_KEYS)
    code_servers = reader.code_servers(top.get("code_servers"))
    run_launcher = reader.run_launcher(top.get("run_launcher"))
    daemon = parse_daemon_settings(reader, top)
    storage_data = top.get("storage")
    if storage_data is None:
        return InstanceConfig(storage=SqliteStorageConfig(root), source=source,
                              code_servers=code_servers, run_launcher=run_launcher,
                              daemon=daemon)
    storage = reader.mapping(storage_data, ("storage",), _STORAGE_KEYS)
    if len(storage) != 1:
        reader.fail(("storage",), "give exactly one of 'sqlite' or 'postgres'"
                    + (f", not {' and '.join(sorted(storage))}." if storage else "."))
    chosen = (reader.sqlite(storage["sqlite"], root) if "sqlite" in storage
              else reader.postgres(storage["postgres"]))
    return InstanceConfig(storage=chosen, source=source, code_servers=code_servers,
                          run_launcher=run_launcher, daemon=daemon)


class _Reader:
    """Reads values by key path, resolving ``{env: VAR}`` and raising errors with lines."""

    def __init__(self, source: str, lines: Mapping[Path_, int], environ: Mapping[str, str]):
        self.source = source
        self.lines = lines
        self.environ = environ

    def fail(self, path: Path_, problem: str) -> NoReturn:
        line = self.lines.get(path)
        where = f"{self.source}:{line}" if line is not None else self.source
        key = f"key '{'.'.join(path)}': " if path else ""
        raise InstanceConfigError(f"{where}: {key}{problem}")

    def mapping(self, value: object, path: Path_, allowed: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(value, dict):
            what = "the file" if not path else "this key"
            self.fail(path, f"{what} must be a mapping, not {_type_name(value)}.")
        for key in value:
            if not isinstance(key, str) or key not in allowed:
                close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.5)
                hint = (f"did you mean '{close[0]}'? " if close else "") + (
                    f"Valid keys here: {', '.join(allowed)}.")
                self.fail((*path, str(key)), f"unknown key; {hint}")
        return value

    def resolve(self, value: object, path: Path_) -> object:
        """The value, or the environment variable named by ``{env: VAR}``."""
        if isinstance(value, dict) and "env" in value:
            name = value["env"]
            if len(value) != 1 or not isinstance(name, str) or not name:
                self.fail(path, "an environment reference is written {env: VARIABLE_NAME}.")
            if name not in self.environ:
                self.fail(path, f"environment variable '{name}' is not set; set it or give "
                                "the value directly.")
            return self.environ[name]
        return value

    def string(self, value: object, path: Path_) -> str:
        value = self.resolve(value, path)
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            self.fail(path, f"expected a string (or {{env: VAR}}), not {_type_name(value)}.")
        return str(value)

    def integer(self, value: object, path: Path_) -> int:
        value = self.resolve(value, path)
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(path, f"expected an integer (or {{env: VAR}}), not {_type_name(value)}.")
        return value

    def seconds(self, value: object, path: Path_) -> float:
        value = self.resolve(value, path)
        if isinstance(value, str):
            try:
                value = float(value.strip())
            except ValueError:
                pass
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(path, f"expected a number of seconds (or {{env: VAR}}), not "
                            f"{_type_name(value)}.")
        if not value > 0 or value == float("inf"):
            self.fail(path, f"must be a positive number of seconds, not {value}.")
        return float(value)

    def code_servers(self, value: object) -> CodeServerSettings:
        path = ("code_servers",)
        data = self.mapping({} if value is None else value, path, _CODE_SERVER_KEYS)
        values = {key: self.seconds(item, (*path, key)) for key, item in data.items()}
        settings = CodeServerSettings(**values)
        if settings.heartbeat_timeout <= settings.heartbeat_interval:
            key = "heartbeat_timeout" if "heartbeat_timeout" in data else "heartbeat_interval"
            self.fail((*path, key), f"heartbeat_timeout ({settings.heartbeat_timeout:g}) must "
                                    f"be longer than heartbeat_interval "
                                    f"({settings.heartbeat_interval:g}), or code servers stop "
                                    "while the host is alive.")
        return settings

    def run_launcher(self, value: object) -> RunLauncherSettings:
        path = ("run_launcher",)
        if value is None:
            return RunLauncherSettings()
        data = self.mapping(value, path, _RUN_LAUNCHERS)
        if len(data) != 1:
            self.fail(path, "give exactly one of 'subprocess' or 'celery'.")
        [(kind, body)] = data.items()
        body_path = (*path, kind)
        if kind == "subprocess":
            self.mapping({} if body is None else body, body_path, ())
            return RunLauncherSettings()
        body = self.mapping({} if body is None else body, body_path, _CELERY_LAUNCHER_KEYS)
        if "broker" not in body:
            self.fail(body_path, "missing key 'broker' (e.g. redis://127.0.0.1:6379/0 or "
                                 "amqp://guest:guest@127.0.0.1:5672//).")
        values = {key: self.string(item, (*body_path, key)) for key, item in body.items()}
        return RunLauncherSettings(kind="celery", **values)

    def sqlite(self, value: object, root: Path) -> SqliteStorageConfig:
        path = ("storage", "sqlite")
        data = self.mapping({} if value is None else value, path, _SQLITE_KEYS)
        base = data.get("base_dir")
        if base is None:
            return SqliteStorageConfig(root)
        text = self.string(base, (*path, "base_dir"))
        if not text.strip():
            self.fail((*path, "base_dir"), "must not be empty.")
        return SqliteStorageConfig((root / Path(text).expanduser()).resolve())

    def postgres(self, value: object) -> PostgresStorageConfig:
        path = ("storage", "postgres")
        if isinstance(value, str) or (isinstance(value, dict) and "env" in value):
            return PostgresStorageConfig(self.url(self.string(value, path), path))
        data = self.mapping(value, path, _POSTGRES_KEYS)
        for one, other in (("db", "database"), ("user", "username")):
            if one in data and other in data:
                self.fail((*path, other), f"give either '{one}' or '{other}', not both.")
        if "url" in data:
            extra = sorted(key for key in data if key != "url")
            if extra:
                self.fail((*path, extra[0]), "give either 'url' or the separate connection "
                                             "keys (host, port, db, user, password), not both.")
            return PostgresStorageConfig(self.url(self.string(data["url"], (*path, "url")),
                                                  (*path, "url")))
        return PostgresStorageConfig(self.url_from_parts(data, path))

    def url(self, text: str, path: Path_) -> URL:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            url = make_url(text)
        except ArgumentError:
            self.fail(path, "not a database URL; expected postgresql://USER:PASSWORD@HOST:PORT/DB.")
        if url.get_backend_name() not in ("postgresql", "postgres"):
            self.fail(path, f"expected a postgresql:// URL, not '{url.drivername}://'.")
        return url.set(drivername="postgresql+psycopg")

    def url_from_parts(self, data: dict[str, Any], path: Path_) -> URL:
        from sqlalchemy.engine import URL
        db_key = "db" if "db" in data else "database"
        if db_key not in data:
            self.fail(path, "missing key 'db' (the database name), or give 'url' instead.")
        user_key = "user" if "user" in data else "username"
        params: dict[str, str] = {}
        if "params" in data:
            params_path = (*path, "params")
            raw = self.resolve(data["params"], params_path)
            if not isinstance(raw, dict):
                self.fail(params_path, "expected a mapping of connection parameters "
                                       f"(e.g. {{sslmode: require}}), not {_type_name(raw)}.")
            for key, item in raw.items():
                params[str(key)] = self.string(item, (*params_path, str(key)))
        return URL.create(
            "postgresql+psycopg",
            username=self.string(data[user_key], (*path, user_key)) if user_key in data else None,
            password=(self.string(data["password"], (*path, "password"))
                      if "password" in data else None),
            host=self.string(data["host"], (*path, "host")) if "host" in data else "localhost",
            port=self.integer(data["port"], (*path, "port")) if "port" in data else 5432,
            database=self.string(data[db_key], (*path, db_key)),
            query=params,
        )


class _UniqueKeyLoader(yaml.SafeLoader):
    """Safe YAML that refuses a key given twice in one mapping (YAML would keep the last)."""


def _unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        try:
            duplicate = key in seen
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a key is a list or a mapping; keys must be plain names",
                key_node.start_mark) from None
        if duplicate:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first given on line {seen[key]}); "
                            "give each key once", key_node.start_mark)
        seen[key] = line
    return loader.construct_mapping(node, deep=True)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
                                 _unique_mapping)


def _type_name(value: object) -> str:
    if value is None:
        return "nothing (null)"
    names = {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean",
             int: "an integer", float: "a number"}
    return names.get(type(value), type(value).__name__)


def _key_lines(node: yaml.Node | None, path: Path_ = ()) -> dict[Path_, int]:
    """The 1-based line of every mapping key, by key path."""
    lines: dict[Path_, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key_path = (*path, str(key_node.value))
            lines[key_path] = key_node.start_mark.line + 1
            lines.update(_key_lines(value_node, key_path))
    return lines
