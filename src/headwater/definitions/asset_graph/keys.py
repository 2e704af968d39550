"""Asset keys: the identity of an asset, a path of string parts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Union

from headwater.errors import InvalidDefinitionError


class AssetKey(tuple[str, ...]):
    """The key of an asset: a non-empty path of string parts, e.g. ``AssetKey(["raw", "orders"])``.

    ``AssetKey("orders")`` is the one-part key. Keys are hashable, ordered by their parts and
    written ``raw/orders`` in URLs, the CLI and selection strings. A key is a tuple of its
    parts underneath, which keeps the graph code's dict and set operations fast.
    """

    __slots__ = ()

    def __new__(cls, path: str | Sequence[str]) -> AssetKey:
        parts: tuple[str, ...] = (path,) if isinstance(path, str) else tuple(path)
        if not parts:
            raise InvalidDefinitionError("An AssetKey needs at least one path part.")
        for part in parts:
            if not isinstance(part, str) or not part:
                raise InvalidDefinitionError(
                    f"AssetKey parts must be non-empty strings; got {part!r} in {list(parts)!r}."
                )
        return super().__new__(cls, parts)

    def __getnewargs__(self) -> tuple[tuple[str, ...]]:
        return (tuple(self),)

    @property
    def path(self) -> list[str]:
        """The parts of the key, as a list."""
        return list(self)

    @property
    def parts(self) -> tuple[str, ...]:
        """The parts of the key, as a tuple."""
        return tuple(self)

    @classmethod
    def from_user_string(cls, value: str) -> AssetKey:
        """Parse ``"raw/orders"`` into ``AssetKey(["raw", "orders"])``."""
        return cls([part for part in value.strip().split("/")])

    @classmethod
    def from_coercible(cls, value: CoercibleToAssetKey) -> AssetKey:
        """Accept an ``AssetKey``, a string (``/`` separates parts) or a sequence of parts."""
        if isinstance(value, AssetKey):
            return value
        if isinstance(value, str):
            return cls.from_user_string(value)
        if isinstance(value, (list, tuple)):
            return cls(value)
        key = getattr(value, "key", None)
        if isinstance(key, AssetKey):
            return key
        raise InvalidDefinitionError(
            f"Cannot use {value!r} as an asset key: pass an AssetKey, a string such as "
            "'raw/orders', or a list of strings."
        )

    def to_user_string(self) -> str:
        """The ``/``-joined form used in URLs, the CLI and selection strings."""
        return "/".join(self)

    def to_string(self) -> str:
        """The key as a JSON list of its parts (``'["raw", "orders"]'``), as stored."""
        import json

        return json.dumps(list(self))

    @classmethod
    def from_db_string(cls, value: str | None) -> AssetKey | None:
        """The key :meth:`to_string` wrote (a ``/``-joined string is accepted too)."""
        if not value:
            return None
        if value.startswith("["):
            import json

            return cls(json.loads(value))
        return cls.from_user_string(value)

    def to_python_identifier(self, suffix: str | None = None) -> str:
        """A name usable as an op name: parts joined by ``__`` with unsafe characters replaced."""
        name = "__".join(_identifier_safe(part) for part in self)
        return f"{name}_{suffix}" if suffix else name

    def with_prefix(self, prefix: str | Sequence[str]) -> AssetKey:
        """This key with ``prefix`` parts placed in front."""
        head = [prefix] if isinstance(prefix, str) else list(prefix)
        return AssetKey([*head, *self])

    def has_prefix(self, prefix: Sequence[str]) -> bool:
        """Whether the key starts with the given parts."""
        return tuple(self[: len(prefix)]) == tuple(prefix)

    def __repr__(self) -> str:
        return f"AssetKey({list(self)!r})"

    def __str__(self) -> str:
        return self.to_user_string()


CoercibleToAssetKey = Union[AssetKey, str, Sequence[str]]


def coerce_keys(values: Iterable[CoercibleToAssetKey]) -> list[AssetKey]:
    """Coerce each value with :meth:`AssetKey.from_coercible`."""
    return [AssetKey.from_coercible(value) for value in values]


def _identifier_safe(part: str) -> str:
    if part.isidentifier() and part.isascii():
        return part
    return "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in part)


class AssetCheckKey:
    """The key of an asset check: the asset it checks and the check's name."""

    __slots__ = ("asset_key", "name")

    def __init__(self, asset_key: AssetKey, name: str) -> None:
        self.asset_key = asset_key
        self.name = name

    def to_user_string(self) -> str:
        """``asset/path:check_name``."""
        return f"{self.asset_key.to_user_string()}:{self.name}"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, AssetCheckKey)
            and self.asset_key == other.asset_key
            and self.name == other.name
        )

    def __hash__(self) -> int:
        return hash((self.asset_key, self.name))

    def __lt__(self, other: AssetCheckKey) -> bool:
        return (self.asset_key.parts, self.name) < (other.asset_key.parts, other.name)

    def __repr__(self) -> str:
        return f"AssetCheckKey({self.asset_key!r}, {self.name!r})"
