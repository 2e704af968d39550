"""Benchmark: one automation tick as the daemon runs it (snapshot + instance, no user code).

Two graphs, each evaluated in a fresh process that loads only the snapshot (as the daemon
does) and reports wall time per tick and its peak RSS:

* 10,000 assets with ``AutomationCondition.eager()`` in 20 levels of 500 (each depending on
  two assets of the level above), everything materialized: nothing to request;
* 1,000 daily-partitioned assets (one year: 365 partitions each) with ``eager()`` in 20
  levels, every partition materialized.

The first tick is the condition's initial evaluation (it writes every asset's cursor entry);
the second is the steady state the targets are for (< 2 s and < 300 MB; < 5 s). CPU time is
printed beside wall time: on a shared machine the wall time includes waiting for a core.

    .venv/bin/python benchmarks/automation.py
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_env import prepare


def _build(path: Path, levels: int, width: int, partitioned: bool) -> int:
    """Write the location snapshot and an instance with every asset (partition) materialized;
    return the number of materializations stored."""
    import headwater as hw
    from headwater.snapshot.build import build_location_snapshot
    from headwater.snapshot.events import AssetEventData, EventType, RunEvent
    from headwater.snapshot.versioning import encode_snapshot
    from headwater.storage.instance import Instance

    daily = hw.DailyPartitionsDefinition(start_date="2025-01-01", end_date="2026-01-01")
    specs = []
    for level in range(levels):
        for index in range(width):
            deps = ([f"l{level - 1}_{index}", f"l{level - 1}_{(index + 1) % width}"]
                    if level else [])
            specs.append(hw.AssetSpec(
                f"l{level}_{index}", deps=deps, automation_condition=hw.AutomationCondition
                .eager(), partitions_def=daily if partitioned else None))
    defs = hw.Definitions(assets=specs)
    snapshot = build_location_snapshot("bench", {"main": defs.get_repository_def()})
    (path / "snapshot.bin").write_bytes(encode_snapshot(snapshot))
    instance = Instance(path / "instance", auto_migrate=True)
    keys = daily.get_partition_keys() if partitioned else [None]
    events = [RunEvent("seed", EventType.ASSET_MATERIALIZATION, time.time(),
                       data=AssetEventData(asset_key=[spec.key.path[0]], partition=key))
              for spec in specs for key in keys]
    for start in range(0, len(events), 5000):
        instance.storage.store_events(events[start:start + 5000])
    instance.dispose()
    return len(events)


def _tick(path: Path) -> None:
    """In the measuring process: load the snapshot and run two ticks."""
    from headwater.daemon.automation.cursor import AutomationCursor
    from headwater.daemon.automation.tick import (
        build_catalog,
        evaluate_tick,
        plan_runs,
        repositories_of,
    )
    from headwater.snapshot.versioning import decode_snapshot
    from headwater.storage.instance import Instance

    snapshot = decode_snapshot((path / "snapshot.bin").read_bytes())
    instance = Instance(path / "instance")
    cursor = AutomationCursor()
    figures = []
    for _ in range(2):
        started = time.perf_counter()
        cpu = time.process_time()
        now = time.time()
        catalog = build_catalog(repositories_of([("bench", snapshot.repositories)]), now,
                                instance)
        evaluation = evaluate_tick(catalog, instance, cursor, now)
        runs = plan_runs(catalog, evaluation, "default_automation_condition_sensor")
        encoded = evaluation.cursor.encode()
        cursor = AutomationCursor.decode(encoded)
        figures.append({"seconds": round(time.perf_counter() - started, 3),
                        "cpu_seconds": round(time.process_time() - cpu, 3),
                        "runs": len(runs), "cursor_bytes": len(encoded)})
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"ticks": figures, "peak_rss_mb": round(rss_mb, 1)}))


def main() -> None:
    """Build each graph, then measure its ticks in a fresh process."""
    if len(sys.argv) == 3 and sys.argv[1] == "--tick":
        _tick(Path(sys.argv[2]))
        return
    env = prepare()
    cases = [("10,000 assets, eager, 20 levels", 20, 500, False, 2.0),
             ("1,000 daily-partitioned assets (365 days), eager, 20 levels", 20, 50, True, 5.0)]
    for title, levels, width, partitioned, target in cases:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder)
            stored = _build(path, levels, width, partitioned)
            out = subprocess.run([sys.executable, __file__, "--tick", str(path)], env=env,
                                 check=True, capture_output=True, text=True).stdout
            result = json.loads(out.strip().splitlines()[-1])
            first, second = result["ticks"]
            print(f"{title}: {stored} materializations stored")
            print(f"  first tick (initial evaluation): {first['seconds']:.3f} s "
                  f"(CPU {first['cpu_seconds']:.3f} s)")
            print(f"  steady tick, nothing to request: {second['seconds']:.3f} s "
                  f"(CPU {second['cpu_seconds']:.3f} s; target < {target:g} s), "
                  f"{second['runs']} runs, "
                  f"cursor {second['cursor_bytes'] / 1024:.0f} KiB")
            print(f"  peak RSS of the evaluating process: {result['peak_rss_mb']:.0f} MB"
                  + (" (target < 300 MB)" if not partitioned else ""))


if __name__ == "__main__":
    main()
