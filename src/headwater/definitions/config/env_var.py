"""Environment variables as config values, read when a run needs them.

``EnvVar("DB_URL")`` can stand wherever a ``str`` config or resource field is expected; it is a
``str`` whose value is the variable's *name*, so it type-checks, while the run resolves it to
the variable's *value*. ``EnvVar.int("PORT")`` does the same for ``int`` fields. Nothing is read
from the environment at definition time, so a code location loads even where the variable is
only set for its runs.
"""

from __future__ import annotations

import os
from typing import ClassVar

from headwater.errors import ConfigError, EnvVarError, InvalidDefinitionError


def _check_name(name: object) -> str:
    if not isinstance(name, str) or not name or "=" in name or "\x00" in name:
        raise InvalidDefinitionError(
            f"EnvVar needs the name of an environment variable, such as EnvVar('DB_URL'); "
            f"got {name!r}."
        )
    return name


def _usage(where: str | None) -> str:
    return f"; {where} needs it" if where else ""


class EnvVar(str):
    """A ``str`` config value taken from an environment variable when the run starts.

    Example::

        class Warehouse(ConfigurableResource):
            url: str

        Definitions(resources={"warehouse": Warehouse(url=EnvVar("WAREHOUSE_URL"))})

    The value seen at definition time is the variable's name (``EnvVar("A") == "A"``); the
    resource or config receives the variable's value at run time, and an unset variable fails
    the run with an ``EnvVarError`` that names the variable and the field using it.
    """

    __headwater_deferred__: ClassVar[bool] = True

    def __new__(cls, env_var_name: str) -> EnvVar:
        return super().__new__(cls, _check_name(env_var_name))

    @classmethod
    def int(cls, name: str) -> IntEnvVar:
        """An environment variable whose value is parsed as an integer at run time."""
        return IntEnvVar.create(name)

    @property
    def env_var_name(self) -> str:
        """The name of the environment variable."""
        return str.__str__(self)

    def get_value(self, default: str | None = None) -> str | None:
        """The variable's current value, or ``default`` when it is unset."""
        return os.environ.get(self.env_var_name, default)

    def resolve(self, where: str | None = None) -> str:
        """The variable's value; raises ``EnvVarError`` naming ``where`` when it is unset."""
        value = os.environ.get(self.env_var_name)
        if value is None:
            raise EnvVarError(_unset_message(self.env_var_name, where))
        return value

    def __repr__(self) -> str:
        return f"EnvVar({self.env_var_name!r})"


class IntEnvVar(int):
    """An ``int`` config value taken from an environment variable; build with ``EnvVar.int``.

    At definition time it is the placeholder ``0`` (so ``port: int = EnvVar.int("PORT")``
    type-checks); the run replaces it with the variable's value parsed as an integer.
    """

    __headwater_deferred__: ClassVar[bool] = True
    env_var_name: str

    @classmethod
    def create(cls, name: str) -> IntEnvVar:
        """Build the placeholder for the variable ``name``."""
        var = cls(0)
        var.env_var_name = _check_name(name)
        return var

    def get_value(self, default: int | None = None) -> int | None:
        """The variable's value as an int, or ``default`` when it is unset."""
        raw = os.environ.get(self.env_var_name)
        return default if raw is None else self._parse(raw, None)

    def resolve(self, where: str | None = None) -> int:
        """The value as an int; ``EnvVarError``/``ConfigError`` naming ``where`` if unusable."""
        raw = os.environ.get(self.env_var_name)
        if raw is None:
            raise EnvVarError(_unset_message(self.env_var_name, where))
        return self._parse(raw, where)

    def _parse(self, raw: str, where: str | None) -> int:
        try:
            return int(raw.strip())
        except ValueError:
            pass
        # Raised outside the except block: the ValueError (which quotes the value) must not
        # travel along as __context__, since environment variables often hold secrets.
        raise ConfigError(
            f"Environment variable '{self.env_var_name}' is set, but its value is not an "
            f"integer{_usage(where)}. Set it to a whole number such as 5432."
        )

    def __repr__(self) -> str:
        return f"EnvVar.int({self.env_var_name!r})"

    # int's own hash/eq would make every IntEnvVar equal to 0 and to each other.
    def __eq__(self, other: object) -> bool:
        return isinstance(other, IntEnvVar) and other.env_var_name == self.env_var_name

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash(("IntEnvVar", self.env_var_name))


def _unset_message(name: str, where: str | None) -> str:
    return (
        f"Environment variable '{name}' is not set{_usage(where)}. Set {name} in the "
        "environment of the code location (its run workers inherit it) and launch the run again."
    )


def is_env_var(value: object) -> bool:
    """Whether ``value`` is an ``EnvVar`` or ``EnvVar.int`` placeholder."""
    return isinstance(value, (EnvVar, IntEnvVar))


def resolve_env_value(value: object, where: str | None = None) -> object:
    """Resolve ``value`` if it is an env var placeholder; return it unchanged otherwise."""
    if isinstance(value, (EnvVar, IntEnvVar)):
        return value.resolve(where)
    return value
