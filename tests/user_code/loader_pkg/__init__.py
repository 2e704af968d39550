"""A package for the package loaders: assets spread over modules and a subpackage.

``ingest`` holds assets, an AssetSpec, a module-level list of specs and a check;
``reporting.summary`` depends on ``ingest`` and defines a job, a schedule and a sensor;
``reporting.again`` imports ``raw_orders`` (the same object: not a duplicate).
"""

from headwater import asset


@asset
def package_root() -> int:
    return 1
