"""Cost of the run-config JSON Schema in job snapshots (issue 16: loggers and executor config
are in every job's schema so the UI's editor can check them).

Prints the CPU time to snapshot 500 small op jobs and the encoded size per job.

Run: .venv/bin/python benchmarks/job_run_config_schemas.py
"""

from __future__ import annotations

import time

import msgspec

import headwater as hw
from headwater.snapshot.build_jobs import BuildCache, job_snap

JOBS = 500


def main() -> None:
    @hw.op(config_schema={"n": int})
    def produce(context: hw.OpExecutionContext) -> int:
        return int(context.op_config["n"])

    @hw.op
    def consume(value: int) -> int:
        return value

    jobs = []
    for index in range(JOBS):
        @hw.job(name=f"job_{index}")
        def pipeline() -> None:
            consume(produce())

        jobs.append(pipeline)
    best = float("inf")
    snaps = []
    for _ in range(5):
        started = time.process_time()
        cache = BuildCache()
        snaps = [job_snap(job, cache) for job in jobs]
        best = min(best, time.process_time() - started)
    size = sum(len(msgspec.json.encode(snap)) for snap in snaps) / JOBS
    print(f"{JOBS} job snapshots: {best * 1000:.1f} ms CPU (best of 5), {size:.0f} bytes per job")


if __name__ == "__main__":
    main()
