"""``FrozenRecord``: immutable value classes without ``@dataclass``'s import-time cost.

``@dataclass(frozen=True)`` generates and compiles source for each class (~1 ms apiece at
import); the API has dozens of small value classes, so they share this base instead.
"""

from __future__ import annotations

from typing import Any, ClassVar

_set = object.__setattr__


def _frozen_error(message: str) -> Exception:
    # Imported on use: importing dataclasses (inspect, ast, dis, ...) costs ~15 ms.
    from dataclasses import FrozenInstanceError

    return FrozenInstanceError(message)


def _field_values(value: Any) -> tuple[Any, ...]:
    return tuple([getattr(value, name) for name in value._fields])


class FrozenRecord:
    """Base of small immutable value classes.

    A subclass lists its fields, in constructor order, in ``__slots__``; its ``__init__`` sets
    them with ``object.__setattr__``. This base then gives what ``@dataclass(frozen=True)``
    would, without generating code at import time: ``__eq__`` (same class, equal field
    values) and ``__hash__`` over the field values, a ``Name(field=value, ...)`` repr,
    ``dataclasses.FrozenInstanceError`` on assignment or deletion, ``__match_args__``, and
    pickling and copying.
    """

    __slots__ = ()
    _fields: ClassVar[tuple[str, ...]] = ()
    __match_args__: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        own = cls.__dict__.get("__slots__", ())
        cls._fields = (*cls._fields, *((own,) if isinstance(own, str) else own))
        cls.__match_args__ = cls._fields  # type: ignore[misc]

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return _field_values(self) == _field_values(other)

    def __hash__(self) -> int:
        return hash(_field_values(self))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{self.__class__.__qualname__}({shown})"

    def __setattr__(self, name: str, value: Any) -> None:
        raise _frozen_error(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise _frozen_error(f"cannot delete field {name!r}")

    def __getstate__(self) -> tuple[Any, ...]:
        return _field_values(self)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        for name, value in zip(self._fields, state, strict=True):
            _set(self, name, value)
