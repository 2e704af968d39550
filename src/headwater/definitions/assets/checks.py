"""Asset checks: ``AssetCheckSpec``, ``@asset_check`` and ``@multi_asset_check``."""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from headwater.definitions.asset_graph.keys import AssetCheckKey, AssetKey, CoercibleToAssetKey
from headwater.definitions.assets.assets_definition import AssetsDefinition
from headwater.definitions.assets.specs import AssetIn, AssetSpec, CoercibleToAssetDep, dep_keys
from headwater.definitions.ops.op_definition import InputDef, OpDefinition, OutputDef
from headwater.definitions.ops.params import read_params
from headwater.definitions.ops.retries import RetryPolicy
from headwater.errors import InvalidDefinitionError


class AssetCheckSpec:
    """Describes a check of an asset: its name, the asset, and whether failure blocks downstream.

    With ``partitions_def`` (the checked asset's), the check runs per partition: each result is
    recorded for the partition of the run (for each partition of a run over a range). With
    ``automation_condition``, the daemon requests runs executing the check when it holds.
    """

    def __init__(
        self,
        name: str,
        *,
        asset: Any,
        description: str | None = None,
        additional_deps: Iterable[CoercibleToAssetDep] | None = None,
        blocking: bool = False,
        metadata: Mapping[str, Any] | None = None,
        partitions_def: Any = None,
        automation_condition: Any = None,
    ) -> None:
        if not name or not all(ch.isalnum() or ch == "_" for ch in name):
            raise InvalidDefinitionError(
                f"Invalid asset check name {name!r}: use letters, digits and underscores only."
            )
        self.name = name
        self.asset_key = _asset_key_of(asset)
        self.description = description
        self.additional_deps = dep_keys(additional_deps)
        self.blocking = blocking
        self.metadata = dict(metadata or {})
        self.partitions_def = partitions_def
        self.automation_condition = automation_condition

    @property
    def key(self) -> AssetCheckKey:
        """``AssetCheckKey(asset_key, name)``."""
        return AssetCheckKey(self.asset_key, self.name)

    def with_asset_key(self, asset_key: AssetKey) -> AssetCheckSpec:
        """A copy checking ``asset_key`` (used when assets are given a key prefix)."""
        clone = copy.copy(self)
        clone.asset_key = asset_key
        return clone

    def __repr__(self) -> str:
        return f"AssetCheckSpec({self.name!r}, asset={self.asset_key.to_user_string()!r})"


def _asset_key_of(asset: Any) -> AssetKey:
    if isinstance(asset, (AssetsDefinition, AssetSpec)):
        return asset.key
    return AssetKey.from_coercible(asset)


class AssetChecksDefinition(AssetsDefinition):
    """An op that runs one or more asset checks (and computes no assets)."""


def _check_inputs(
    fn: Callable[..., Any],
    what: str,
    asset_keys: Sequence[AssetKey],
    additional_ins: Mapping[str, AssetIn] | None,
) -> tuple[Any, list[InputDef], dict[str, AssetKey]]:
    params = read_params(fn, what)
    extra = dict(additional_ins or {})
    by_name = {key.path[-1]: key for key in asset_keys}
    input_defs: list[InputDef] = []
    keys: dict[str, AssetKey] = {}
    for param in params.inputs:
        if param.name in extra:
            keys[param.name] = extra.pop(param.name).resolve_key(param.name)
        elif param.name in by_name:
            keys[param.name] = by_name[param.name]
        elif len(asset_keys) == 1 and not keys:
            keys[param.name] = asset_keys[0]
        else:
            raise InvalidDefinitionError(
                f"{what} has parameter '{param.name}', which matches no checked asset. Name it "
                "after the asset, or map it with additional_ins={...: AssetIn(...)}."
            )
        input_defs.append(InputDef(param.name, param.annotation, param.default))
    return params, input_defs, keys


def asset_check(
    *,
    asset: Any,
    name: str | None = None,
    description: str | None = None,
    blocking: bool = False,
    additional_ins: Mapping[str, AssetIn] | None = None,
    additional_deps: Iterable[CoercibleToAssetDep] | None = None,
    required_resource_keys: Iterable[str] | None = None,
    config_schema: Any = None,
    op_tags: Mapping[str, str] | None = None,
    retry_policy: RetryPolicy | None = None,
    compute_kind: str | None = None,
    metadata: Mapping[str, Any] | None = None,
    pool: str | None = None,
    partitions_def: Any = None,
    automation_condition: Any = None,
) -> Callable[[Callable[..., Any]], AssetChecksDefinition]:
    """Define a check of ``asset``; the function returns an ``AssetCheckResult``.

    A parameter named after the asset receives its value (loaded by its IO manager). With
    ``partitions_def`` (the asset's) the check is evaluated per partition: a parameter
    receives the run's partition of the asset, and results are recorded by partition. With
    ``automation_condition`` the daemon requests runs executing the check when it holds.
    """

    def decorate(fn: Callable[..., Any]) -> AssetChecksDefinition:
        check_name = name or fn.__name__
        spec = AssetCheckSpec(
            check_name,
            asset=asset,
            description=description or inspect.getdoc(fn),
            additional_deps=additional_deps,
            blocking=blocking,
            metadata=metadata,
            partitions_def=partitions_def,
            automation_condition=automation_condition,
        )
        what = f"asset check '{spec.key.to_user_string()}'"
        params, input_defs, keys = _check_inputs(fn, what, [spec.asset_key], additional_ins)
        return _build(fn, what, [spec], params, input_defs, keys, config_schema,
                      required_resource_keys, op_tags, retry_policy, pool,
                      op_name=f"{spec.asset_key.to_python_identifier()}_{check_name}")

    return decorate


def multi_asset_check(
    *,
    specs: Sequence[AssetCheckSpec],
    name: str | None = None,
    description: str | None = None,
    required_resource_keys: Iterable[str] | None = None,
    config_schema: Any = None,
    op_tags: Mapping[str, str] | None = None,
    retry_policy: RetryPolicy | None = None,
    can_subset: bool = False,
    ins: Mapping[str, AssetIn] | None = None,
    pool: str | None = None,
) -> Callable[[Callable[..., Any]], AssetChecksDefinition]:
    """Define several checks run by one function, which yields an ``AssetCheckResult`` each."""

    def decorate(fn: Callable[..., Any]) -> AssetChecksDefinition:
        op_name = name or fn.__name__
        what = f"multi_asset_check '{op_name}'"
        checked = list(dict.fromkeys(spec.asset_key for spec in specs))
        params, input_defs, keys = _check_inputs(fn, what, checked, ins)
        return _build(fn, what, specs, params, input_defs, keys, config_schema,
                      required_resource_keys, op_tags, retry_policy, pool, op_name=op_name,
                      description=description)

    return decorate


def _build(
    fn: Callable[..., Any],
    what: str,
    specs: Sequence[AssetCheckSpec],
    params: Any,
    input_defs: list[InputDef],
    keys_by_input: dict[str, AssetKey],
    config_schema: Any,
    required_resource_keys: Iterable[str] | None,
    op_tags: Mapping[str, str] | None,
    retry_policy: RetryPolicy | None,
    pool: str | None,
    *,
    op_name: str,
    description: str | None = None,
) -> AssetChecksDefinition:
    by_output = {f"{s.asset_key.to_python_identifier()}_{s.name}": s for s in specs}
    if len(by_output) != len(specs):
        raise InvalidDefinitionError(f"{what} lists the same check twice.")
    partitions_defs = {id(s.partitions_def): s.partitions_def for s in specs}
    if len(partitions_defs) > 1 and len({repr(d) for d in partitions_defs.values()}) > 1:
        raise InvalidDefinitionError(
            f"{what} has checks with different partitions_def values; checks evaluated by one "
            "function must share one partitions definition.")
    partitions_def = next(iter(partitions_defs.values()), None)
    op_def = OpDefinition(
        name=op_name,
        compute_fn=fn,
        params=params,
        input_defs=input_defs,
        output_defs=[OutputDef(name=n, is_nothing=True, is_required=False) for n in by_output],
        config_schema=params.config_class or config_schema,
        description=description or inspect.getdoc(fn),
        tags=op_tags,
        required_resource_keys=list(required_resource_keys or ()),
        retry_policy=retry_policy,
        pool=pool,
        kind="asset_check",
    )
    return AssetChecksDefinition(
        specs=[],
        op=op_def,
        keys_by_input_name=keys_by_input,
        check_specs_by_output_name=by_output,
        partitions_def=partitions_def,
    )


def check_key_of(asset_key: CoercibleToAssetKey, name: str) -> AssetCheckKey:
    """``AssetCheckKey`` from an asset key (in any accepted form) and a check name."""
    return AssetCheckKey(AssetKey.from_coercible(asset_key), name)
