"""What starts runs: schedules (cron, partitioned, fixed-time), sensors of every kind (plain,
asset, run-status), run requests, instigation contexts and results, and the automation target
(a job or an asset selection) they run. Later: automation conditions.

This is the top subpackage: it may import ``assets``, ``selection``, ``ops``, ``config``,
``metadata``, ``partitions`` and ``asset_graph``; nothing below imports it.
"""
