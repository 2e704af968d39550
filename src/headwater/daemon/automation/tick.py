"""One automation tick over location snapshots: evaluate, group requests into runs, store.

Requested assets become runs grouped per location, repository, partitions definition and
partition key (one run per group), tagged with the sensor and the evaluation id; each run has
a run key made of the evaluation id and the group, so a tick redone after a daemon restart
does not request the same runs twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from headwater.daemon.automation.assets import (
    UNPARTITIONED,
    AssetCatalog,
    AssetView,
    key_string,
)
from headwater.daemon.automation.cursor import AutomationCursor
from headwater.daemon.automation.evaluator import Evaluator, TickEvaluation
from headwater.daemon.automation.state import read_state
from headwater.snapshot.location import RepositorySnapshot
from headwater.snapshot.versioning import gc_paused

if TYPE_CHECKING:
    from headwater.storage.instance import Instance

#: Tag naming the automation evaluation that requested a run.
EVALUATION_ID_TAG = "headwater/automation_evaluation_id"

#: Tag naming the automation condition sensor that requested a run.
AUTOMATION_SENSOR_TAG = "headwater/automation_condition_sensor"


@dataclass(frozen=True)
class PlannedRun:
    """One run a tick requests.

    ``asset_check_selection`` (``[*asset_key, check_name]`` each) is None unless the tick
    requested checks; then it lists them and the checks of the selected assets, so the run
    executes the requested checks (alone when no asset is selected) and the assets' own.
    """

    location: str | None
    repository: str | None
    asset_selection: list[list[str]]
    partition_key: str | None
    run_key: str
    asset_check_selection: list[list[str]] | None = None


def build_catalog(repositories: Iterable[tuple[str | None, str | None, RepositorySnapshot]],
                  now: float, instance: Instance | None,
                  selected: set[str] | None = None) -> AssetCatalog:
    """The assets of the given repositories (``(location, repository name, snapshot)``).

    ``selected``: only these assets' conditions are evaluated (the others are still there
    as dependencies).
    """
    catalog = AssetCatalog(now, dynamic_store=instance)
    with gc_paused():
        for location, repository, repo in repositories:
            catalog.add(repo.assets, location, repository, repo.asset_checks)
        catalog.finish()
    if selected is not None:  # a selected asset's checks are selected with it
        for key, view in catalog.assets.items():
            if (key_string(view.path) if view.check_name else key) not in selected:
                view.tree = None
    return catalog


def evaluate_tick(catalog: AssetCatalog, instance: Instance,
                  cursor: AutomationCursor, now: float) -> TickEvaluation:
    """Evaluate every condition of the catalog against the instance."""
    check_assets = [view.path for view in catalog.assets.values()
                    if view.tree is not None and (view.checks or view.check_name)]
    data_version_assets = [view.path for view in catalog.data_version_assets()]
    state = read_state(instance, cursor.storage_id, check_assets, data_version_assets)
    with gc_paused():  # many small sets and structs, no cycles: see gc_paused
        return Evaluator(catalog, state, cursor, now).run()


def plan_runs(catalog: AssetCatalog, evaluation: TickEvaluation,
              sensor_name: str) -> list[PlannedRun]:
    """Group the requested asset partitions into runs."""
    groups: dict[tuple[str, str, str, str], list[AssetView]] = {}
    for key in sorted(evaluation.requested):
        view = catalog.assets[key]
        for partition in sorted(evaluation.requested[key]):
            group = (view.location or "", view.repository or "", view.space.ident or "",
                     partition)
            groups.setdefault(group, []).append(view)
    evaluation_id = evaluation.cursor.evaluation_id
    runs = []
    for index, ((location, repository, _, partition), views) in enumerate(sorted(
            groups.items())):
        assets = [view for view in views if view.check_name is None]
        checks = [[*view.path, view.check_name] for view in views
                  if view.check_name is not None]
        for view in views:  # a check computed by its asset's op runs with the asset
            for path in view.producers:
                producer = catalog.assets.get(key_string(path))
                if producer is not None and producer not in assets and not producer.partitioned:
                    assets.append(producer)
        if checks:
            checks += [[*view.path, check.name] for view in assets for check in view.checks]
        runs.append(PlannedRun(
            location=location or None, repository=repository or None,
            asset_selection=[list(view.path) for view in assets],
            partition_key=None if partition == UNPARTITIONED else partition,
            run_key=f"{sensor_name}:{evaluation_id}:{index}",
            asset_check_selection=sorted(map(list, {tuple(item) for item in checks}))
            if checks else None))
    return runs


def repositories_of(snapshots: Sequence[tuple[str, Sequence[RepositorySnapshot]]]
                    ) -> list[tuple[str | None, str | None, RepositorySnapshot]]:
    """``(location, repository name or None when alone, snapshot)`` for each repository."""
    found: list[tuple[str | None, str | None, RepositorySnapshot]] = []
    for location, repos in snapshots:
        for repo in repos:
            found.append((location, repo.name if len(repos) > 1 else None, repo))
    return found
