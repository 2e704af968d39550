"""The OpenAPI document served at ``/openapi.json``, written by hand from the API's shapes."""

from __future__ import annotations

from typing import Any

from headwater.core.version import __version__

Schema = dict[str, Any]


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(required: dict[str, Schema], optional: dict[str, Schema] | None = None) -> Schema:
    return {"type": "object", "properties": {**required, **(optional or {})},
            "required": sorted(required)}


def _null(schema: Schema) -> Schema:
    return {**schema, "nullable": True} if "$ref" not in schema else {
        "allOf": [schema], "nullable": True}


def _list(items: Schema) -> Schema:
    return {"type": "array", "items": items}


STR: Schema = {"type": "string"}
NUM: Schema = {"type": "number"}
INT: Schema = {"type": "integer"}
BOOL: Schema = {"type": "boolean"}
ANY_OBJ: Schema = {"type": "object", "additionalProperties": True}
KEY: Schema = _list(STR)
TAGS: Schema = {"type": "object", "additionalProperties": STR}
RUN_STATUS: Schema = {"type": "string", "enum": ["QUEUED", "STARTING", "STARTED", "SUCCESS",
                                                 "FAILURE", "CANCELING", "CANCELED"]}
ON_OFF: Schema = {"type": "string", "enum": ["RUNNING", "STOPPED"]}

SCHEMAS: dict[str, Schema] = {
    "Error": _obj({"error": STR}),
    # ``stack``: the user's frames; ``full_stack`` (when frames were hidden): every frame.
    "ErrorInfo": _obj({"message": STR, "class_name": STR, "stack": _list(STR)},
                      {"cause": _null(ANY_OBJ), "full_stack": _list(STR),
                       "hidden_frames": INT}),
    "Location": _obj({
        "name": STR, "status": {"type": "string", "enum": ["loading", "loaded", "error"]},
        "error": _null(_ref("ErrorInfo")), "updated_at": NUM, "source": STR,
        "server_id": _null(STR),
        "counts": _obj({"assets": INT, "jobs": INT, "schedules": INT, "sensors": INT}),
        "server": _null(ANY_OBJ)}),
    "Materialization": _obj({"run_id": STR, "timestamp": NUM, "partition": _null(STR)},
                            {"metadata": ANY_OBJ, "data_version": _null(STR)}),
    "Asset": _obj({
        "key": KEY, "location": STR, "group": STR, "description": _null(STR),
        "kinds": _list(STR), "deps": _list(KEY), "partitioned": BOOL,
        "is_executable": BOOL, "check_names": _list(STR),
        "latest_materialization": _null(_ref("Materialization")),
        "latest_run_status": _null(RUN_STATUS),
        "checks": _list(_ref("CheckHealth")),
        "check_status": _null({"type": "string", "enum": ["failed", "warning", "passed"]}),
        "stale_reasons": _list(STR), "in_progress": BOOL, "location_reload_failed": BOOL,
        "tags": TAGS, "owners": _list(STR), "data_version": _null(STR)}),
    "CheckHealth": _obj({"name": STR, "blocking": BOOL, "passed": _null(BOOL),
                         "severity": _null(STR), "timestamp": _null(NUM),
                         "run_id": _null(STR)}),
    "AssetPartitions": _obj({
        "asset_key": KEY, "location": STR, "kind": STR, "keys": _null(_list(STR)),
        "dimensions": _null(_list(_obj({"name": STR, "keys": _list(STR)}))),
        "statuses": STR,
        "counts": _obj({"materialized": INT, "failed": INT, "in_progress": INT,
                        "missing": INT})}),
    "AssetCheck": _obj({"name": STR, "passed": _null(BOOL), "timestamp": _null(NUM),
                        "run_id": _null(STR), "metadata": ANY_OBJ},
                       {"blocking": BOOL, "severity": _null(STR), "history": _list(ANY_OBJ),
                        "can_execute_individually": {
                            "type": "string",
                            "enum": ["CAN_EXECUTE", "REQUIRES_MATERIALIZATION"]},
                        "execute_blocked_reason": _null(STR)}),
    "Job": _obj({
        "name": STR, "location": STR, "description": _null(STR), "is_asset_job": BOOL,
        "asset_selection": _list(KEY), "partitioned": BOOL,
        "partition_keys": _null(_list(STR)), "run_config_schema": ANY_OBJ,
        "default_run_config": ANY_OBJ, "tags": TAGS}, {"run_tags": TAGS}),
    "JobOp": _obj({
        "name": STR, "op_name": STR, "graph": _list(STR), "kind": STR,
        "description": _null(STR),
        "inputs": _list(_obj({"name": STR, "upstream": _list(_list(STR)),
                              "asset_key": _null(KEY), "is_nothing": BOOL,
                              "has_default": BOOL, "is_fan_in": BOOL})),
        "outputs": _list(_obj({"name": STR, "is_dynamic": BOOL, "is_required": BOOL,
                               "asset_key": _null(KEY), "check_name": _null(STR),
                               "io_manager_key": STR})),
        "depends_on": _list(STR), "config_schema": _null(ANY_OBJ),
        "required_resource_keys": _list(STR), "tags": TAGS}),
    "JobAsset": _obj({
        "key": KEY, "group": STR, "deps": _list(KEY), "description": _null(STR),
        "kinds": _list(STR), "node_name": _null(STR), "check_names": _list(STR)}),
    "Schedule": _obj({
        "name": STR, "location": STR, "job_name": STR, "cron_schedule": STR,
        "execution_timezone": STR, "status": ON_OFF, "default_status": ON_OFF,
        "next_tick": _null(NUM), "description": _null(STR), "tags": TAGS}),
    "Sensor": _obj({
        "name": STR, "location": STR, "sensor_type": STR, "minimum_interval_seconds": INT,
        "status": ON_OFF, "default_status": ON_OFF, "cursor": _null(STR),
        "job_names": _list(STR), "asset_selection": _null(_list(KEY)),
        "asset_key": _null(KEY), "description": _null(STR)}),
    "Tick": _obj({
        "tick_id": INT, "timestamp": NUM, "end_timestamp": _null(NUM), "status": STR,
        "run_ids": _list(STR), "run_keys": _list(STR), "skip_reason": _null(STR),
        "cursor": _null(STR), "error": _null(_ref("ErrorInfo"))}),
    "Run": _obj({
        "run_id": STR, "job_name": STR, "location": _null(STR), "status": RUN_STATUS,
        "tags": TAGS, "created_at": NUM, "start_time": _null(NUM), "end_time": _null(NUM),
        "asset_selection": _null(_list(KEY)), "partition": _null(STR),
        "failure_message": _null(STR), "parent_run_id": _null(STR),
        "root_run_id": _null(STR)}, {"run_config": ANY_OBJ,
                                     "asset_check_selection": _null(_list(_ref("AssetCheckRef")))}),
    "Step": _obj({"step_key": STR, "status": STR, "start_time": _null(NUM),
                  "end_time": _null(NUM), "attempts": INT}),
    "RunEvent": _obj({"storage_id": INT, "timestamp": NUM, "event_type": STR,
                      "step_key": _null(STR), "message": STR, "level": STR},
                     {"metadata": ANY_OBJ, "asset_key": KEY, "error": _ref("ErrorInfo"),
                      "partition": _null(STR), "tags": TAGS, "data_version": _null(STR),
                      "check_name": STR, "passed": BOOL,
                      "severity": STR, "description": STR, "output_name": STR,
                      "io_manager_key": _null(STR), "input_name": STR,
                      "upstream_step_key": _null(STR)}),
    "Backfill": _obj({
        "backfill_id": STR, "location": STR, "job_name": _null(STR),
        "asset_selection": _null(_list(KEY)), "partition_keys": _list(STR), "status": STR,
        "created_at": NUM, "end_timestamp": _null(NUM), "submitted": INT, "tags": TAGS,
        "error": _null(_ref("ErrorInfo"))}),
    # Give one of job, asset_selection, or asset_check_selection alone (the checks run
    # without materializing their assets; a check computed by its asset's own op cannot:
    # 400). With asset_selection, asset_check_selection narrows the checks that run.
    "RunRequest": {**_obj({"location": STR}, {
        "job": STR, "asset_selection": _list(KEY),
        "asset_check_selection": _list(_ref("AssetCheckRef")), "partition": STR,
        "run_config": ANY_OBJ, "tags": TAGS}), "additionalProperties": False},
    "AssetCheckRef": {**_obj({"asset_key": KEY, "name": STR}), "additionalProperties": False},
    "ReexecuteRequest": {**_obj({}, {"from_failure": BOOL, "steps": _list(STR),
                                     "from_step": STR}), "additionalProperties": False},
    "BulkRequest": {**_obj({"action": {"type": "string", "enum": ["cancel", "reexecute"]},
                            "run_ids": {**_list(STR), "minItems": 1, "maxItems": 500}},
                           {"from_failure": BOOL}), "additionalProperties": False},
    "StepLogs": _obj({"run_id": STR, "step_key": _null(STR), "stdout": STR, "stderr": STR}),
    "BackfillRequest": {**_obj({"location": STR}, {
        "job": STR, "asset_selection": _list(KEY), "partitions": _list(STR),
        "partition_range": _obj({"start": STR, "end": STR}), "run_config": ANY_OBJ,
        "tags": TAGS}), "additionalProperties": False},
}


def _json(schema: Schema, description: str = "OK") -> Schema:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _wrap(field: str, item: str) -> Schema:
    return _obj({field: _list(_ref(item))})


def _errors(*codes: int) -> dict[str, Schema]:
    texts = {400: "Invalid request", 403: "Refused (cross-origin or read-only)",
             404: "Not found", 409: "Not possible in the current state"}
    return {str(code): _json(_ref("Error"), texts[code]) for code in codes}


def _path_params(*names: str) -> list[Schema]:
    return [{"name": name, "in": "path", "required": True, "schema": STR} for name in names]


def _query(name: str, schema: Schema, description: str) -> Schema:
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description}


def _op(summary: str, ok: Schema, *, params: list[Schema] | None = None,
        body: str | None = None, errors: tuple[int, ...] = (), status: int = 200,
        body_required: bool = True) -> Schema:
    operation: Schema = {"summary": summary, "responses": {str(status): ok, **_errors(*errors)}}
    if params:
        operation["parameters"] = params
    if body is not None:
        operation["requestBody"] = {"required": body_required, "content": {
            "application/json": {"schema": _ref(body)}}}
    return operation


_LIMIT = _query("limit", {"type": "integer", "minimum": 1, "maximum": 1000}, "How many.")
_MUTATION = (403, 404, 409)
_SWITCH = _json(ANY_OBJ, "The schedule or sensor item, with its new status")
_SSE = {"description": "JSON, or server-sent events when asked with "
                       "Accept: text/event-stream",
        "content": {"application/json": {"schema": _obj({"events": _list(_ref("RunEvent"))})},
                    "text/event-stream": {"schema": STR}}}

PATHS: dict[str, Schema] = {
    "/api/health": {"get": _op("Health, version, daemon heartbeat", _json(ANY_OBJ))},
    "/api/locations": {"get": _op("Code locations", _json(_wrap("locations", "Location")))},
    "/api/locations/{name}/reload": {"post": _op(
        "Reload one location", _json(_ref("Location")), params=_path_params("name"),
        errors=(403, 404))},
    "/api/reload": {"post": _op("Reload every location",
                                _json(_wrap("locations", "Location")), errors=(403,))},
    "/api/events": {"get": _op("Location changes (server-sent events)", {
        "description": "event: location, data: a location item",
        "content": {"text/event-stream": {"schema": STR}}})},
    "/api/assets": {"get": _op(
        "Every asset with its latest state and health", _json(_wrap("assets", "Asset")),
        params=[_query("partitioned", {"type": "string", "enum": ["true", "false"]},
                       "Only partitioned assets")], errors=(400,))},
    "/api/assets/{key}": {"get": _op(
        "One asset (key parts joined by /), materializations, observations and checks",
        _json(_obj({"asset": ANY_OBJ, "materializations": _list(_ref("Materialization")),
                    "observations": _list(_ref("Materialization")),
                    "checks": _list(_ref("AssetCheck"))})),
        params=[*_path_params("key"), _query("location", STR, "Location of the asset"),
                _LIMIT], errors=(400, 404, 409))},
    "/api/asset-partitions/{key}": {"get": _op(
        "Every partition of an asset and its status (one letter each: M materialized, "
        "F failed, P in progress, - missing)", _json(_ref("AssetPartitions")),
        params=[*_path_params("key"), _query("location", STR, "Location of the asset")],
        errors=(404, 409))},
    "/api/jobs": {"get": _op("Jobs", _json(_wrap("jobs", "Job")))},
    "/api/jobs/{location}/{name}": {"get": _op(
        "One job with its op graph (ops, inputs, outputs, config schema) and, for asset "
        "jobs, the assets it materializes",
        _json(_obj({"job": _ref("Job"), "ops": _list(_ref("JobOp")),
                    "assets": _list(_ref("JobAsset"))})),
        params=_path_params("location", "name"), errors=(404, 409))},
    "/api/automation": {"get": _op(
        "Automation condition sensors with their recent ticks and requested assets",
        _json(_obj({"sensors": _list(ANY_OBJ)})), params=[_LIMIT], errors=(400,))},
    "/api/automation/evaluations/{key}": {"get": _op(
        "An asset's automation evaluation trees (key parts joined by /), newest first, and "
        "the newest tree of each of its checks' conditions",
        _json(_obj({"evaluations": _list(ANY_OBJ),
                    "checks": {"type": "object", "additionalProperties": ANY_OBJ}})),
        params=[*_path_params("key"), _LIMIT], errors=(400, 404))},
    "/api/schedules": {"get": _op("Schedules", _json(_wrap("schedules", "Schedule")))},
    "/api/schedules/{location}/{name}": {"get": _op(
        "One schedule and its recent ticks",
        _json(_obj({"schedule": _ref("Schedule"), "ticks": _list(_ref("Tick"))})),
        params=[*_path_params("location", "name"), _LIMIT], errors=(400, 404, 409))},
    "/api/sensors": {"get": _op("Sensors", _json(_wrap("sensors", "Sensor")))},
    "/api/sensors/{location}/{name}": {"get": _op(
        "One sensor and its recent ticks",
        _json(_obj({"sensor": _ref("Sensor"), "ticks": _list(_ref("Tick"))})),
        params=[*_path_params("location", "name"), _LIMIT], errors=(400, 404, 409))},
    "/api/runs": {
        "get": _op("Runs, newest first", _json(_wrap("runs", "Run")), params=[
            _query("status", STR, "Comma-separated run statuses"),
            _query("job", STR, "Job name"), _query("location", STR, "Location name"),
            {**_query("tag", _list({"type": "string", "pattern": "^[^=]+=.*$"}),
                      "KEY=VALUE; repeat for several"), "explode": True},
            _query("launched_by", {"type": "string",
                                   "pattern": "^(schedule|sensor|backfill):.+$"},
                   "schedule:NAME, sensor:NAME or backfill:ID"),
            _query("backfill", STR, "Backfill id"),
            _query("created_after", NUM, "Seconds since the epoch"),
            _query("created_before", NUM, "Seconds since the epoch"),
            _query("cursor", STR, "Run id: list the runs created before it"), _LIMIT],
            errors=(400,)),
        "post": _op("Queue a run of a job, of some assets, or of some asset checks alone",
                    _json(_obj({"run_id": STR}), "Created"), body="RunRequest",
                    errors=(400, *_MUTATION), status=201)},
    "/api/runs/bulk": {"post": _op(
        "Cancel or re-execute several runs",
        _json(_obj({"results": _list(_obj({"run_id": STR, "ok": BOOL}, {
            "status": STR, "new_run_id": STR, "error": STR}))})),
        body="BulkRequest", errors=(400, 403))},
    "/api/runs/{run_id}": {"get": _op(
        "One run and its steps",
        _json(_obj({"run": _ref("Run"), "steps": _list(_ref("Step"))})),
        params=_path_params("run_id"), errors=(404,))},
    "/api/runs/{run_id}/events": {"get": _op(
        "A run's events after a storage id", _SSE,
        params=[*_path_params("run_id"),
                _query("after", {"type": "integer", "minimum": 0}, "Storage id"),
                _query("limit", {"type": "integer", "minimum": 1, "maximum": 10000},
                       "How many")], errors=(400, 404))},
    "/api/runs/{run_id}/cancel": {"post": _op(
        "Cancel a run", _json(_ref("Run")), params=_path_params("run_id"), errors=_MUTATION)},
    "/api/runs/{run_id}/reexecute": {"post": _op(
        "Re-execute a run: from failure (default), all, chosen steps, or from a step",
        _json(_obj({"run_id": STR}), "Created"),
        params=_path_params("run_id"), body="ReexecuteRequest", errors=(400, *_MUTATION),
        status=201, body_required=False)},
    "/api/runs/{run_id}/logs": {"get": _op(
        "What a step (or every step) of a run printed to stdout and stderr",
        _json(_ref("StepLogs")),
        params=[*_path_params("run_id"), _query("step", STR, "Step key")], errors=(404,))},
    "/api/runs/{run_id}/group": {"get": _op(
        "Every run of the run's re-execution group, oldest first",
        _json(_obj({"root_run_id": STR, "runs": _list(_ref("Run"))})),
        params=_path_params("run_id"), errors=(404,))},
    "/api/overview": {"get": _op(
        "Runs per job in the last 1, 6 or 24 hours and what needs attention",
        _json(_obj({"since": NUM, "now": NUM, "hours": INT, "truncated": BOOL,
                    "counts": _obj({"failed": INT, "in_progress": INT, "queued": INT,
                                    "failing_checks": INT}),
                    "jobs": _list(_obj({"location": _null(STR), "job_name": STR,
                                        "runs": _list(_obj({
                                            "run_id": STR, "status": RUN_STATUS,
                                            "start": NUM, "end": _null(NUM)}))}))})),
        params=[_query("hours", {"type": "integer", "enum": [1, 6, 24]}, "Window")],
        errors=(400,))},
    "/api/search": {"get": _op(
        "Assets, jobs, schedules, sensors, resources and locations by name",
        _json(_obj({"results": _list(_obj({"kind": {"type": "string", "enum": [
            "asset", "job", "schedule", "sensor", "resource", "location"]},
            "name": STR, "location": STR, "href": STR}))})),
        params=[_query("q", STR, "Text in the name")])},
    "/api/backfills": {
        "get": _op("Backfills, newest first", _json(_wrap("backfills", "Backfill")),
                   params=[_query("status", STR, "Backfill status"), _LIMIT], errors=(400,)),
        "post": _op("Start a backfill", _json(_ref("Backfill"), "Created"),
                    body="BackfillRequest", errors=(400, *_MUTATION), status=201)},
    "/api/backfills/{backfill_id}": {"get": _op(
        "One backfill and each partition's run",
        _json(_obj({"backfill": _ref("Backfill"), "partitions": _list(ANY_OBJ),
                    "statuses": STR})),
        params=_path_params("backfill_id"), errors=(404,))},
    "/api/backfills/{backfill_id}/cancel": {"post": _op(
        "Cancel a backfill", _json(_ref("Backfill")), params=_path_params("backfill_id"),
        errors=_MUTATION)},
}

_PREVIEW = _json(_obj({"run_requests": _list(ANY_OBJ), "skip_reason": _null(STR),
                      "cursor": _null(STR), "error": _null(ANY_OBJ), "evaluated_at": NUM}),
                 "What one tick would do now (nothing is launched or stored)")
SCHEMAS["PreviewRequest"] = {**_obj({}, {"timestamp": NUM}), "additionalProperties": False}
SCHEMAS["CursorRequest"] = {**_obj({"cursor": _null(STR)}), "additionalProperties": False}
SCHEMAS["BulkSwitchRequest"] = {**_obj({
    "action": {"type": "string", "enum": ["start", "stop"]},
    "items": {**_list({**_obj({"kind": {"type": "string", "enum": ["schedule", "sensor"]},
                               "location": STR, "name": STR}),
                       "additionalProperties": False}), "minItems": 1}}),
    "additionalProperties": False}
PATHS["/api/schedules/{location}/{name}/preview"] = {"post": _op(
    "Evaluate a schedule's tick now without launching", _PREVIEW,
    params=_path_params("location", "name"), body="PreviewRequest", body_required=False,
    errors=(400, 403, 404, 409))}
PATHS["/api/sensors/{location}/{name}/preview"] = {"post": _op(
    "Evaluate a sensor's tick now (with its cursor) without launching", _PREVIEW,
    params=_path_params("location", "name"), body="PreviewRequest", body_required=False,
    errors=(400, 403, 404, 409))}
PATHS["/api/sensors/{location}/{name}/cursor"] = {"post": _op(
    "Set (or reset with null) a sensor's cursor", _SWITCH,
    params=_path_params("location", "name"), body="CursorRequest", errors=(400, 403, 404))}
PATHS["/api/instigators/bulk"] = {"post": _op(
    "Turn several schedules and sensors on or off",
    _json(_obj({"results": _list(_obj({"ok": BOOL, "kind": STR}, {
        "name": STR, "location": STR, "error": STR, "status": ON_OFF}))})),
    body="BulkSwitchRequest", errors=(400, 403))}

for _kind in ("schedules", "sensors"):
    for _action in ("start", "stop"):
        PATHS[f"/api/{_kind}/{{location}}/{{name}}/{_action}"] = {"post": _op(
            f"{_action.capitalize()} a {_kind[:-1]}", _SWITCH,
            params=_path_params("location", "name"), errors=_MUTATION)}

_REPORTED_KEY: Schema = {"oneOf": [STR, KEY], "description": "The asset key when it is not "
                         "in the path: parts separated by '/', or a list of parts"}
SCHEMAS["ReportAssetEvent"] = _obj({}, {
    "asset_key": _REPORTED_KEY, "metadata": ANY_OBJ, "partition": STR, "description": STR,
    "data_version": STR})
SCHEMAS["ReportAssetCheck"] = _obj({"check_name": STR, "passed": BOOL}, {
    "asset_key": _REPORTED_KEY, "severity": {"type": "string", "enum": ["ERROR", "WARN"]},
    "metadata": ANY_OBJ, "partition": STR, "description": STR})
_REPORTED = _json(_obj({"storage_id": INT, "asset_key": KEY}), "The stored event's id")
for _route, _what, _body in (
        ("report_asset_materialization", "a materialization", "ReportAssetEvent"),
        ("report_asset_observation", "an observation", "ReportAssetEvent"),
        ("report_asset_check", "a check result", "ReportAssetCheck")):
    PATHS[f"/{_route}/{{asset_key}}"] = {"post": _op(
        f"Report {_what} of an external asset (stored outside any run); the key's parts "
        "are separated by '/'", _REPORTED, params=_path_params("asset_key"), body=_body,
        body_required=_body == "ReportAssetCheck", errors=(400, 403))}
    PATHS[f"/{_route}"] = {"post": _op(
        f"Report {_what} of an external asset named by the body's asset_key", _REPORTED,
        body=_body, errors=(400, 403))}


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.0 document of the HTTP API."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "headwater", "version": __version__,
                 "description": "HTTP API of the headwater webserver. Every 4xx answers "
                                "{\"error\": message}."},
        "paths": PATHS,
        "components": {"schemas": SCHEMAS},
    }
