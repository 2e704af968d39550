"""headwater.definitions: the user-facing API, in concept subpackages.

Subpackages, each importing only those to its right (the layering test enforces it)::

    components -> (top level) -> automation -> assets -> ops
    ops -> config, metadata, partitions -> asset_graph
    assets -> selection -> asset_graph
    pipes -> ops, metadata, asset_graph

- ``asset_graph``: ``AssetKey``, ``AssetCheckKey`` and the ``AssetGraph`` built from assets;
- ``partitions``: partitions definitions, keys, ranges and time windows;
- ``metadata``: ``MetadataValue`` and its kinds, tables, normalisation of user values;
- ``config``: ``Config``, ``ConfigurableResource``, ``@resource``, IO managers, ``EnvVar``;
- ``selection``: ``AssetSelection``, its node types and the selection string syntax;
- ``ops``: ``@op``, ``@graph``, ``@job``, composition, direct invocation, params, retries,
  executors, results and the execution contexts;
- ``assets``: ``@asset``, ``@multi_asset``, ``AssetsDefinition``, specs, deps, asset checks,
  the asset layer and asset jobs;
- ``automation``: schedules, sensors, run requests, instigation contexts and results;
- ``pipes``: external processes speaking the Pipes protocol (sessions, ``PipesSubprocessClient``);
- ``components``: the defs folder, ``defs.yaml`` components and ``[tool.dg]`` configuration;
  it builds ``Definitions``, so it sits above the top-level modules.

At this top level only what ties them together: ``Definitions``, repositories and the module
loaders. Nothing here imports headwater's other layers except ``headwater.core`` (plain data
shared with the host processes) and ``headwater.errors``; ``JobDefinition.execute_in_process``
imports the execution engine when it is called.

The package object is also the ``@definitions`` decorator. Importing this subpackage makes
``headwater.definitions`` refer to it, so it must still work as ``@hw.definitions``.
"""

from __future__ import annotations

import sys
import types
from typing import Any


class _DefinitionsPackage(types.ModuleType):
    """This package, callable as the ``@definitions`` decorator."""

    def __call__(self, fn: Any) -> Any:
        from headwater.definitions.definitions_class import definitions

        return definitions(fn)


sys.modules[__name__].__class__ = _DefinitionsPackage
