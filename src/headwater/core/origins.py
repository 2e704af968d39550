"""How to load each code location: plain frozen records that can cross process boundaries.

An origin says where a location's code is (a Python file, a module, a package, or a gRPC
server someone else runs) and how to start it (working directory, Python executable). Every
field is a ``str``, ``int``, ``bool`` or ``None``, so :meth:`to_dict` gives plain JSON-ready
data and :func:`origin_from_dict` reads it back, checking every field.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any, ClassVar, TypeAlias, Union

from headwater.errors import LoadError


@dataclass(frozen=True)
class PythonFileOrigin:
    """A location defined in one Python file (``-f``, or ``python_file`` in a workspace).

    Attributes:
        location_name: the location's name, unique in the workspace.
        python_file: absolute path of the file.
        attribute: the variable holding the Definitions, when not found automatically.
        working_directory: absolute directory to run from; also first on ``sys.path``.
        executable_path: the Python interpreter of the location's environment; ``None``
            means the interpreter running headwater.
    """

    kind: ClassVar[str] = "python_file"

    location_name: str
    python_file: str
    attribute: str | None = None
    working_directory: str | None = None
    executable_path: str | None = None

    def describe(self) -> str:
        """``python_file definitions.py``: the file, relative to the working directory."""
        return f"{self.kind} {_short_path(self.python_file, self.working_directory)}" + (
            _attribute_suffix(self.attribute)
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain data with a ``type`` key; :func:`origin_from_dict` reads it back."""
        return _to_dict(self)


@dataclass(frozen=True)
class PythonModuleOrigin:
    """A location defined in an importable module (``-m``, or ``python_module``).

    Attributes:
        location_name: the location's name, unique in the workspace.
        module_name: dotted module name, e.g. ``my_project.definitions``.
        attribute: the variable holding the Definitions, when not found automatically.
        working_directory: absolute directory to run from; also first on ``sys.path``.
        executable_path: the Python interpreter of the location's environment.
    """

    kind: ClassVar[str] = "python_module"

    location_name: str
    module_name: str
    attribute: str | None = None
    working_directory: str | None = None
    executable_path: str | None = None

    def describe(self) -> str:
        """``python_module my_project.definitions``."""
        return f"{self.kind} {self.module_name}{_attribute_suffix(self.attribute)}"

    def to_dict(self) -> dict[str, Any]:
        """Plain data with a ``type`` key; :func:`origin_from_dict` reads it back."""
        return _to_dict(self)


@dataclass(frozen=True)
class PythonPackageOrigin:
    """A location defined in an installed package (``--package-name``, or ``python_package``).

    Attributes:
        location_name: the location's name, unique in the workspace.
        package_name: the package to import, e.g. ``my_project``.
        attribute: the variable holding the Definitions, when not found automatically.
        working_directory: absolute directory to run from; also first on ``sys.path``.
        executable_path: the Python interpreter of the location's environment.
    """

    kind: ClassVar[str] = "python_package"

    location_name: str
    package_name: str
    attribute: str | None = None
    working_directory: str | None = None
    executable_path: str | None = None

    def describe(self) -> str:
        """``python_package my_project``."""
        return f"{self.kind} {self.package_name}{_attribute_suffix(self.attribute)}"

    def to_dict(self) -> dict[str, Any]:
        """Plain data with a ``type`` key; :func:`origin_from_dict` reads it back."""
        return _to_dict(self)


@dataclass(frozen=True)
class AutoloadDefsOrigin:
    """A dg project loaded straight from its defs package (``autoload_defs = true``).

    Attributes:
        location_name: the location's name, unique in the workspace.
        module_name: the defs package, e.g. ``my_project.defs``; every module under it is
            loaded (see :func:`headwater.load_defs`).
        attribute: unused; always ``None`` (kept so every Python origin has the field).
        working_directory: absolute directory to run from; also first on ``sys.path``.
        executable_path: the Python interpreter of the location's environment.
    """

    kind: ClassVar[str] = "autoload_defs_module"

    location_name: str
    module_name: str
    attribute: str | None = None
    working_directory: str | None = None
    executable_path: str | None = None

    def describe(self) -> str:
        """``autoload_defs_module my_project.defs``."""
        return f"{self.kind} {self.module_name}"

    def to_dict(self) -> dict[str, Any]:
        """Plain data with a ``type`` key; :func:`origin_from_dict` reads it back."""
        return _to_dict(self)


@dataclass(frozen=True)
class GrpcServerOrigin:
    """A location served by a code server that headwater does not start (``grpc_server``).

    Attributes:
        location_name: the location's name, unique in the workspace.
        host: host name or address to connect to, with ``port``.
        port: TCP port of the server.
        socket: absolute path of a Unix domain socket, instead of host and port.
        ssl: connect with TLS.
        ca_cert: absolute path of the PEM certificates to trust for TLS (default: the
            system's).
        token_env: the environment variable holding the server's token (``--token-env``);
            the token itself is never stored.
    """

    kind: ClassVar[str] = "grpc_server"

    location_name: str
    host: str | None = None
    port: int | None = None
    socket: str | None = None
    ssl: bool = False
    ca_cert: str | None = None
    token_env: str | None = None

    def describe(self) -> str:
        """``grpc_server localhost:4266``, or ``grpc_server unix:/path/to/socket``."""
        where = f"unix:{self.socket}" if self.socket else f"{self.host or 'localhost'}:{self.port}"
        return f"{self.kind} {where}" + (" (ssl)" if self.ssl else "")

    def to_dict(self) -> dict[str, Any]:
        """Plain data with a ``type`` key; :func:`origin_from_dict` reads it back."""
        return _to_dict(self)


LocationOrigin: TypeAlias = Union[
    PythonFileOrigin, PythonModuleOrigin, PythonPackageOrigin, AutoloadDefsOrigin,
    GrpcServerOrigin,
]

ORIGIN_TYPES: dict[str, type[LocationOrigin]] = {
    cls.kind: cls
    for cls in (PythonFileOrigin, PythonModuleOrigin, PythonPackageOrigin, AutoloadDefsOrigin,
                GrpcServerOrigin)
}


@dataclass(frozen=True)
class SourcedOrigin:
    """An origin with where it was declared, for messages (``-f a.py``, ``workspace.yaml: …``)."""

    origin: LocationOrigin
    source: str


def origin_from_dict(data: Mapping[str, Any]) -> LocationOrigin:
    """Rebuild an origin from :meth:`to_dict` output, checking every key and type.

    Args:
        data: a mapping with ``type`` (``python_file``, ``python_module``, ``python_package``
            or ``grpc_server``) and that origin's fields.

    Returns:
        The origin.

    Raises:
        LoadError: the type is unknown, a key is missing or unknown, or a value has the wrong
            type.
    """
    if not isinstance(data, Mapping):
        raise LoadError(f"A location origin must be a mapping, got {type(data).__name__}.")
    kind = data.get("type")
    cls = ORIGIN_TYPES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise LoadError(
            f"Unknown location origin type {kind!r}; expected one of "
            f"{', '.join(sorted(ORIGIN_TYPES))}. Were both sides built from the same headwater?"
        )
    names = {field.name for field in fields(cls)}
    unknown = sorted(str(key) for key in data if key != "type" and key not in names)
    if unknown:
        raise LoadError(f"Unknown field(s) {', '.join(unknown)} for a {kind} origin.")
    values: dict[str, Any] = {}
    for field in fields(cls):
        if field.name not in data:
            if field.name in _REQUIRED:
                raise LoadError(f"A {kind} origin needs the field '{field.name}'.")
            continue
        value = data[field.name]
        expected, optional = _FIELD_TYPES[field.name]
        if not (_is_type(value, expected) or (optional and value is None)):
            raise LoadError(
                f"Field '{field.name}' of a {kind} origin must be "
                f"{expected.__name__}{' or None' if optional else ''}, got {value!r}."
            )
        values[field.name] = value
    return cls(**values)


# Every field of every origin: (type, may be None). The origins share their field names.
_FIELD_TYPES: dict[str, tuple[type, bool]] = {
    "location_name": (str, False),
    "python_file": (str, False),
    "module_name": (str, False),
    "package_name": (str, False),
    "attribute": (str, True),
    "working_directory": (str, True),
    "executable_path": (str, True),
    "host": (str, True),
    "port": (int, True),
    "socket": (str, True),
    "ssl": (bool, False),
    "ca_cert": (str, True),
    "token_env": (str, True),
}
_REQUIRED = {"location_name", "python_file", "module_name", "package_name"}


def _is_type(value: object, expected: type) -> bool:
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, expected)


def _to_dict(origin: LocationOrigin) -> dict[str, Any]:
    return {"type": origin.kind, **asdict(origin)}


def _attribute_suffix(attribute: str | None) -> str:
    return f" (attribute {attribute})" if attribute else ""


def _short_path(path: str, base: str | None) -> str:
    if base:
        try:
            relative = os.path.relpath(path, base)
        except ValueError:  # another drive on Windows
            return path
        if relative != os.pardir and not relative.startswith(os.pardir + os.sep):
            return relative
    return path
