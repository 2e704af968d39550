"""``post_processing`` of a ``defs.yaml``: asset attribute updates on what a component defines.

``post_processing: {assets: [{target: "*", operation: merge, attributes: {...}}]}``: each rule
selects assets with a selection string (default ``*``, every asset) and updates their specs.
``merge`` (the default) adds to ``tags`` and ``metadata`` and replaces the other attributes;
``replace`` replaces them all. Rules apply in order.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from headwater.definitions.assets.assets_definition import (
    AssetsDefinition,
    external_assets_from_specs,
)
from headwater.definitions.assets.specs import AssetSpec
from headwater.definitions.definitions_class import Definitions
from headwater.definitions.repository_def import build_asset_graph
from headwater.definitions.selection.asset_selection import AssetSelection
from headwater.errors import InvalidDefinitionError

ATTRIBUTES = ("deps", "description", "metadata", "group_name", "skippable", "code_version",
              "owners", "tags", "kinds")
_RULE_KEYS = ("target", "operation", "attributes")


def apply_post_processing(defs: Definitions, post_processing: Any, where: str) -> Definitions:
    """``defs`` with every post-processing rule applied."""
    if not post_processing:
        return defs
    if not isinstance(post_processing, Mapping) or set(post_processing) - {"assets"}:
        raise InvalidDefinitionError(f"{where}: post_processing takes only 'assets', a list "
                                     "of {target, operation, attributes} rules.")
    rules = post_processing.get("assets") or []
    if not isinstance(rules, list):
        raise InvalidDefinitionError(f"{where}: post_processing.assets must be a list.")
    for index, rule in enumerate(rules):
        defs = _apply_rule(defs, rule, f"{where} post_processing.assets[{index}]")
    return defs


def _apply_rule(defs: Definitions, rule: Any, where: str) -> Definitions:
    if not isinstance(rule, Mapping) or set(rule) - set(_RULE_KEYS):
        raise InvalidDefinitionError(f"{where}: a rule is a mapping of {', '.join(_RULE_KEYS)}.")
    operation = rule.get("operation", "merge")
    if operation not in ("merge", "replace"):
        raise InvalidDefinitionError(f"{where}: operation must be merge or replace, got "
                                     f"{operation!r}.")
    attributes = rule.get("attributes") or {}
    if not isinstance(attributes, Mapping):
        raise InvalidDefinitionError(f"{where}: attributes must be a mapping.")
    unknown = sorted(str(k) for k in attributes if k not in ATTRIBUTES)
    if unknown:
        raise InvalidDefinitionError(f"{where}: unknown asset attribute(s) {', '.join(unknown)}; "
                                     f"use {', '.join(ATTRIBUTES)}.")
    target = rule.get("target", "*")
    selected = _selected_keys(defs, str(target))

    def update(spec: AssetSpec) -> AssetSpec:
        if selected is not None and spec.key not in selected:
            return spec
        changes = dict(attributes)
        if operation == "merge":
            spec = spec.merge_attributes(metadata=changes.pop("metadata", None),
                                         tags=changes.pop("tags", None))
        return spec.replace_attributes(**changes) if changes else spec

    assets: list[Any] = []
    for item in defs.assets:
        if isinstance(item, AssetSpec):
            assets.append(update(item))
        elif isinstance(item, AssetsDefinition):
            assets.append(item._copy(specs=[update(spec) for spec in item.specs]))
        else:
            assets.append(item)
    return Definitions(assets=assets, schedules=defs.schedules, sensors=defs.sensors,
                       jobs=defs.jobs, resources=defs.resources, executor=defs.executor,
                       loggers=defs.loggers, asset_checks=defs.asset_checks,
                       metadata=defs.metadata)


def _selected_keys(defs: Definitions, target: str) -> set[Any] | None:
    if target.strip() == "*":
        return None
    assets_defs: list[AssetsDefinition] = []
    for item in defs.assets:
        if isinstance(item, AssetsDefinition):
            assets_defs.append(item)
        elif isinstance(item, AssetSpec):
            assets_defs.extend(external_assets_from_specs([item]))
    graph = build_asset_graph(assets_defs)
    return set(AssetSelection.from_string(target, include_sources=True).resolve(graph))
