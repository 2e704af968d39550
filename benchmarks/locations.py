"""Benchmarks for loading code locations (issue 3).

Prints, for generated locations of 10 / 1,000 / 5,000 / 10,000 assets:
- wall time and peak RSS of ``headwater definitions validate -f <file>`` (the CLI process
  plus the subprocess that loads the location),
- the snapshot's encoded size (msgpack and JSON) and its encode / decode times;

and for a dg project whose defs folder has 500 modules of 10 assets each (issue 13), the wall
time of ``headwater definitions validate`` run with no arguments in the project's folder.

Run: .venv/bin/python benchmarks/locations.py            (everything)
     .venv/bin/python benchmarks/locations.py --defs-folder   (only the defs-folder case)
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


DEFS_MODULES = 500
DEFS_ASSETS_PER_MODULE = 10


def validate_cli(path: Path | None, repeats: int, env: dict[str, str],
                 cwd: Path | None = None) -> tuple[float, float]:
    """Median wall seconds and max peak RSS (MB) of ``definitions validate [-f path]``."""
    command = [sys.executable, "-m", "headwater.cli.main", "definitions", "validate",
               *(["-f", str(path)] if path is not None else [])]
    times, peaks = [], []
    for _ in range(repeats):
        out = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True,
                             text=True, check=True, env=env, cwd=cwd).stdout.split()
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


def write_defs_project(folder: Path, modules: int, per_module: int) -> Path:
    """A dg project (src layout, as create-dagster writes it) with ``modules`` modules of
    ``per_module`` assets under its defs folder, each asset depending on the previous one."""
    root = folder / "defs-bench"
    package = root / "src" / "defs_bench"
    (package / "defs").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[project]\nname = "defs_bench"\n\n[tool.dg]\ndirectory_type = "project"\n\n'
        '[tool.dg.project]\nroot_module = "defs_bench"\n')
    (package / "__init__.py").write_text("")
    (package / "definitions.py").write_text(
        "from pathlib import Path\n\nfrom headwater import definitions, load_from_defs_folder"
        "\n\n\n@definitions\ndef defs():\n"
        "    return load_from_defs_folder(path_within_project=Path(__file__).parent)\n")
    (package / "defs" / "__init__.py").write_text("")
    for m in range(modules):
        group = package / "defs" / f"group_{m // 50:02d}"
        group.mkdir(exist_ok=True)
        lines = ["import headwater as hw", ""]
        for a in range(per_module):
            name = f"m{m:03d}_a{a}"
            dep = f"deps=['m{m:03d}_a{a - 1}'], " if a else ""
            lines += ["", f"@hw.asset({dep}group_name='g{m // 50}')", f"def {name}() -> None:",
                      "    pass", ""]
        (group / f"module_{m:03d}.py").write_text("\n".join(lines))
    return root


def defs_folder_case(env: dict[str, str], folder: Path) -> dict[str, float]:
    """Validate the defs-folder project from its folder, with no arguments."""
    root = write_defs_project(folder, DEFS_MODULES, DEFS_ASSETS_PER_MODULE)
    validate_cli(None, 1, env, cwd=root)  # writes the project's bytecode, as an installed one has
    seconds, peak = validate_cli(None, 5, env, cwd=root)
    print(f"defs folder, {DEFS_MODULES} modules x {DEFS_ASSETS_PER_MODULE} assets: validate "
          f"(fresh process, no arguments) {seconds:6.3f} s, peak RSS {peak:6.1f} MB "
          "(target < 1.5 s)")
    return {"defs_modules": DEFS_MODULES, "assets": DEFS_MODULES * DEFS_ASSETS_PER_MODULE,
            "validate_s": round(seconds, 3), "peak_rss_mb": round(peak, 1)}


def main() -> None:
    env = prepare()
    if "--defs-folder" in sys.argv[1:]:
        with tempfile.TemporaryDirectory() as folder:
            print(json.dumps([defs_folder_case(env, Path(folder))]))
        return
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
        rows.append(defs_folder_case(env, Path(folder)))
        print(json.dumps(rows))


if __name__ == "__main__":
    main()
