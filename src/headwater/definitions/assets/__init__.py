"""Assets: ``@asset``, ``@multi_asset``, :class:`AssetsDefinition`, specs and deps, asset
checks, the asset layer of a job and asset jobs (``define_asset_job``).

An asset is computed by an op, so this package builds on ``ops``; asset jobs resolve their
selection with ``selection``. It may import ``ops``, ``selection``, ``config``, ``metadata``,
``partitions`` and ``asset_graph``, and never ``automation`` or the top-level modules.
"""
