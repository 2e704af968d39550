"""The names every location imports load no optional part of the API.

A location that uses no partitions, pydantic config or config schema API must not pay for
importing them (``benchmarks/definitions.py`` measures the time; this guards the cause).
"""

from __future__ import annotations

import subprocess
import sys

COMMON_NAMES = ("from headwater import asset, Definitions, define_asset_job, ScheduleDefinition, "
                "sensor, AssetExecutionContext, MetadataValue, RunRequest, AssetKey, job, op")
OPTIONAL = ("headwater.definitions.partitions", "headwater.definitions.config.pythonic",
            "headwater.definitions.config.schema_types", "headwater.definitions.components",
            "headwater.execution", "pydantic", "sqlalchemy", "grpc", "msgspec", "yaml")


def test_common_names_import_no_optional_subsystem() -> None:
    code = (f"import sys\n{COMMON_NAMES}\n"
            f"print(sorted(m for m in sys.modules if m.startswith({OPTIONAL!r})))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, timeout=60)
    assert result.stdout.strip() == "[]"
