"""The files ``headwater scaffold`` writes (plain text templates, filled with ``str.format``)."""

from __future__ import annotations

PYPROJECT = '''\
[project]
name = "{package}"
requires-python = ">=3.10"
version = "0.1.0"
dependencies = [
    "headwater",
]

[project.optional-dependencies]
dev = [
    "pytest",
]

[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[tool.pytest.ini_options]
pythonpath = ["src"]

[tool.dg]
directory_type = "project"

[tool.dg.project]
root_module = "{package}"
'''

README = '''\
# {name}

A headwater project: every module under `src/{package}/defs/` is loaded into one code
location named `{name}`.

```shell
python -m venv .venv && .venv/bin/pip install -e ".[dev]"
headwater dev                                   # UI and API on http://127.0.0.1:3000
headwater check defs                            # load the location in a fresh process
headwater launch --assets '*'                   # materialize every asset
headwater scaffold defs asset orders.py         # add a module to the defs folder
.venv/bin/python -m pytest
```
'''

DEFINITIONS = '''\
from pathlib import Path

from headwater import definitions, load_from_defs_folder


@definitions
def defs():
    return load_from_defs_folder(path_within_project=Path(__file__).parent)
'''

EXAMPLE_ASSETS = '''\
import headwater as hw


@hw.asset
def numbers() -> list[int]:
    return [1, 2, 3]


@hw.asset
def total(numbers: list[int]) -> int:
    return sum(numbers)
'''

TEST_DEFS = '''\
import headwater as hw

from {package}.definitions import defs


def test_the_defs_folder_loads_and_materializes() -> None:
    definitions = defs()
    keys = [key.to_user_string() for key in definitions.resolve_all_asset_keys()]
    assert {{"numbers", "total"}} <= set(keys)
    result = hw.materialize_to_memory(definitions.assets)
    assert result.success
    assert result.output_for_node("total") == 6
'''

ASSET = '''\
import headwater as hw


@hw.asset
def {name}(context: hw.AssetExecutionContext) -> None:
    context.log.info("materializing {name}")
'''

SCHEDULE = '''\
import headwater as hw

{name}_job = hw.define_asset_job("{name}_job", selection="*")

{name} = hw.ScheduleDefinition(name="{name}", job={name}_job, cron_schedule="0 0 * * *")
'''

SENSOR = '''\
import headwater as hw


@hw.sensor(target="*", minimum_interval_seconds=60)
def {name}(context: hw.SensorEvaluationContext) -> hw.SkipReason:
    return hw.SkipReason("nothing to do yet")
'''

RESOURCES = '''\
import headwater as hw


@hw.definitions
def resources() -> hw.Definitions:
    return hw.Definitions(resources={{}})
'''

DEFS_TEMPLATES = {"asset": ASSET, "schedule": SCHEDULE, "sensor": SENSOR,
                  "resources": RESOURCES}
