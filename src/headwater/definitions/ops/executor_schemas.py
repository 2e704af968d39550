"""Config schemas of the built-in executors (imported when a run or snapshot needs them).

``multiprocess`` takes Dagster's keys (``max_concurrent``, ``start_method`` as ``{spawn: {}}``
or ``{forkserver: {...}}``, ``retries``, ``tag_concurrency_limits``) and headwater's string
form of ``start_method`` (``fork`` / ``spawn``).
"""

from __future__ import annotations

from headwater.definitions.config.schema_types import (
    ConfigType,
    Field,
    Float,
    Int,
    Noneable,
    ScalarUnion,
    Selector,
    Shape,
    String,
)

__all__ = ["BUILTIN_SCHEMAS"]


def _retries() -> Field:
    return Field(Selector({"enabled": {}, "disabled": {}}), default_value={"enabled": {}},
                 description="Whether steps' retry policies apply (enabled) or not.")


IN_PROCESS_CONFIG = Shape({"retries": _retries()})

MULTIPROCESS_CONFIG = Shape(
    {
        "max_concurrent": Field(
            Noneable(Int), is_required=False,
            description="Most step processes at once; 0 or unset: one per CPU.",
        ),
        "start_method": Field(
            ScalarUnion(
                String,
                Selector({
                    "fork": {},
                    "spawn": {},
                    "forkserver": {"preload_modules": Field([str], is_required=False)},
                }),
            ),
            is_required=False,
            description="How step processes start: fork, spawn (or {spawn: {}}); forkserver "
            "runs as spawn.",
        ),
        "retries": _retries(),
        "tag_concurrency_limits": Field(
            [{"key": str, "value": Field(ScalarUnion(String, {"applyLimitPerUniqueValue": bool}),
                                         is_required=False),
              "limit": int}],
            is_required=False,
            description="Most steps with a tag (key, optionally value) running at once.",
        ),
    }
)

CELERY_CONFIG = Shape(
    {
        "broker": Field(String, is_required=False, description="The broker URL."),
        "backend": Field(String, is_required=False, description="The result backend URL."),
        "queue": Field(String, is_required=False, description="The default queue."),
        "max_concurrent": Field(Int, is_required=False, description="Steps in flight."),
        "worker_lost_timeout": Field(Float, is_required=False,
                                     description="Seconds before a silent worker is lost."),
    }
)


#: Built-in executor name -> its config schema.
BUILTIN_SCHEMAS: dict[str, ConfigType] = {
    "in_process": IN_PROCESS_CONFIG,
    "multiprocess": MULTIPROCESS_CONFIG,
    "celery": CELERY_CONFIG,
}
