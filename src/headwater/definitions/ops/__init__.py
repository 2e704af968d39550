"""Ops and the graphs and jobs made of them: ``@op``, ``@graph``, ``@job``, composition, direct
invocation, parameters and their injection, retries, executors, results and the execution
contexts (``OpExecutionContext``, ``AssetExecutionContext``, ``build_op_context``).

The context lives here, not at the top of ``definitions``, because direct invocation builds
one. This package may import ``config``, ``metadata``, ``partitions`` and ``asset_graph``; it
never imports ``assets``, ``selection`` or ``automation`` (a job's asset layer is referred to
for typing only).
"""
