"""Benchmarks for the definitions API and in-process execution (issue 2).

Prints:
- the import time of ``headwater`` (and of ``headwater`` plus the names a location uses),
- the time to build and validate Definitions of 1,000 / 5,000 / 10,000 generated assets,
- the per-asset overhead of materializing 1,000 trivial assets in-process.

Run: .venv/bin/python benchmarks/definitions.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_env import prepare  # noqa: E402
from generated_location import location_source  # noqa: E402

IMPORT_SCRIPT = """
import time
start = time.perf_counter()
import headwater
middle = time.perf_counter()
from headwater import asset, Definitions, define_asset_job, ScheduleDefinition, sensor
from headwater import AssetExecutionContext, MetadataValue, RunRequest
end = time.perf_counter()
print(middle - start, end - start)
"""


def import_times(env: dict[str, str], repeats: int = 15) -> tuple[float, float]:
    """Median seconds for ``import headwater``, and for it plus the common names."""
    bare, common = [], []
    for _ in range(repeats):
        out = subprocess.run([sys.executable, "-c", IMPORT_SCRIPT], capture_output=True,
                             text=True, check=True, env=env).stdout.split()
        bare.append(float(out[0]))
        common.append(float(out[1]))
    return statistics.median(bare), statistics.median(common)


BUILD_SCRIPT = """
import sys, time
from headwater.loading.discovery import find_definitions
from headwater.loading.gc_pause import collector_paused
from headwater.loading.python_import import load_python_file
with collector_paused():
    start = time.perf_counter()
    module = load_python_file(sys.argv[1])
    built = time.perf_counter()
    loaded = find_definitions(module)
    loaded.repository.implicit_asset_job()
    validated = time.perf_counter()
print(built - start, validated - built)
"""


def build_and_validate(num_assets: int, env: dict[str, str], repeats: int = 3
                       ) -> tuple[float, float]:
    """Median seconds to import a generated location (decorators run) and to validate it.

    Each repeat is a fresh interpreter loading the module the way headwater's loader does
    (collector paused); the first import of headwater itself is not counted.
    """
    built_times, validate_times = [], []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"location_{num_assets}.py"
        path.write_text(location_source(num_assets))
        warm = "import headwater as hw; hw.asset; hw.Definitions; hw.define_asset_job\n"
        for _ in range(repeats):
            out = subprocess.run([sys.executable, "-c", warm + BUILD_SCRIPT, str(path)],
                                 capture_output=True, text=True, check=True, env=env)
            built, validated = (float(x) for x in out.stdout.split())
            built_times.append(built)
            validate_times.append(validated)
    return statistics.median(built_times), statistics.median(validate_times)


def materialize_overhead(num_assets: int = 1000) -> tuple[float, float]:
    """Per-asset milliseconds of ``materialize`` (filesystem IO) and ``materialize_to_memory``."""
    import headwater as hw

    namespace: dict[str, object] = {}
    exec(compile(location_source(num_assets), "<generated>", "exec"), namespace)
    defs = namespace["defs"]
    assert isinstance(defs, hw.Definitions)
    assets = defs.assets
    # The default instance folder (./.headwater): on this machine, creating files under /tmp
    # costs ~0.6 ms each (its mount), against ~0.03 ms here, which would swamp the figure.
    Path(".headwater").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=".headwater", prefix="bench-") as base_dir:
        start = time.perf_counter()
        result = hw.materialize(
            assets, resources={"io_manager": hw.FilesystemIOManager(base_dir=base_dir)}
        )
        fs_seconds = time.perf_counter() - start
    assert result.success
    start = time.perf_counter()
    result = hw.materialize_to_memory(assets)
    memory_seconds = time.perf_counter() - start
    assert result.success
    return fs_seconds * 1000 / num_assets, memory_seconds * 1000 / num_assets


def main() -> None:
    env = prepare()
    bare, common = import_times(env)
    print(f"import headwater: {bare * 1000:.1f} ms "
          f"(with the names a location uses: {common * 1000:.1f} ms)  [target < 150 ms]")
    for size in (1000, 5000, 10000):
        built, validated = build_and_validate(size, env)
        print(f"{size:>6} assets: decorators {built * 1000:7.1f} ms, "
              f"validate {validated * 1000:7.1f} ms, total {(built + validated) * 1000:7.1f} ms"
              + ("  [target < 500 ms]" if size == 5000 else ""))
    fs_ms, memory_ms = materialize_overhead()
    print(f"materialize 1,000 trivial assets in-process: {fs_ms:.3f} ms/asset with the "
          f"filesystem IO manager, {memory_ms:.3f} ms/asset in memory  [target < 1 ms]")


if __name__ == "__main__":
    main()
