"""Table-shaped metadata: schemas, columns, constraints, records and column lineage.

These are plain frozen value objects. They are used on their own (``TableSchema`` is a valid
raw metadata value) and inside :class:`~headwater.definitions.metadata.MetadataValue`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Union

from headwater.core.frozen import FrozenRecord
from headwater.definitions.asset_graph.keys import AssetKey, CoercibleToAssetKey
from headwater.errors import InvalidDefinitionError

TableCell = Union[str, int, float, bool, None]
"""A value a table record may hold."""

_set = object.__setattr__


def same_value(left: object, right: object) -> bool:
    """Deep equality where a NaN float equals another NaN (plain ``==`` says they differ)."""
    if type(left) is float and type(right) is float:
        return left == right or (left != left and right != right)
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(
            same_value(value, right[key]) for key, value in left.items()
        )
    if isinstance(left, (list, tuple)) and isinstance(right, (list, tuple)):
        return (
            type(left) is type(right)
            and len(left) == len(right)
            and all(same_value(a, b) for a, b in zip(left, right, strict=True))
        )
    return type(left) is type(right) and left == right


def _strings(values: Sequence[str] | None, what: str) -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        raise InvalidDefinitionError(
            f"{what} must be a list of strings, not the string {values!r}."
        )
    result = tuple(values)
    for item in result:
        if not isinstance(item, str):
            raise InvalidDefinitionError(f"{what} must hold strings; got {item!r}.")
    return result


class TableColumnConstraints(FrozenRecord):
    """Constraints on one column of a table.

    Args:
        nullable: whether the column may hold nulls.
        unique: whether every value in the column is distinct.
        other: further constraints, each described in words (e.g. ``"> 0"``).
    """

    __slots__ = ("nullable", "unique", "other")
    nullable: bool
    unique: bool
    other: Sequence[str]

    def __init__(
        self, nullable: bool = True, unique: bool = False, other: Sequence[str] = ()
    ) -> None:
        _set(self, "nullable", nullable)
        _set(self, "unique", unique)
        _set(self, "other", _strings(other, "TableColumnConstraints.other"))


class TableConstraints(FrozenRecord):
    """Table-wide constraints, each described in words (e.g. ``"one row per customer"``)."""

    __slots__ = ("other",)
    other: Sequence[str]

    def __init__(self, other: Sequence[str] = ()) -> None:
        _set(self, "other", _strings(other, "TableConstraints.other"))


_DEFAULT_COLUMN_CONSTRAINTS = TableColumnConstraints()
_DEFAULT_TABLE_CONSTRAINTS = TableConstraints()


class TableColumn(FrozenRecord):
    """One column of a :class:`TableSchema`.

    Args:
        name: the column's name.
        type: the column's type, as free text (``"string"``, ``"int"``, ``"decimal(10,2)"``).
        description: what the column holds.
        constraints: nullability, uniqueness and other constraints; defaults to none.
        tags: string labels for the column.
    """

    __slots__ = ("name", "type", "description", "constraints", "tags")
    name: str
    type: str
    description: str | None
    constraints: TableColumnConstraints | None
    tags: Mapping[str, str] | None

    def __init__(
        self,
        name: str,
        type: str = "string",
        description: str | None = None,
        constraints: TableColumnConstraints | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> None:
        if not isinstance(name, str):
            raise InvalidDefinitionError(f"TableColumn name must be a string; got {name!r}.")
        if not isinstance(type, str):
            raise InvalidDefinitionError(
                f"TableColumn {name!r}: type must be a string such as 'int'; got {type!r}."
            )
        if constraints is None:
            constraints = _DEFAULT_COLUMN_CONSTRAINTS
        elif not isinstance(constraints, TableColumnConstraints):
            raise InvalidDefinitionError(
                f"TableColumn {name!r}: constraints must be a TableColumnConstraints; "
                f"got {constraints.__class__.__name__}."
            )
        checked = dict(tags or {})
        for key, value in checked.items():
            if not isinstance(key, str) or not isinstance(value, str):
                raise InvalidDefinitionError(
                    f"TableColumn {name!r}: tags must map strings to strings; "
                    f"got {key!r}: {value!r}."
                )
        _set(self, "name", name)
        _set(self, "type", type)
        _set(self, "description", description)
        _set(self, "constraints", constraints)
        _set(self, "tags", checked)


class TableSchema(FrozenRecord):
    """The columns of a table and its table-wide constraints.

    Args:
        columns: the columns, in order.
        constraints: table-wide constraints; defaults to none.
    """

    __slots__ = ("columns", "constraints")
    columns: Sequence[TableColumn]
    constraints: TableConstraints | None

    def __init__(
        self, columns: Sequence[TableColumn], constraints: TableConstraints | None = None
    ) -> None:
        checked = tuple(columns)
        for column in checked:
            if not isinstance(column, TableColumn):
                raise InvalidDefinitionError(
                    f"TableSchema columns must be TableColumn objects; got {column!r}."
                )
        if constraints is None:
            constraints = _DEFAULT_TABLE_CONSTRAINTS
        elif not isinstance(constraints, TableConstraints):
            raise InvalidDefinitionError(
                "TableSchema constraints must be a TableConstraints; "
                f"got {type(constraints).__name__}."
            )
        _set(self, "columns", checked)
        _set(self, "constraints", constraints)

    @classmethod
    def from_name_type_dict(cls, name_type_dict: Mapping[str, str]) -> TableSchema:
        """Build a schema from ``{column name: column type}``."""
        return cls(
            columns=[TableColumn(name=name, type=kind) for name, kind in name_type_dict.items()]
        )


def _cell(name: str, value: object) -> TableCell:
    kind = type(value)
    if value is None or kind is str or kind is int or kind is float or kind is bool:
        return value  # type: ignore[return-value]
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    raise InvalidDefinitionError(
        f"TableRecord field {name!r} holds a {kind.__name__}; record fields must be str, int, "
        "float, bool or None. Convert it first, e.g. str(value)."
    )


class TableRecord(FrozenRecord):
    """One row of a table: a mapping of column name to a str, int, float, bool or None."""

    __slots__ = ("data",)
    data: Mapping[str, TableCell]

    def __init__(self, data: Mapping[str, TableCell]) -> None:
        if not isinstance(data, Mapping):
            raise InvalidDefinitionError(
                f"TableRecord takes a dict of column name to value; got {type(data).__name__}."
            )
        checked: dict[str, TableCell] = {}
        for name, value in data.items():
            if not isinstance(name, str):
                raise InvalidDefinitionError(
                    f"TableRecord field names must be strings; got {name!r}."
                )
            checked[name] = _cell(name, value)
        _set(self, "data", checked)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TableRecord) and same_value(self.data, other.data)

    __hash__ = None  # type: ignore[assignment]


class TableColumnDep(FrozenRecord):
    """A column of another asset that a column depends on."""

    __slots__ = ("asset_key", "column_name")
    asset_key: AssetKey
    column_name: str

    def __init__(self, asset_key: CoercibleToAssetKey, column_name: str) -> None:
        if not isinstance(column_name, str):
            raise InvalidDefinitionError(
                f"TableColumnDep column_name must be a string; got {column_name!r}."
            )
        _set(self, "asset_key", AssetKey.from_coercible(asset_key))
        _set(self, "column_name", column_name)


_NO_DEPS: Mapping[str, Sequence[TableColumnDep]] = MappingProxyType({})


class TableColumnLineage(FrozenRecord):
    """For each column of a table, the upstream columns it is computed from."""

    __slots__ = ("deps_by_column",)
    deps_by_column: Mapping[str, Sequence[TableColumnDep]]

    def __init__(self, deps_by_column: Mapping[str, Sequence[TableColumnDep]] = _NO_DEPS) -> None:
        deps: dict[str, tuple[TableColumnDep, ...]] = {}
        for column, column_deps in deps_by_column.items():
            items = tuple(column_deps)
            for dep in items:
                if not isinstance(dep, TableColumnDep):
                    raise InvalidDefinitionError(
                        f"TableColumnLineage: dependencies of column {column!r} must be "
                        f"TableColumnDep objects; got {dep!r}."
                    )
            deps[column] = items
        _set(self, "deps_by_column", deps)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TableColumnLineage) and self.deps_by_column == other.deps_by_column

    __hash__ = None  # type: ignore[assignment]
