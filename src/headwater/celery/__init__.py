"""Scale-out on Celery: steps and whole runs as tasks on ``headwater celery worker`` processes.

- :mod:`headwater.celery.settings`: broker, backend and queue from executor config, the
  instance's ``run_launcher`` section or the environment (no Celery import).
- :mod:`headwater.celery.app`: the Celery app (json only, late acks) and its two tasks.
- :mod:`headwater.celery.executor`: the ``celery_executor`` engine, run inside a run worker.
- :mod:`headwater.celery.step_task` / :mod:`headwater.celery.run_task`: what workers execute.
- :mod:`headwater.celery.launcher`: the run launcher code servers use (subprocess or Celery).
- :mod:`headwater.celery.worker`: ``headwater celery worker``.

Importing this package does not import Celery; its modules do.
"""
