"""Pipes: running code in another process (a script, a container, a cloud job) and receiving
its logs, materializations and check results as if it ran in the step.

The orchestration side speaks the ``dagster-pipes`` protocol (version 0.1), so an external
script written with the ``dagster_pipes`` package (``open_dagster_pipes()``) works unchanged:
the step hands the external process its context (asset keys, partition, run id, extras)
through a context injector and reads back JSON messages through a message reader. Modules:
``protocol`` (parameter encoding, messages), ``injectors`` and ``readers`` (the transports),
``session`` (``open_pipes_session`` and what it collects), ``subprocess_client``
(``PipesSubprocessClient``). This package may import ``asset_graph``, ``metadata`` and ``ops``.
"""
