"""``validate_run_config``: check run config against a job without running it."""

from __future__ import annotations

from typing import Any

from headwater.definitions.ops.jobs import JobDefinition
from headwater.execution.executor_config import retries_enabled
from headwater.execution.input_config import resolve_input_configs
from headwater.execution.plan import build_plan
from headwater.execution.run_config import (
    job_run_config,
    resolve_step_configs,
)
from headwater.execution.run_loggers import resolve_logger_configs


def validate_run_config(job_def: JobDefinition, run_config: Any = None) -> dict[str, Any]:
    """The run config merged with the job's defaults, if it is valid; raises ``ConfigError``."""
    config = job_run_config(job_def, run_config)
    plan = build_plan(job_def)
    resolve_step_configs(plan, config)
    resolve_input_configs(plan, config)
    resolve_logger_configs(job_def, config)
    retries_enabled(job_def, config)  # validates the executor's config
    return config
