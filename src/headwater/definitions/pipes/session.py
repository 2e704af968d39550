"""``open_pipes_session``: the context handed to the external process and what its messages
add up to (logs in the step's log, materializations and check results to return)."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from typing import Any

from headwater.definitions.asset_graph.keys import AssetKey
from headwater.definitions.metadata import MetadataValue, normalize_metadata
from headwater.definitions.ops.results import (
    AssetCheckResult,
    AssetCheckSeverity,
    DataVersion,
    MaterializeResult,
)
from headwater.definitions.pipes.injectors import PipesContextInjector
from headwater.definitions.pipes.protocol import (
    CONTEXT_ENV_VAR,
    MESSAGES_ENV_VAR,
    asset_key_parts,
    asset_key_string,
    encode_param,
)
from headwater.definitions.pipes.readers import PipesMessageReader

PipesResult = MaterializeResult | AssetCheckResult
_LEVELS = {"DEBUG": "debug", "INFO": "info", "WARNING": "warning", "WARN": "warning",
           "ERROR": "error", "CRITICAL": "critical"}


def _metadata(raw: Mapping[str, Any] | None) -> dict[str, Any]:
    """Message metadata (``{"raw_value": ..., "type": ...}`` per key) as metadata values."""
    values: dict[str, Any] = {}
    for key, entry in (raw or {}).items():
        if not isinstance(entry, dict) or "raw_value" not in entry:
            values[key] = entry
            continue
        value, kind = entry["raw_value"], entry.get("type", "__infer__")
        if kind == "asset" and isinstance(value, str):
            values[key] = MetadataValue.asset(AssetKey(asset_key_parts(value)))
        elif kind == "dagster_run" and isinstance(value, str):
            values[key] = MetadataValue.dagster_run(value)
        elif kind in ("text", "url", "path", "notebook", "md", "json", "int", "float", "bool",
                      "timestamp") and value is not None:
            values[key] = getattr(MetadataValue, kind)(value)
        elif kind == "null":
            values[key] = MetadataValue.null()
        else:
            values[key] = value
    return normalize_metadata(values)


class PipesMessageHandler:
    """Applies each message of the external process to the step: logs go to ``context.log``,
    reports become results."""

    def __init__(self, context: Any) -> None:
        self._context = context
        self._lock = threading.Lock()
        self.results: list[PipesResult] = []
        self.custom_messages: list[Any] = []
        self.opened: Mapping[str, Any] | None = None
        self.closed: Mapping[str, Any] | None = None
        self.materialized: set[AssetKey] = set()

    def handle_message(self, message: Mapping[str, Any]) -> None:
        """Apply one message (unknown methods are logged and ignored)."""
        method, params = message.get("method"), message.get("params") or {}
        with self._lock:
            handler = getattr(self, f"_on_{method}", None)
            if handler is None:
                self._context.log.warning(f"Pipes: ignored a message with method {method!r}.")
                return
            handler(params)

    def _on_opened(self, params: Mapping[str, Any]) -> None:
        self.opened = params

    def _on_closed(self, params: Mapping[str, Any]) -> None:
        self.closed = params

    def _on_log(self, params: Mapping[str, Any]) -> None:
        level = _LEVELS.get(str(params.get("level", "INFO")).upper(), "info")
        getattr(self._context.log, level)(str(params.get("message", "")))

    def _on_log_external_stream(self, params: Mapping[str, Any]) -> None:
        self._context.log.info(f"[{params.get('stream', 'stdout')}] {params.get('text', '')}")

    def _on_report_custom_message(self, params: Mapping[str, Any]) -> None:
        self.custom_messages.append(params.get("payload"))

    def _on_report_asset_materialization(self, params: Mapping[str, Any]) -> None:
        key = AssetKey(asset_key_parts(str(params["asset_key"])))
        version = params.get("data_version")
        self.materialized.add(key)
        self.results.append(MaterializeResult(
            asset_key=key, metadata=_metadata(params.get("metadata")),
            data_version=DataVersion(version) if version is not None else None))

    def _on_report_asset_check(self, params: Mapping[str, Any]) -> None:
        self.results.append(AssetCheckResult(
            asset_key=AssetKey(asset_key_parts(str(params["asset_key"]))),
            check_name=str(params["check_name"]), passed=bool(params["passed"]),
            severity=AssetCheckSeverity(params.get("severity") or "ERROR"),
            metadata=_metadata(params.get("metadata"))))


class PipesSession:
    """One exchange with an external process: the parameters to start it with and what it
    reported."""

    def __init__(self, context: Any, context_data: Mapping[str, Any],
                 context_params: Mapping[str, Any], message_params: Mapping[str, Any],
                 handler: PipesMessageHandler) -> None:
        self.context = context
        self.context_data = context_data
        self.context_injector_params = context_params
        self.message_reader_params = message_params
        self.message_handler = handler

    def get_bootstrap_env_vars(self) -> dict[str, str]:
        """Environment variables telling the external process where its context and message
        channel are."""
        return {CONTEXT_ENV_VAR: encode_param(self.context_injector_params),
                MESSAGES_ENV_VAR: encode_param(self.message_reader_params)}

    def get_bootstrap_params(self) -> dict[str, str]:
        """The same parameters, by variable name (for launchers that are not environments)."""
        return self.get_bootstrap_env_vars()

    def get_bootstrap_cli_arguments(self) -> dict[str, str]:
        """The same parameters as command line options."""
        return {"--dagster-pipes-context": encode_param(self.context_injector_params),
                "--dagster-pipes-messages": encode_param(self.message_reader_params)}

    def get_reported_results(self) -> list[PipesResult]:
        """What the external process reported, in order."""
        return list(self.message_handler.results)

    def get_results(self, implicit_materializations: bool = True) -> list[PipesResult]:
        """The reported results, plus (with ``implicit_materializations``) a materialization
        of each asset of the step the external process did not report."""
        results = self.get_reported_results()
        if implicit_materializations:
            for parts in self.context_data.get("asset_keys") or []:
                key = AssetKey(asset_key_parts(parts))
                if key not in self.message_handler.materialized:
                    results.append(MaterializeResult(asset_key=key))
        return results

    def get_custom_messages(self) -> list[Any]:
        """Payloads sent with ``report_custom_message``."""
        return list(self.message_handler.custom_messages)


def build_context_data(context: Any, extras: Mapping[str, Any] | None) -> dict[str, Any]:
    """The context the external process receives, from a step's context."""
    keys: list[AssetKey] = []
    code_versions: dict[str, str | None] = {}
    if getattr(context, "has_assets_def", False):
        keys = sorted(context.selected_asset_keys, key=lambda key: key.path)
        versions = context.assets_def.code_versions_by_key
        code_versions = {asset_key_string(key.path): versions.get(key) for key in keys}
    data: dict[str, Any] = {
        "asset_keys": [asset_key_string(key.path) for key in keys] or None,
        "code_version_by_asset_key": code_versions or None,
        "provenance_by_asset_key": {name: None for name in code_versions} or None,
        "partition_key": None, "partition_key_range": None, "partition_time_window": None,
        "run_id": context.run_id,
        "job_name": getattr(context, "job_name", None),
        "retry_number": getattr(context, "retry_number", 0),
        "extras": dict(extras or {}),
    }
    if getattr(context, "has_partition_key", False):
        data["partition_key"] = context.partition_key
    if getattr(context, "has_partition_key_range", False):
        key_range = context.partition_key_range
        data["partition_key_range"] = {"start": key_range.start, "end": key_range.end}
        try:
            window = context.partition_time_window
        except Exception:  # noqa: BLE001 - not time-partitioned: no window to pass
            window = None
        if window is not None:
            data["partition_time_window"] = {"start": window.start.isoformat(),
                                             "end": window.end.isoformat()}
    return data


@contextmanager
def open_pipes_session(
    context: Any,
    context_injector: PipesContextInjector,
    message_reader: PipesMessageReader,
    extras: Mapping[str, Any] | None = None,
) -> Iterator[PipesSession]:
    """Hand the step's context to an external process and read its messages while the block
    runs; start the process inside the block with ``session.get_bootstrap_env_vars()``."""
    data = build_context_data(context, extras)
    handler = PipesMessageHandler(context)
    with ExitStack() as stack:
        context_params = stack.enter_context(context_injector.inject_context(data))
        message_params = stack.enter_context(message_reader.read_messages(handler))
        yield PipesSession(context, data, context_params, message_params, handler)


__all__ = ["PipesMessageHandler", "PipesSession", "build_context_data", "open_pipes_session"]
