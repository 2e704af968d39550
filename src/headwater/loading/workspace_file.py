"""Reading workspace files: ``load_from:`` entries, or the deployment file's ``locations:``.

``load_from`` entries are ``python_file``, ``python_module``, ``python_package`` (each a
short string or a long mapping) or ``grpc_server``. The deployment format lists
``locations`` with a ``location_name`` and a ``code_source``; the older form keyed by
location name is read too. Relative paths are read from the file's folder, strings may use
``$VAR``/``${VAR}``/``{env: VAR}``, and every problem is a :class:`WorkspaceFileError` naming
the file, line, entry and key.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Optional

import yaml

from headwater.core.origins import (
    GrpcServerOrigin,
    LocationOrigin,
    PythonFileOrigin,
    PythonModuleOrigin,
    PythonPackageOrigin,
    SourcedOrigin,
)
from headwater.loading.entry_reader import (
    EntryReader,
    PositionedDict,
    PositionedList,
    TargetFile,
    TargetFileError,
    describe_value,
    line_of,
)
from headwater.loading.target_values import import_root, is_env_reference, location_name_problem


class WorkspaceFileError(TargetFileError):
    """A workspace file is missing or malformed; ``path``/``entry``/``key``/``line`` say where."""


LOCATION_KINDS = ("python_file", "python_module", "python_package", "grpc_server")

_COMMON_KEYS = ("location_name", "attribute", "working_directory", "executable_path")
_LONG_FORM_KEYS = {
    "python_file": ("relative_path", *_COMMON_KEYS),
    "python_module": ("module_name", *_COMMON_KEYS),
    "python_package": ("package_name", *_COMMON_KEYS),
    "grpc_server": ("host", "port", "socket", "location_name", "ssl", "ca_cert", "token_env"),
}
_CODE_SOURCES = ("python_file", "module_name", "package_name")
_DEPLOYMENT_KEYS = ("location_name", "code_source", "working_directory", "executable_path",
                    "attribute")
#: Deployment-file keys about building and shipping images: accepted, not used locally.
_DEPLOYMENT_ONLY_KEYS = ("image", "build", "container_context", "git", "agent_queue")

#: An entry's label and line, for messages about duplicates.
_Where = tuple[str, Optional[int]]

_EXAMPLE = "  load_from:\n    - python_file: definitions.py"
#: A workspace file larger than this is refused before it is parsed.
MAX_WORKSPACE_FILE_BYTES = 1024 * 1024


def load_workspace_file(
    path: str | os.PathLike[str], env: Mapping[str, str] | None = None
) -> list[LocationOrigin]:
    """Read a workspace file into the origins of its locations, in file order.

    Args:
        path: the workspace file (``workspace.yaml``).
        env: the variables that ``$VAR`` references read; defaults to ``os.environ``.

    Returns:
        One origin per location, with absolute paths.

    Raises:
        WorkspaceFileError: the file is missing, not YAML, or an entry is malformed.
    """
    return [sourced.origin for sourced in read_workspace_file(path, env)]


def read_workspace_file(
    path: str | os.PathLike[str], env: Mapping[str, str] | None = None
) -> list[SourcedOrigin]:
    """Like :func:`load_workspace_file`, each origin paired with the entry that declared it."""
    file = TargetFile(Path(os.path.abspath(path)), os.environ if env is None else env,
                      WorkspaceFileError)
    return origins_from_workspace_data(_parse_yaml(file), file)


def origins_from_workspace_data(data: object, file: TargetFile) -> list[SourcedOrigin]:
    """The origins declared by already parsed workspace data (the YAML document)."""
    if data is None:
        file.fail(f"the workspace file is empty. Add the locations to load, e.g.\n{_EXAMPLE}")
    top = file.reader(data, None, "a workspace file")
    top.check_keys(("load_from", "locations"))
    if "load_from" in top.raw and "locations" in top.raw:
        top.fail("use either load_from or locations (the deployment format), not both.",
                 "locations")
    if "locations" in top.raw:
        sourced = list(_deployment_locations(top))
    else:
        sourced = list(_load_from_entries(top))
    _check_unique_names(file, sourced)
    return [origin for origin, _ in sourced]


def _check_unique_names(file: TargetFile, sourced: list[tuple[SourcedOrigin, _Where]]) -> None:
    first: dict[str, str] = {}
    for item, (label, line) in sourced:
        name = item.origin.location_name
        if name in first:
            file.fail(
                f"{first[name]} and {label} both name a location '{name}'. Location names "
                "must be unique: set a different location_name on one of them.",
                line=line,
            )
        first[name] = label


# load_from -----------------------------------------------------------------------------------

def _load_from_entries(top: EntryReader) -> Iterator[tuple[SourcedOrigin, _Where]]:
    file = top.file
    entries = top.raw.get("load_from")
    if entries is None or entries == []:
        top.fail(f"the workspace has no locations. Add at least one, e.g.\n{_EXAMPLE}",
                 "load_from")
    if not isinstance(entries, list):
        top.fail(f"must be a list of locations (lines starting with '- '), got "
                 f"{describe_value(entries)}. For example:\n{_EXAMPLE}", "load_from")
    for index, raw in enumerate(entries):
        label = f"load_from[{index}]"
        entry = file.reader(raw, label, "each load_from entry", line_of(entries, index))
        origin = _load_from_entry(entry, label)
        where = entry.entry or label
        yield SourcedOrigin(origin, f"{where} in {file.path}"), (where, entry.line)


def _load_from_entry(entry: EntryReader, label: str) -> LocationOrigin:
    kinds = [key for key in entry.raw if key in LOCATION_KINDS]
    if not entry.raw:
        entry.fail(f"empty entry; give one of {', '.join(LOCATION_KINDS)}.")
    for key in entry.raw:
        if key not in LOCATION_KINDS:
            _fail_unknown_kind(entry, key, kinds)
    if len(kinds) > 1:
        entry.fail(f"has both '{kinds[0]}' and '{kinds[1]}', but each entry is one location. "
                   "Start each on its own line with '- '.", kinds[1])
    kind = kinds[0]
    value = entry.raw[kind]
    hint = _name_hint(kind, value)
    entry.entry = f"{label} ({kind}{f' {hint!r}' if hint else ''})"
    if kind == "grpc_server":
        if value is None or isinstance(value, str):
            entry.fail("needs a mapping with location_name and either host and port, or "
                       "socket, e.g. {host: localhost, port: 4266, location_name: remote}.", kind)
        return _grpc_server(entry.file.reader(value, entry.entry, kind, entry.line))
    if value is None or isinstance(value, str) or is_env_reference(value):
        return _short_form(entry, kind)
    if not isinstance(value, Mapping):
        what = "a file path" if kind == "python_file" else "a module name"
        entry.fail(f"must be {what} or a mapping with {_LONG_FORM_KEYS[kind][0]} and the "
                   f"other keys, got {describe_value(value)}.", kind)
    return _long_form(entry.file.reader(value, entry.entry, kind, entry.line), kind)


def _fail_unknown_kind(entry: EntryReader, key: str, kinds: list[str]) -> None:
    if kinds and key in _LONG_FORM_KEYS[kinds[0]]:
        first = _LONG_FORM_KEYS[kinds[0]][0]
        entry.fail(
            f"'{key}' belongs inside '{kinds[0]}': indent it under '{kinds[0]}' and use the long "
            f"form, e.g. {kinds[0]}: {{{first}: ..., {key}: ...}}.", key,
        )
    if key == "python_environment":
        entry.fail("python_environment is not supported; put executable_path inside the "
                   "python_file, python_module or python_package entry.", key)
    entry.check_keys(LOCATION_KINDS)


def _name_hint(kind: str, value: object) -> str | None:
    """What the entry names, as written: the file, module or package (a server's name)."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        key = "location_name" if kind == "grpc_server" else _LONG_FORM_KEYS[kind][0]
        if isinstance(value.get(key), str):
            return str(value[key])
    return None


def _short_form(entry: EntryReader, kind: str) -> LocationOrigin:
    folder = entry.file.folder
    if kind == "python_file":
        python_file = entry.python_file(kind, folder)
        name = entry.location_name("location_name", Path(python_file).stem)
        return PythonFileOrigin(name, python_file, working_directory=str(folder))
    module = entry.module_name(kind)
    wd = str(import_root(folder, module))
    if kind == "python_module":
        return PythonModuleOrigin(entry.location_name("location_name", module), module,
                                  working_directory=wd)
    return PythonPackageOrigin(entry.location_name("location_name", module), module,
                               working_directory=wd)


def _long_form(entry: EntryReader, kind: str) -> LocationOrigin:
    folder = entry.file.folder
    entry.check_keys(_LONG_FORM_KEYS[kind])
    attribute = entry.attribute("attribute")
    working_directory = entry.directory("working_directory", folder)
    executable = entry.executable("executable_path", folder)
    if kind == "python_file":
        python_file = entry.python_file("relative_path", folder)
        return PythonFileOrigin(
            entry.location_name("location_name", Path(python_file).stem), python_file,
            attribute, working_directory or str(folder), executable,
        )
    module_key = "module_name" if kind == "python_module" else "package_name"
    module = entry.module_name(module_key)
    name = entry.location_name("location_name", module)
    wd = working_directory or str(import_root(folder, module))
    if kind == "python_module":
        return PythonModuleOrigin(name, module, attribute, wd, executable)
    return PythonPackageOrigin(name, module, attribute, wd, executable)


def _grpc_server(entry: EntryReader) -> GrpcServerOrigin:
    entry.check_keys(_LONG_FORM_KEYS["grpc_server"])
    name = entry.location_name("location_name", None)
    port = entry.integer("port", 1, 65535)
    socket = entry.string("socket")
    if (port is None) == (socket is None):
        entry.fail("give either port (with host) or socket, not "
                   f"{'both' if port is not None else 'neither'}.",
                   "socket" if port is not None else None)
    host = entry.string("host")
    if socket is not None:
        socket = os.path.abspath(entry.file.folder / os.path.expanduser(socket))
    elif host is None:
        host = "localhost"
    ssl = entry.boolean("ssl", False)
    ca_cert = entry.string("ca_cert")
    if ca_cert is not None:
        if not ssl:
            entry.fail("ca_cert is only used with ssl: true; add ssl: true.", "ca_cert")
        ca_cert = os.path.abspath(entry.file.folder / os.path.expanduser(ca_cert))
    return GrpcServerOrigin(name, host=host, port=port, socket=socket, ssl=ssl,
                            ca_cert=ca_cert, token_env=entry.string("token_env"))


# Deployment format ---------------------------------------------------------------------------

def _deployment_locations(top: EntryReader) -> Iterator[tuple[SourcedOrigin, _Where]]:
    file = top.file
    locations = top.raw.get("locations")
    list_line = line_of(top.raw, "locations")
    if not locations and isinstance(locations, (list, dict, type(None))):
        top.fail("the workspace has no locations. Add at least one, e.g.\n  locations:\n"
                 "    - location_name: my_location\n      code_source:\n"
                 "        module_name: my_project.definitions", "locations")
    if isinstance(locations, list):
        items: list[tuple[str, object, str | None, int | None]] = [
            (f"locations[{index}]", raw, None, line_of(locations, index) or list_line)
            for index, raw in enumerate(locations)
        ]
    elif isinstance(locations, dict):
        items = [(f"locations.{key}", raw, str(key), line_of(locations, key) or list_line)
                 for key, raw in locations.items()]
    else:
        top.fail(f"must be a list of locations, got {describe_value(locations)}.", "locations")
    for label, raw, keyed_name, line in items:
        entry = file.reader(raw, label, "each location", line)
        if keyed_name is None and isinstance(entry.raw.get("location_name"), str):
            entry.entry = f"{label} ({entry.raw['location_name']!r})"
        origin = _deployment_location(entry, keyed_name)
        where = entry.entry or label
        yield SourcedOrigin(origin, f"{where} in {file.path}"), (where, entry.line)


def _deployment_location(entry: EntryReader, keyed_name: str | None) -> LocationOrigin:
    folder = entry.file.folder
    if keyed_name is None:
        entry.check_keys(_DEPLOYMENT_KEYS, _DEPLOYMENT_ONLY_KEYS)
        name = entry.location_name("location_name", None)
        if not entry.has("code_source"):
            entry.fail(f"this key is required: give one of {', '.join(_CODE_SOURCES)}, e.g. "
                       "code_source: {module_name: my_project.definitions}.", "code_source")
        source = entry.file.reader(entry.raw["code_source"], f"{entry.entry}.code_source",
                                   "code_source", entry.line)
        source.check_keys(_CODE_SOURCES)
    else:
        keys = [key for key in _DEPLOYMENT_KEYS if key not in ("location_name", "code_source")]
        entry.check_keys((*keys, *_CODE_SOURCES), _DEPLOYMENT_ONLY_KEYS)
        problem = location_name_problem(keyed_name)
        if problem:
            entry.fail(problem)
        name, source = keyed_name, entry
    given = [key for key in _CODE_SOURCES if source.has(key)]
    if len(given) != 1:
        source.fail(f"give exactly one of {', '.join(_CODE_SOURCES)}"
                    f"{', not ' + ' and '.join(given) if given else ''}.")
    attribute = entry.attribute("attribute")
    working_directory = entry.directory("working_directory", folder)
    executable = entry.executable("executable_path", folder)
    if given[0] == "python_file":
        base = Path(working_directory) if working_directory else folder
        python_file = source.python_file("python_file", base)
        return PythonFileOrigin(name, python_file, attribute, working_directory or str(folder),
                                executable)
    module = source.module_name(given[0])
    wd = working_directory or str(import_root(folder, module))
    if given[0] == "module_name":
        return PythonModuleOrigin(name, module, attribute, wd, executable)
    return PythonPackageOrigin(name, module, attribute, wd, executable)


# YAML ----------------------------------------------------------------------------------------

class _Loader(yaml.SafeLoader):
    """Safe YAML that records line numbers and rejects duplicate keys."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Iterator[PositionedDict]:
    data = PositionedDict(node.start_mark.line + 1)
    yield data
    own = sum(1 for key_node, _ in node.value if key_node.tag != "tag:yaml.org,2002:merge")
    loader.flatten_mapping(node)
    merged = len(node.value) - own
    seen: dict[Any, int] = {}
    for index, (key_node, value_node) in enumerate(node.value):
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a key is a list or a mapping; keys must be plain names",
                key_node.start_mark,
            ) from None
        if index >= merged:
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r} (first given on line {seen[key]})",
                    key_node.start_mark,
                )
            seen[key] = line
        data[key] = loader.construct_object(value_node, deep=False)
        data.key_lines[key] = line


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> Iterator[PositionedList]:
    data = PositionedList(node.start_mark.line + 1)
    yield data
    for item_node in node.value:
        data.append(loader.construct_object(item_node, deep=False))
        data.item_lines.append(item_node.start_mark.line + 1)


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


def _parse_yaml(file: TargetFile) -> object:
    try:
        with file.path.open("rb") as handle:
            raw = handle.read(MAX_WORKSPACE_FILE_BYTES + 1)
    except FileNotFoundError:
        file.fail("the workspace file does not exist. Create it, or pass the right path "
                  "with -w/--workspace.")
    except IsADirectoryError:
        file.fail("is a directory; pass the workspace.yaml file inside it.")
    except OSError as exc:
        file.fail(f"cannot be read: {exc.strerror or exc}.")
    if len(raw) > MAX_WORKSPACE_FILE_BYTES:
        file.fail(f"the file is larger than {MAX_WORKSPACE_FILE_BYTES // 1024} KiB; a workspace "
                  "file lists code locations in a few lines each. Check that it is the right "
                  "file.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        file.fail("is not UTF-8 text; save it as UTF-8.", line=raw[: exc.start].count(b"\n") + 1)
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(part for part in (exc.context, exc.problem) if part)
        column = f" (column {mark.column + 1})" if mark is not None else ""
        file.fail(f"invalid YAML{column}: {problem or exc}. Fix the syntax at this line.",
                  line=mark.line + 1 if mark is not None else None)
    except yaml.YAMLError as exc:
        file.fail(f"invalid YAML: {exc}.")
    except RecursionError:
        file.fail("invalid workspace file: it is nested too deeply.")
    except Exception as exc:  # PyYAML's constructors may raise anything on odd tagged values
        file.fail(f"invalid YAML value ({type(exc).__name__}: {exc}). Check the values that use "
                  "a '!!' tag or look like dates.")
