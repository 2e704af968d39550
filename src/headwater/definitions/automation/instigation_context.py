"""What every schedule and sensor context shares: resources, the instance and a logger."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any

from headwater.errors import HeadwaterError

if TYPE_CHECKING:
    from typing_extensions import Self

    from headwater.definitions.config.resources import Resources


class InstigationContext:
    """Base of the contexts handed to schedule and sensor functions.

    Usable as a context manager, so ``with build_sensor_context(...) as context:`` works.
    """

    _kind = "instigator"

    def __init__(
        self,
        *,
        name: str | None,
        resources: Mapping[str, Any] | Resources | None,
        instance: Any,
        log: logging.Logger | None,
        repository_name: str | None,
    ) -> None:
        from headwater.definitions.automation.instigation_fn import coerce_resources

        self._name = name
        self._resources = coerce_resources(resources)
        self._instance = instance
        self._log = log
        self._repository_name = repository_name

    @property
    def resources(self) -> Resources:
        """The resources available to the function, by attribute or by key."""
        return self._resources

    @property
    def instance(self) -> Any:
        """The headwater instance (runs, events, asset records) the daemon evaluates against.

        Raises:
            HeadwaterError: when the context was built without one, e.g. in a unit test.
        """
        if self._instance is None:
            raise HeadwaterError(
                f"This {self._kind} context has no instance. Pass instance=... when building "
                "the context in a test."
            )
        return self._instance

    @property
    def instance_or_none(self) -> Any:
        """The instance, or ``None`` when the context was built without one."""
        return self._instance

    @property
    def repository_name(self) -> str | None:
        """The name of the repository (code location) the definition belongs to."""
        return self._repository_name

    @property
    def log(self) -> logging.Logger:
        """A logger whose records are kept with the tick."""
        if self._log is None:
            suffix = self._name or "anonymous"
            self._log = logging.getLogger(f"headwater.{self._kind}s.{suffix}")
        return self._log

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None
