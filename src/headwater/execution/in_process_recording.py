"""Recording an in-process run (``materialize(..., instance=...)``) in the instance's storage.

With an instance, the run and each of its events are stored as a run worker would store them,
so ``instance.get_runs()``, the run's event log and the UI show it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from typing import Any

import msgspec

from headwater.core.run_status import RunStatus
from headwater.snapshot.events import RunEvent
from headwater.snapshot.runs import RunRecord

__all__ = ["recording_sink"]


def _plain(run_config: Any) -> dict[str, Any]:
    to_dict = getattr(run_config, "to_config_dict", None)
    config = to_dict() if callable(to_dict) else run_config
    if not isinstance(config, Mapping):
        return {}
    try:  # only plain data is stored; a config holding objects is recorded by its keys
        plain = msgspec.json.decode(msgspec.json.encode(dict(config)))
    except (TypeError, msgspec.EncodeError):
        return {key: "<not serialisable>" for key in config}
    return plain if isinstance(plain, dict) else {}


def recording_sink(
    instance: Any,
    run_id: str,
    job_name: str,
    run_config: Any,
    tags: Mapping[str, str],
    partition_key: str | None,
    sink: Callable[[RunEvent], None],
) -> Callable[[RunEvent], None]:
    """``sink`` plus storage of each event in ``instance``, after adding the run to it.

    Returns ``sink`` unchanged when ``instance`` is not a headwater instance.
    """
    if not (callable(getattr(instance, "add_run", None)) and callable(
        getattr(instance, "store_event", None)
    )):
        return sink
    now = time.time()
    instance.add_run(RunRecord(
        run_id=run_id, job_name=job_name, status=RunStatus.STARTING, worker_pid=os.getpid(),
        run_config=_plain(run_config), tags=dict(tags), partition_key=partition_key,
        created_at=now, updated_at=now,
    ))

    def record(event: RunEvent) -> None:
        sink(event)
        instance.store_event(event)

    return record
