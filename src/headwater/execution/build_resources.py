"""``build_resources``: initialise resources outside a run (in tests, scripts, notebooks)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from headwater.definitions.config.resources import Resources
from headwater.execution.resources import initialize_resources

__all__ = ["build_resources"]


@contextmanager
def build_resources(
    resources: Mapping[str, Any],
    instance: Any = None,
    resource_config: Mapping[str, Any] | None = None,
    log_manager: Any = None,
) -> Iterator[Resources]:
    """Initialise ``resources`` and yield them; tear them down when the block exits.

    Example::

        with build_resources({"db": db_resource}, resource_config={"db": {"config": {...}}}) as r:
            r.db.query(...)

    Args:
        resources: resource definitions (or plain values) by key; dependencies between them
            (``required_resource_keys``, nested resources) are resolved.
        instance: the value of ``context.instance`` in resource functions.
        resource_config: config per key, ``{key: {"config": ...}}``, validated as in a run.
        log_manager: a logger for the resource contexts.
    """
    with initialize_resources(
        resources,
        resource_run_config=resource_config,
        log=log_manager,
        instance=instance,
    ) as values:
        yield values
