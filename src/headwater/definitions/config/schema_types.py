"""The config schema API that predates ``Config`` classes: ``Field``, ``Shape``, ``Enum``, ...

A schema is written with these types or with shorthand: a dict is a ``Shape`` (each value a
schema or a ``Field``), a one-item list ``[int]`` is an ``Array``, and the Python types
``int``/``float``/``bool``/``str`` are ``Int``/``Float``/``Bool``/``String`` (``dict`` is a
``Permissive()``, ``list`` an ``Array(Any)``). :func:`resolve_config_type` turns any of these
into a tree of :class:`ConfigType` objects; ``schema_validation`` validates values against it
and ``schema_json`` gives its JSON Schema.

Plain Python, no pydantic: a location whose ops use only these schemas never imports it.
"""

from __future__ import annotations

import enum as _enum
import sys
import typing
from collections.abc import Mapping, Sequence

from headwater.errors import InvalidDefinitionError

__all__ = [
    "Any", "Array", "Bool", "BoolSource", "ConfigType", "Enum", "EnumValue", "Field", "Float",
    "Int", "IntSource", "Map", "Noneable", "Nothing", "Permissive", "ScalarUnion", "Selector",
    "Shape", "String", "StringSource", "resolve_config_type",
]  # fmt: skip


class _NoDefault:
    def __repr__(self) -> str:
        return "NO_DEFAULT"


NO_DEFAULT: typing.Any = _NoDefault()


class ConfigType:
    """A node of a resolved config schema; :attr:`kind` says which one."""

    kind: str = "any"
    description: str | None = None

    @property
    def type_name(self) -> str:
        """How messages name the type: ``String``, ``[Int]``, ``{ path: String }``."""
        return self.kind

    def __repr__(self) -> str:
        return self.type_name


class ScalarType(ConfigType):
    """``Int``, ``Float``, ``Bool``, ``String``: a single JSON scalar."""

    kind = "scalar"

    def __init__(self, name: str, python_types: tuple[type, ...], json_type: str) -> None:
        self.name = name
        self.python_types = python_types
        self.json_type = json_type

    def accepts(self, value: object) -> bool:
        """Whether ``value`` is of this type (``True`` is a ``Bool``, never an ``Int``)."""
        if isinstance(value, bool):
            return bool in self.python_types
        return isinstance(value, self.python_types)

    @property
    def type_name(self) -> str:
        return self.name


class _AnyType(ConfigType):
    kind = "any"

    @property
    def type_name(self) -> str:
        return "Any"


class _NothingType(ConfigType):
    kind = "nothing"

    @property
    def type_name(self) -> str:
        return "Nothing"


Int = ScalarType("Int", (int,), "integer")
Float = ScalarType("Float", (int, float), "number")
Bool = ScalarType("Bool", (bool,), "boolean")
String = ScalarType("String", (str,), "string")
Any = _AnyType()
Nothing = _NothingType()


class Field:
    """One field of a ``Shape`` (or the whole schema) with a default, a description or both.

    Args:
        config: the field's schema (a type, a dict, a list or a config type).
        default_value: used when the field is not given; makes the field optional.
        is_required: whether run config must give it. By default a field is required unless
            it has a default, is ``Noneable``, or is a mapping whose fields are all optional.
        description: shown in the UI's config editor.
    """

    def __init__(
        self,
        config: typing.Any,
        default_value: typing.Any = NO_DEFAULT,
        is_required: bool | None = None,
        description: str | None = None,
    ) -> None:
        self.config_type = resolve_config_type(config, "Field")
        self.description = description
        self._default = default_value
        if is_required and default_value is not NO_DEFAULT:
            raise InvalidDefinitionError(
                f"Field({self.config_type.type_name}) has is_required=True and a default_value "
                f"({default_value!r}); a required field cannot have a default. Remove one."
            )
        if is_required is None:
            is_required = default_value is NO_DEFAULT and not has_implicit_default(
                self.config_type
            )
        self.is_required = is_required
        if default_value is not NO_DEFAULT:
            from headwater.definitions.config.schema_validation import check_default

            check_default(self.config_type, default_value)

    @property
    def default_provided(self) -> bool:
        """Whether a ``default_value`` was given."""
        return self._default is not NO_DEFAULT

    @property
    def default_value(self) -> typing.Any:
        """The default; raises when none was given (check :attr:`default_provided`)."""
        if self._default is NO_DEFAULT:
            raise InvalidDefinitionError(
                f"Field({self.config_type.type_name}) has no default_value; check "
                "default_provided first."
            )
        return self._default

    def __repr__(self) -> str:
        default = f", default_value={self._default!r}" if self.default_provided else ""
        return f"Field({self.config_type.type_name}{default}, is_required={self.is_required})"


def _fields(
    fields: Mapping[str, typing.Any] | None, owner: str
) -> dict[str, Field]:
    if fields is None:
        return {}
    if not isinstance(fields, Mapping):
        raise InvalidDefinitionError(
            f"{owner} takes a dict of field name to schema; got {fields!r}."
        )
    out: dict[str, Field] = {}
    for name, spec in fields.items():
        if not isinstance(name, str) or not name:
            raise InvalidDefinitionError(
                f"{owner} has the field name {name!r}; field names must be non-empty strings."
            )
        out[name] = spec if isinstance(spec, Field) else Field(spec)
    return out


class _FieldsType(ConfigType):
    fields: dict[str, Field]

    def _field_names(self) -> str:
        parts = [
            f"{name}{'' if field.is_required else '?'}: {field.config_type.type_name}"
            for name, field in sorted(self.fields.items())
        ]
        return "{ " + ", ".join(parts) + " }" if parts else "{}"


class Shape(_FieldsType):
    """A mapping with known fields; unknown keys are refused."""

    kind = "shape"

    def __init__(
        self,
        fields: Mapping[str, typing.Any],
        description: str | None = None,
        field_aliases: Mapping[str, str] | None = None,
    ) -> None:
        self.fields = _fields(fields, "Shape")
        self.description = description
        self.field_aliases = dict(field_aliases or {})

    @property
    def type_name(self) -> str:
        return self._field_names()


class Permissive(Shape):
    """A mapping with (optionally) known fields that also accepts and keeps any other key."""

    kind = "permissive"

    def __init__(
        self, fields: Mapping[str, typing.Any] | None = None, description: str | None = None
    ) -> None:
        super().__init__(fields or {}, description)

    @property
    def type_name(self) -> str:
        return "Permissive" + self._field_names()


class Selector(_FieldsType):
    """A mapping in which exactly one of the fields is given, e.g. ``{"csv": {...}}``."""

    kind = "selector"

    def __init__(self, fields: Mapping[str, typing.Any], description: str | None = None) -> None:
        self.fields = _fields(fields, "Selector")
        self.description = description
        if not self.fields:
            raise InvalidDefinitionError("Selector needs at least one field to choose from.")

    @property
    def type_name(self) -> str:
        return "one of " + self._field_names()


class Noneable(ConfigType):
    """The inner type or ``None``; a ``Noneable`` field is optional and defaults to ``None``."""

    kind = "noneable"

    def __init__(self, inner_type: typing.Any) -> None:
        self.inner_type = resolve_config_type(inner_type, "Noneable")

    @property
    def type_name(self) -> str:
        return f"{self.inner_type.type_name}?"


class Array(ConfigType):
    """A list whose items all have the inner type."""

    kind = "array"

    def __init__(self, inner_type: typing.Any, description: str | None = None) -> None:
        self.inner_type = resolve_config_type(inner_type, "Array")
        self.description = description

    @property
    def type_name(self) -> str:
        return f"[{self.inner_type.type_name}]"


class Map(ConfigType):
    """A mapping from keys of a scalar type (``str`` by default) to values of the inner type."""

    kind = "map"

    def __init__(
        self,
        key_type: typing.Any,
        inner_type: typing.Any,
        key_label_name: str | None = None,
    ) -> None:
        key = resolve_config_type(key_type, "Map")
        if not isinstance(key, ScalarType):
            raise InvalidDefinitionError(
                f"Map keys must be a scalar type (str, int, float, bool); got {key.type_name}."
            )
        self.key_type = key
        self.inner_type = resolve_config_type(inner_type, "Map")
        self.key_label_name = key_label_name

    @property
    def type_name(self) -> str:
        return f"{{ [{self.key_type.type_name}]: {self.inner_type.type_name} }}"


class EnumValue:
    """One value of an ``Enum``: the string given in config and the Python value it becomes."""

    def __init__(
        self,
        config_value: str,
        python_value: typing.Any = None,
        description: str | None = None,
    ) -> None:
        if not isinstance(config_value, str):
            raise InvalidDefinitionError(
                f"EnumValue needs a string config_value; got {config_value!r}."
            )
        self.config_value = config_value
        self.python_value = config_value if python_value is None else python_value
        self.description = description

    def __repr__(self) -> str:
        return f"EnumValue({self.config_value!r})"


class Enum(ConfigType):
    """A string from a fixed set; the op receives each value's ``python_value``.

    Build it as ``Enum("Color", [EnumValue("RED"), EnumValue("GREEN")])`` or from a Python
    enum with :meth:`from_python_enum` (config gives member names, ops receive members).
    """

    kind = "enum"

    def __init__(self, name: str, enum_values: Sequence[EnumValue]) -> None:
        values = list(enum_values)
        if not values or not all(isinstance(v, EnumValue) for v in values):
            raise InvalidDefinitionError(
                f"Enum {name!r} needs a non-empty list of EnumValue(...); got {enum_values!r}."
            )
        self.name = name
        self.enum_values = values
        self._by_config = {v.config_value: v for v in values}

    @classmethod
    def from_python_enum(cls, enum_type: type[_enum.Enum]) -> Enum:
        """An ``Enum`` whose config values are the member names; ops receive the members."""
        return cls(enum_type.__name__, [EnumValue(m.name, python_value=m) for m in enum_type])

    @classmethod
    def from_python_enum_direct_values(cls, enum_type: type[_enum.Enum]) -> Enum:
        """Like :meth:`from_python_enum`, but ops receive each member's ``value``."""
        return cls(enum_type.__name__, [EnumValue(m.name, python_value=m.value) for m in enum_type])

    @property
    def config_values(self) -> list[str]:
        """The strings run config may give."""
        return list(self._by_config)

    def lookup(self, config_value: object) -> EnumValue | None:
        """The ``EnumValue`` for a config string, or ``None``."""
        return self._by_config.get(config_value) if isinstance(config_value, str) else None

    def to_config_value(self, python_value: typing.Any) -> str:
        """The config string for a Python value (used for defaults given as members)."""
        for value in self.enum_values:
            if value.python_value == python_value or value.config_value == python_value:
                return value.config_value
        raise InvalidDefinitionError(f"{python_value!r} is not a value of Enum {self.name}.")

    @property
    def type_name(self) -> str:
        return self.name


class ScalarUnion(ConfigType):
    """Either a scalar or a non-scalar schema, e.g. ``"path"`` or ``{"path": ..., "mode": ...}``."""

    kind = "scalar_union"

    def __init__(
        self, scalar_type: typing.Any, non_scalar_schema: typing.Any, _key: str | None = None
    ) -> None:
        scalar = resolve_config_type(scalar_type, "ScalarUnion")
        if not isinstance(scalar, (ScalarType, Enum)):
            raise InvalidDefinitionError(
                f"ScalarUnion's scalar_type must be a scalar; got {scalar.type_name}."
            )
        self.scalar_type = scalar
        self.non_scalar_type = resolve_config_type(non_scalar_schema, "ScalarUnion")

    @property
    def type_name(self) -> str:
        return f"({self.scalar_type.type_name} | {self.non_scalar_type.type_name})"


class SourceType(ScalarUnion):
    """A scalar given directly or read from an environment variable: ``{"env": "NAME"}``.

    The variable is read when the run starts; its value never appears in messages.
    """

    kind = "source"

    def __init__(self, scalar: ScalarType) -> None:
        super().__init__(scalar, {"env": String})
        self.scalar: ScalarType = scalar

    @property
    def type_name(self) -> str:
        return f"{self.scalar.name}Source"



_PYTHON_SCALARS: dict[object, ConfigType] = {int: Int, float: Float, bool: Bool, str: String}


def has_implicit_default(config_type: ConfigType) -> bool:
    """Whether a field of this type may be left out without a default (and gets one)."""
    if isinstance(config_type, Noneable) or config_type.kind == "mapped":
        return True
    if isinstance(config_type, Shape):
        return all(not f.is_required for f in config_type.fields.values())
    if isinstance(config_type, Selector) and len(config_type.fields) == 1:
        return not next(iter(config_type.fields.values())).is_required
    return False


def _is_ops_nothing(schema: object) -> bool:
    ops = sys.modules.get("headwater.definitions.ops.op_definition")
    return ops is not None and schema is getattr(ops, "Nothing", None)


def resolve_config_type(schema: typing.Any, owner: str = "config_schema") -> ConfigType:
    """The ``ConfigType`` tree for ``schema``; ``InvalidDefinitionError`` naming ``owner``."""
    found = try_resolve_config_type(schema)
    if found is None:
        raise InvalidDefinitionError(
            f"{owner} got {schema!r}, which is not a config schema. Use a type (str, int, "
            "float, bool), a dict of field schemas, a one-item list like [str], Field(...), "
            "or Shape/Permissive/Selector/Noneable/Array/Map/Enum."
        )
    return found


def try_resolve_config_type(schema: typing.Any) -> ConfigType | None:
    """Like :func:`resolve_config_type`, but ``None`` for what is not an old-style schema.

    Tuples ``(type, default)``, ``Config`` classes and typing generics such as ``list[str]``
    are not old-style schemas: the pydantic-based path handles them.
    """
    if isinstance(schema, ConfigType):
        return schema
    if isinstance(schema, Field):
        return None  # a Field is only valid as a field or the top of a schema (see below)
    if schema is typing.Any or schema is object:
        return Any
    if isinstance(schema, Mapping):
        return _shape_from_dict(schema)
    if isinstance(schema, list):
        if len(schema) != 1:
            raise InvalidDefinitionError(
                f"A list in a config schema must hold exactly one item type, e.g. [str]; got "
                f"{schema!r}."
            )
        inner = try_resolve_config_type(schema[0])
        return None if inner is None else Array(inner)
    if schema is dict:
        return Permissive()
    if schema is list:
        return Array(Any)
    if isinstance(schema, type) and schema in _PYTHON_SCALARS:
        return _PYTHON_SCALARS[schema]
    if _is_ops_nothing(schema):
        return Nothing
    if isinstance(schema, type) and issubclass(schema, _enum.Enum):
        return Enum.from_python_enum(schema)
    return None


def _shape_from_dict(schema: Mapping[str, typing.Any]) -> Shape | None:
    fields: dict[str, Field] = {}
    for name, spec in schema.items():
        if isinstance(spec, Field):
            fields[name] = spec
            continue
        inner = try_resolve_config_type(spec)
        if inner is None:
            return None
        fields[name] = Field(inner)
    return Shape(fields)


def resolve_top_level(schema: typing.Any) -> Field | None:
    """The schema as a top-level ``Field`` (a bare ``Field`` is kept), or ``None`` if not ours."""
    if isinstance(schema, Field):
        return schema
    config_type = try_resolve_config_type(schema)
    return None if config_type is None else Field(config_type)


_CACHE_ATTRIBUTE = "_headwater_schema_field"


def schema_field(owner: object, schema: typing.Any) -> Field | None:
    """``resolve_top_level(schema)``, remembered on ``owner`` (the op or resource definition).

    ``None`` when the owner has no schema or its schema is for the pydantic-based path.
    """
    if schema is None:
        return None
    cached = getattr(owner, _CACHE_ATTRIBUTE, None)
    if cached is not None and cached[0] is schema:
        return typing.cast("Field | None", cached[1])
    field = resolve_top_level(schema)
    try:
        setattr(owner, _CACHE_ATTRIBUTE, (schema, field))
    except (AttributeError, TypeError):  # slotted or frozen owners just recompute
        pass
    return field


# Built last: they resolve their schemas with the functions above.
StringSource = SourceType(String)
IntSource = SourceType(Int)
BoolSource = SourceType(Bool)
