"""Definitions loaded from a project's defs folder, the way Dagster's ``dg`` projects lay them
out: ``load_from_defs_folder`` / ``load_defs`` walk a package and collect every definition at
module scope, ``defs.yaml`` files instantiate the core component types, and ``project_config``
reads ``[tool.dg]`` / ``dg.toml``.

This is the top of ``definitions``: it builds ``Definitions`` and may import every other
subpackage and the top-level modules (``definitions_class``, ``repository_def``); nothing in
``definitions`` imports it (``loading`` does).
"""
