"""Benchmarks for loading code locations (issue 3).

Prints, for generated locations of 10 / 1,000 / 5,000 / 10,000 assets:
- wall time and peak RSS of ``headwater definitions validate -f <file>`` (the CLI process
  plus the subprocess that loads the location),
- the snapshot's encoded size (msgpack and JSON) and its encode / decode times.

Run: .venv/bin/python benchmarks/locations.py
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_env import prepare  # noqa: E402
from generated_location import write_location  # noqa: E402

SIZES = (10, 1000, 5000, 10000)

MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
elapsed = time.perf_counter() - start
print(elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)
"""


def validate_cli(path: Path, repeats: int, env: dict[str, str]) -> tuple[float, float]:
    """Median wall seconds and max peak RSS (MB) of ``definitions validate -f path``."""
    command = [sys.executable, "-m", "headwater.cli.main", "definitions", "validate", "-f",
               str(path)]
    times, peaks = [], []
    for _ in range(repeats):
        out = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True,
                             text=True, check=True, env=env).stdout.split()
        if out[2] != "0":
            raise SystemExit(f"validate failed for {path}")
        times.append(float(out[0]))
        peaks.append(int(out[1]) / 1024)
    return statistics.median(times), max(peaks)


def snapshot_figures(path: Path) -> tuple[int, int, float, float]:
    """(msgpack bytes, JSON bytes, encode ms, decode ms) of the location's snapshot."""
    from headwater.core.origins import PythonFileOrigin
    from headwater.loading.load_origin import load_origin
    from headwater.snapshot.build import build_location_snapshot
    from headwater.snapshot.versioning import (
        decode_snapshot,
        encode_snapshot,
        encode_snapshot_json,
    )

    loaded = load_origin(PythonFileOrigin(path.stem, str(path)))
    snapshot = build_location_snapshot(path.stem, loaded.repositories)
    start = time.perf_counter()
    packed = encode_snapshot(snapshot)
    encoded = time.perf_counter()
    decode_snapshot(packed)
    decoded = time.perf_counter()
    as_json = encode_snapshot_json(snapshot)
    return len(packed), len(as_json), (encoded - start) * 1000, (decoded - encoded) * 1000


def main() -> None:
    env = prepare()
    with tempfile.TemporaryDirectory() as folder:
        rows = []
        for size in SIZES:
            path = write_location(Path(folder), size)
            seconds, peak = validate_cli(path, 5 if size <= 1000 else 3, env)
            packed, as_json, enc_ms, dec_ms = snapshot_figures(path)
            rows.append({"assets": size, "validate_s": round(seconds, 3), "peak_rss_mb":
                         round(peak, 1), "snapshot_msgpack_bytes": packed,
                         "snapshot_json_bytes": as_json, "encode_ms": round(enc_ms, 1),
                         "decode_ms": round(dec_ms, 1)})
            print(f"{size:>6} assets: validate {seconds:6.3f} s, peak RSS {peak:6.1f} MB, "
                  f"snapshot {packed / 1024:8.1f} KiB msgpack / {as_json / 1024:8.1f} KiB JSON, "
                  f"encode {enc_ms:6.1f} ms, decode {dec_ms:6.1f} ms")
        print("targets: 10 assets < 0.4 s, 5,000 assets < 1.5 s; memory < half of 125/152/293 MB")
        print(json.dumps(rows))


if __name__ == "__main__":
    main()
