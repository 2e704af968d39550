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


def import_times(repeats: int = 15) -> tuple[float, float]:
    """Median seconds for ``import headwater``, and for it plus the common names."""
    bare, common = [], []
    for _ in range(repeats):
        out = subprocess.run([sys.executable, "-c", IMPORT_SCRIPT], capture_output=True,
                             text=True, check=True).stdout.split()
        bare.append(float(out[0]))
        common.append(float(out[1]))
    return statistics.median(bare), statistics.median(common)


def build_and_validate(num_assets: int) -> tuple[float, float]:
    """Seconds to run the generated module's decorators, and to validate its Definitions."""
    import headwater as hw

    source = location_source(num_assets)
    code = compile(source, f"<generated {num_assets}>", "exec")
    namespace: dict[str, object] = {}
    start = time.perf_counter()
    exec(code, namespace)
    built = time.perf_counter()
    defs = namespace["defs"]
    assert isinstance(defs, hw.Definitions)
    hw.Definitions.validate_loadable(defs)
    defs.get_implicit_global_asset_job_def()
    validated = time.perf_counter()
    return built - start, validated - built


def materialize_overhead(num_assets: int = 1000) -> tuple[float, float]:
    """Per-asset milliseconds of ``materialize`` (filesystem IO) and ``materialize_to_memory``."""
    import headwater as hw

    namespace: dict[str, object] = {}
    exec(compile(location_source(num_assets), "<generated>", "exec"), namespace)
    defs = namespace["defs"]
    assert isinstance(defs, hw.Definitions)
    assets = defs.assets
    with tempfile.TemporaryDirectory() as base_dir:
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
    bare, common = import_times()
    print(f"import headwater: {bare * 1000:.1f} ms "
          f"(with the names a location uses: {common * 1000:.1f} ms)  [target < 150 ms]")
    for size in (1000, 5000, 10000):
        built, validated = build_and_validate(size)
        print(f"{size:>6} assets: decorators {built * 1000:7.1f} ms, "
              f"validate {validated * 1000:7.1f} ms, total {(built + validated) * 1000:7.1f} ms"
              + ("  [target < 500 ms]" if size == 5000 else ""))
    fs_ms, memory_ms = materialize_overhead()
    print(f"materialize 1,000 trivial assets in-process: {fs_ms:.3f} ms/asset with the "
          f"filesystem IO manager, {memory_ms:.3f} ms/asset in memory  [target < 1 ms]")


if __name__ == "__main__":
    main()
