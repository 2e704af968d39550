"""Asset selections: immutable queries over an asset graph, resolved lazily.

An :class:`AssetSelection` is an expression tree. Build one from the constructors
(``AssetSelection.groups("sales")``), combine with ``|``, ``&`` and ``-``, widen with
``.upstream()`` / ``.downstream()``, and call :meth:`AssetSelection.resolve` with an
:class:`~headwater.definitions.asset_graph.AssetGraph` to get the selected keys. The string
form (``"*orders+"``, ``"group:sales and not kind:dbt"``) is parsed by
:mod:`headwater.definitions.selection.syntax`.

Selecting an asset also selects the checks that target it, unless checks are removed with
:meth:`AssetSelection.without_checks`.
"""

from __future__ import annotations

import difflib
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from typing import Union

from headwater.definitions.asset_graph import AssetGraph
from headwater.definitions.asset_graph.keys import AssetCheckKey, AssetKey
from headwater.errors import InvalidDefinitionError, NotFoundError

__all__ = ["AssetSelection", "CoercibleToAssetSelection", "coerce_selection"]

#: What ``define_asset_job(selection=...)`` and ``--select`` accept.
CoercibleToAssetSelection = Union[str, "AssetSelection", Sequence[object]]

# Precedence of a node's string form, used to decide where parentheses are needed.
_OR, _AND, _NOT, _TRAVERSAL, _ATOM = 0, 1, 2, 3, 4


class AssetSelection(ABC):
    """A query over the assets (and asset checks) of a graph; immutable and hashable.

    Combine selections with ``|`` (union), ``&`` (intersection) and ``-`` (difference).
    Nothing is looked up until :meth:`resolve` is called with a graph.

    Examples:
        >>> AssetSelection.groups("sales") | AssetSelection.assets("raw/orders")
        >>> AssetSelection.assets("orders").upstream(depth=1)
        >>> AssetSelection.all() - AssetSelection.tag("tier", "experimental")
    """

    __slots__ = ()

    # ---- constructors -------------------------------------------------------------------

    @staticmethod
    def all(include_sources: bool = False) -> AssetSelection:
        """Every executable asset, plus external assets when ``include_sources`` is set."""
        return _nodes.AllSelection(include_sources)

    @staticmethod
    def assets(*assets: object) -> AssetSelection:
        """The given assets.

        Args:
            *assets: ``AssetKey`` objects, strings (``"raw/orders"``), sequences of key parts,
                assets definitions (anything with a ``keys`` set) or specs (with a ``key``).
        """
        return _nodes.KeysSelection(_coerce_keys(assets))

    @staticmethod
    def keys(*keys: object) -> AssetSelection:
        """The assets with the given keys; the same as :meth:`assets`."""
        return AssetSelection.assets(*keys)

    @staticmethod
    def groups(*group_names: str, include_sources: bool = False) -> AssetSelection:
        """Assets in any of the named groups (executable ones unless ``include_sources``)."""
        return _nodes.GroupsSelection(_strings(group_names, "group name"), include_sources)

    @staticmethod
    def key_prefixes(
        *prefixes: str | Sequence[str], include_sources: bool = False
    ) -> AssetSelection:
        """Assets whose key starts with any of the prefixes.

        Args:
            *prefixes: a string (``"raw"`` or ``"raw/eu"``, ``/`` separates parts) or a
                sequence of parts (``["raw", "eu"]``).
            include_sources: also match external assets.
        """
        parsed = tuple(_coerce_prefix(prefix) for prefix in prefixes)
        return _nodes.KeyPrefixesSelection(parsed, include_sources)

    @staticmethod
    def tag(key: str, value: str | None = None, include_sources: bool = False) -> AssetSelection:
        """Assets with the tag ``key``; with ``value`` given, only where the tag equals it."""
        return _nodes.TagSelection(key, value, include_sources)

    @staticmethod
    def owner(owner: str) -> AssetSelection:
        """Assets (external ones included) that list ``owner`` among their owners."""
        return _nodes.OwnerSelection(owner)

    @staticmethod
    def kind(kind: str | None, include_sources: bool = False) -> AssetSelection:
        """Assets of the given kind; ``None`` selects assets that declare no kind."""
        return _nodes.KindSelection(kind, include_sources)

    @staticmethod
    def all_asset_checks() -> AssetSelection:
        """Every asset check in the graph, and no assets."""
        return _nodes.AllChecksSelection()

    @staticmethod
    def checks_for_assets(*assets: object) -> AssetSelection:
        """The checks that target the given assets (accepted as in :meth:`assets`), no assets."""
        return _nodes.ChecksForAssetsSelection(_coerce_keys(assets))

    @staticmethod
    def checks(*checks: object) -> AssetSelection:
        """The given checks: ``AssetCheckKey`` objects or definitions with a ``check_keys`` set."""
        keys: list[AssetCheckKey] = []
        for item in checks:
            found = item if isinstance(item, AssetCheckKey) else getattr(item, "check_keys", None)
            if isinstance(found, AssetCheckKey):
                keys.append(found)
            elif isinstance(found, AbstractSet) and all(
                isinstance(k, AssetCheckKey) for k in found
            ):
                keys.extend(sorted(found))
            else:
                raise InvalidDefinitionError(
                    f"Cannot select {item!r} as an asset check: pass an AssetCheckKey or a "
                    "definition with check_keys."
                )
        return _nodes.CheckKeysSelection(tuple(dict.fromkeys(keys)))

    @classmethod
    def from_string(cls, text: str, include_sources: bool = False) -> AssetSelection:
        """Parse a selection string such as ``"*orders+"`` or ``"group:sales and kind:dbt"``.

        Args:
            text: the selection; see :mod:`headwater.definitions.selection.syntax`.
            include_sources: whether ``*``, ``not``, ``group:``, ``tag:`` and ``kind:`` also
                match external assets.

        Raises:
            SelectionSyntaxError: the text is not a valid selection; the message names the
                column and what was expected there.
        """
        from headwater.definitions.selection.syntax import parse_selection

        return parse_selection(text, include_sources=include_sources)

    @classmethod
    def from_coercible(cls, value: CoercibleToAssetSelection) -> AssetSelection:
        """The same as :func:`coerce_selection`."""
        return coerce_selection(value)

    # ---- derived selections -------------------------------------------------------------

    def upstream(self, depth: int | None = None, include_self: bool = True) -> AssetSelection:
        """This selection plus the executable assets upstream of it.

        Args:
            depth: how many layers of parents to add; ``None`` adds all ancestors.
            include_self: keep the assets of this selection in the result.
        """
        return _nodes.UpstreamSelection(self, _check_depth(depth), include_self)

    def downstream(self, depth: int | None = None, include_self: bool = True) -> AssetSelection:
        """This selection plus the assets downstream of it.

        Args:
            depth: how many layers of children to add; ``None`` adds all descendants.
            include_self: keep the assets of this selection in the result.
        """
        return _nodes.DownstreamSelection(self, _check_depth(depth), include_self)

    def roots(self) -> AssetSelection:
        """The selected assets that have no ancestor (at any distance) in this selection."""
        return _nodes.RootsSelection(self)

    def sources(self) -> AssetSelection:
        """The older name of :meth:`roots`; returns the same selection."""
        return self.roots()

    def sinks(self) -> AssetSelection:
        """The selected assets that have no descendant (at any distance) in this selection."""
        return _nodes.SinksSelection(self)

    def required_multi_asset_neighbors(self) -> AssetSelection:
        """This selection plus every asset computed by the same node as a selected asset,
        where that node cannot compute a subset of its assets."""
        return _nodes.RequiredNeighborsSelection(self)

    def materializable(self) -> AssetSelection:
        """The executable assets of this selection (external assets removed)."""
        return _nodes.MaterializableSelection(self)

    def upstream_source_assets(self) -> AssetSelection:
        """The external assets upstream of this selection."""
        return _nodes.UpstreamSourcesSelection(self)

    def without_checks(self) -> AssetSelection:
        """This selection's assets, with no asset checks."""
        return self - AssetSelection.all_asset_checks()

    # ---- operators ----------------------------------------------------------------------

    def __or__(self, other: object) -> AssetSelection:
        if not isinstance(other, AssetSelection):
            return NotImplemented
        return _nodes.OrSelection(_nodes.flatten(_nodes.OrSelection, (self, other)))

    def __and__(self, other: object) -> AssetSelection:
        if not isinstance(other, AssetSelection):
            return NotImplemented
        return _nodes.AndSelection(_nodes.flatten(_nodes.AndSelection, (self, other)))

    def __sub__(self, other: object) -> AssetSelection:
        if not isinstance(other, AssetSelection):
            return NotImplemented
        return _nodes.SubtractSelection(self, other)

    # ---- resolution ---------------------------------------------------------------------

    def resolve(self, graph: AssetGraph) -> set[AssetKey]:
        """The keys of ``graph`` this selection picks.

        Raises:
            NotFoundError: an explicitly named key is not in the graph; the message names it
                and suggests the closest existing keys.
        """
        return set(self._resolve_keys(graph))

    def resolve_checks(self, graph: AssetGraph) -> set[AssetCheckKey]:
        """The asset checks of ``graph`` this selection picks.

        By default these are the checks of the selected assets.
        """
        return set(self._resolve_checks(graph))

    @abstractmethod
    def _resolve_keys(self, graph: AssetGraph) -> AbstractSet[AssetKey]:
        """The selected keys (implemented by each node)."""

    def _resolve_checks(self, graph: AssetGraph) -> AbstractSet[AssetCheckKey]:
        keys = self._resolve_keys(graph)
        return {check for key in keys for check in graph.node(key).check_keys}

    # ---- text forms ---------------------------------------------------------------------

    @abstractmethod
    def _selection_str(self) -> str:
        """The selection-syntax form of this node."""

    @abstractmethod
    def _python_repr(self) -> str:
        """The Python expression that builds this node."""

    @property
    def _precedence(self) -> int:
        return _ATOM

    def _operand_str(self, needed: int) -> str:
        text = self._selection_str()
        return text if self._precedence >= needed else f"({text})"

    def __str__(self) -> str:
        return self._selection_str()

    def __repr__(self) -> str:
        return self._python_repr()


def coerce_selection(value: CoercibleToAssetSelection) -> AssetSelection:
    """Turn what users pass as a selection into an :class:`AssetSelection`.

    Args:
        value: an ``AssetSelection``; a selection string (``"*orders"``, ``"group:sales"``,
            ``"a, b+"``); a sequence of such strings (their union); or a sequence of asset
            keys, key strings, assets definitions or specs.

    Raises:
        SelectionSyntaxError: a string is not a valid selection.
        InvalidDefinitionError: ``value`` is of no accepted type.
    """
    if isinstance(value, AssetSelection):
        return value
    if isinstance(value, str):
        return AssetSelection.from_string(value)
    if isinstance(value, Sequence):
        clauses = [AssetSelection.from_string(item) for item in value if isinstance(item, str)]
        others = [item for item in value if not isinstance(item, str)]
        if others or not clauses:
            clauses.append(AssetSelection.assets(*others))
        return _nodes.union_of(clauses)
    raise InvalidDefinitionError(
        f"Cannot use {value!r} (a {type(value).__name__}) as an asset selection: pass an "
        "AssetSelection, a selection string such as '*orders' or 'group:sales', a list of "
        "such strings, or a list of asset keys or assets definitions."
    )


def missing_keys_error(missing: Iterable[AssetKey], graph: AssetGraph) -> NotFoundError:
    """A ``NotFoundError`` naming keys absent from ``graph``, with close matches."""
    names = sorted({key.to_user_string() for key in missing})
    known = sorted(key.to_user_string() for key in graph.all_asset_keys)
    lines = [
        f"Asset key(s) {', '.join(repr(name) for name in names)} were selected but are not "
        "defined in this location."
    ]
    for name in names[:5]:
        close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
        if close:
            lines.append(f"  For {name!r}, did you mean {' or '.join(map(repr, close))}?")
    lines.append(
        "Check the spelling (key parts are separated by '/', e.g. 'raw/orders') or add the "
        "asset to Definitions(assets=...)."
    )
    return NotFoundError("\n".join(lines))


def _coerce_keys(values: Iterable[object]) -> tuple[AssetKey, ...]:
    keys: list[AssetKey] = []
    for value in values:
        if isinstance(value, (AssetKey, str)):
            keys.append(AssetKey.from_coercible(value))
        elif isinstance(value, (list, tuple)) and all(isinstance(p, str) for p in value):
            keys.append(AssetKey(value))
        elif isinstance(found := getattr(value, "keys", None), AbstractSet) and all(
            isinstance(key, AssetKey) for key in found
        ):
            keys.extend(sorted(found))
        elif isinstance(found := getattr(value, "key", None), AssetKey):
            keys.append(found)
        else:
            raise InvalidDefinitionError(
                f"Cannot select {value!r}: pass asset keys (AssetKey(['raw', 'orders']), "
                "'raw/orders' or ['raw', 'orders']), assets definitions or asset specs."
            )
    return tuple(dict.fromkeys(keys))


def _coerce_prefix(prefix: str | Sequence[str]) -> tuple[str, ...]:
    parts = tuple(prefix.split("/")) if isinstance(prefix, str) else tuple(prefix)
    if not parts or not all(isinstance(part, str) and part for part in parts):
        raise InvalidDefinitionError(
            f"Invalid key prefix {prefix!r}: pass a string such as 'raw' or 'raw/eu', or a "
            "list of non-empty strings such as ['raw', 'eu']."
        )
    return parts


def _strings(values: Iterable[object], what: str) -> tuple[str, ...]:
    for value in values:
        if not isinstance(value, str):
            raise InvalidDefinitionError(f"Each {what} must be a string; got {value!r}.")
    return tuple(str(value) for value in values)


def _check_depth(depth: int | None) -> int | None:
    if depth is not None and (isinstance(depth, bool) or depth < 0):
        raise InvalidDefinitionError(
            f"depth must be a non-negative integer or None (no limit); got {depth!r}."
        )
    return depth


# The node classes subclass AssetSelection, so they are imported once it exists.
from headwater.definitions.selection import nodes as _nodes  # noqa: E402
