"""``create_repository_using_definitions_args``: a named repository from ``Definitions`` args.

For locations that hold several repositories (legacy ``@repository`` style) but want to
build each one the way ``Definitions`` does: a module-scope repository made this way loads
like one made by ``@repository``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from headwater.definitions.automation.target import check_valid_name
from headwater.definitions.definitions_class import Definitions
from headwater.definitions.ops.executors import ExecutorDefinition
from headwater.definitions.repository_def import RepositoryDefinition


def create_repository_using_definitions_args(
    name: str,
    assets: Iterable[Any] | None = None,
    schedules: Iterable[Any] | None = None,
    sensors: Iterable[Any] | None = None,
    jobs: Iterable[Any] | None = None,
    resources: Mapping[str, Any] | None = None,
    executor: ExecutorDefinition | None = None,
    loggers: Mapping[str, Any] | None = None,
    asset_checks: Iterable[Any] | None = None,
) -> RepositoryDefinition:
    """The repository ``name`` holding what ``Definitions(...)`` with these arguments holds.

    The definitions are resolved and validated now, as when a location loads.

    Raises:
        InvalidDefinitionError: ``name`` is not letters, digits and underscores.
        DefinitionError: the definitions are inconsistent (see ``Definitions``).
    """
    check_valid_name("Repository", name)
    defs = Definitions(
        assets=assets,
        schedules=schedules,
        sensors=sensors,
        jobs=jobs,
        resources=resources,
        executor=executor,
        loggers=loggers,
        asset_checks=asset_checks,
    )
    return defs._build_repository(name)
