"""Entry point run in a fresh interpreter to load one location and report its snapshot or error.

``python -m headwater.loading.child --origin JSON --output PATH`` writes a JSON
``LoadReport`` to PATH (never to stdout, which user code may print to), then exits at once:
a thread the user's module started does not keep the process alive.
"""

from __future__ import annotations

import argparse
import json
import os
import time

import msgspec

from headwater.core.origins import origin_from_dict
from headwater.loading.user_errors import user_error_info
from headwater.processes import flush_std_streams
from headwater.snapshot.errors import ErrorInfo
from headwater.snapshot.location import LocationSnapshot


class LoadReport(msgspec.Struct, frozen=True, omit_defaults=True):
    """What loading a location produced: its snapshot, or the error and where it came from."""

    location_name: str
    load_seconds: float
    snapshot: LocationSnapshot | None = None
    error: ErrorInfo | None = None


def load_and_report(origin_json: str) -> LoadReport:
    """Load the origin and build its snapshot, capturing any error as plain data."""
    from headwater.loading.load_origin import load_origin
    from headwater.snapshot.build import build_location_snapshot

    origin = origin_from_dict(json.loads(origin_json))
    started = time.perf_counter()
    try:
        loaded = load_origin(origin)
        snapshot = build_location_snapshot(origin.location_name, loaded.repositories)
    except BaseException as exc:  # noqa: BLE001 - SystemExit from user code is a load error too
        if isinstance(exc, KeyboardInterrupt):
            raise
        return LoadReport(origin.location_name, time.perf_counter() - started,
                          error=user_error_info(exc))
    return LoadReport(origin.location_name, time.perf_counter() - started, snapshot=snapshot)


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, load, write the report; 0 when the location loaded."""
    parser = argparse.ArgumentParser(prog="python -m headwater.loading.child")
    parser.add_argument("--origin", required=True, help="JSON of the location's origin")
    parser.add_argument("--output", required=True, help="file to write the JSON report to")
    args = parser.parse_args(argv)
    report = load_and_report(args.origin)
    with open(args.output, "wb") as handle:
        handle.write(msgspec.json.encode(report))
    return 0 if report.error is None else 1


def _exit_now(code: int) -> None:
    """End the process without waiting for threads or atexit hooks the user's code left."""
    flush_std_streams()
    os._exit(code)


if __name__ == "__main__":
    _exit_now(main())
