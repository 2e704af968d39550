"""Run events: the structured records the execution core produces, storage keeps and servers stream.

Every event is a ``RunEvent`` with an ``EventType`` and, for the kinds that need one, a typed
payload in ``data``. Records are msgspec structs, encodable to JSON or msgpack.
"""

from __future__ import annotations

import logging
from enum import Enum
from typing import Union

import msgspec

from headwater.snapshot.errors import ErrorInfo
from headwater.snapshot.metadata_types import MetadataEntrySnap

EVENT_FORMAT_VERSION = 1


class EventType(str, Enum):
    """What happened."""

    RUN_START = "RUN_START"
    RUN_SUCCESS = "RUN_SUCCESS"
    RUN_FAILURE = "RUN_FAILURE"
    RUN_CANCELING = "RUN_CANCELING"
    RUN_CANCELED = "RUN_CANCELED"
    STEP_START = "STEP_START"
    STEP_SUCCESS = "STEP_SUCCESS"
    STEP_FAILURE = "STEP_FAILURE"
    STEP_SKIPPED = "STEP_SKIPPED"
    STEP_UP_FOR_RETRY = "STEP_UP_FOR_RETRY"
    STEP_RESTARTED = "STEP_RESTARTED"
    STEP_OUTPUT = "STEP_OUTPUT"
    LOADED_INPUT = "LOADED_INPUT"
    HANDLED_OUTPUT = "HANDLED_OUTPUT"
    ASSET_MATERIALIZATION = "ASSET_MATERIALIZATION"
    ASSET_OBSERVATION = "ASSET_OBSERVATION"
    ASSET_CHECK_EVALUATION = "ASSET_CHECK_EVALUATION"
    RESOURCE_INIT_FAILURE = "RESOURCE_INIT_FAILURE"
    ENGINE_EVENT = "ENGINE_EVENT"
    LOG = "LOG"
    HOOK_COMPLETED = "HOOK_COMPLETED"
    HOOK_ERRORED = "HOOK_ERRORED"
    HOOK_SKIPPED = "HOOK_SKIPPED"
    #: An input's value passed its type check (only for inputs with a type to check).
    STEP_INPUT = "STEP_INPUT"
    STEP_STDOUT = "STEP_STDOUT"
    STEP_STDERR = "STEP_STDERR"
    #: An op reported an ExpectationResult (the older form of a data quality check).
    STEP_EXPECTATION_RESULT = "STEP_EXPECTATION_RESULT"


class _Data(msgspec.Struct, frozen=True, tag_field="kind", omit_defaults=True):
    pass


class StepFailureData(_Data, frozen=True, tag="step_failure"):
    """Why a step failed; ``user_code`` tells user errors from framework errors."""

    error: ErrorInfo
    user_code: bool = True
    metadata: dict[str, MetadataEntrySnap] = {}


class StepRetryData(_Data, frozen=True, tag="step_retry"):
    """A step will be tried again."""

    attempt: int
    seconds_to_wait: float
    error: ErrorInfo | None = None


class StepSuccessData(_Data, frozen=True, tag="step_success"):
    """How long the step took."""

    duration_ms: float


class TypeCheckData(_Data, frozen=True, tag="type_check"):
    """A value checked against the type of an input or output."""

    name: str
    type_name: str
    success: bool
    description: str | None = None
    is_input: bool = True
    metadata: dict[str, MetadataEntrySnap] = {}


class OutputData(_Data, frozen=True, tag="output"):
    """An output was produced or stored."""

    output_name: str
    io_manager_key: str | None = None
    mapping_key: str | None = None
    #: The output's type check, when it has a type that is checked.
    type_check: TypeCheckData | None = None


class InputData(_Data, frozen=True, tag="input"):
    """An input was loaded."""

    input_name: str
    upstream_step_key: str | None = None
    upstream_output_name: str | None = None
    asset_key: list[str] | None = None
    manager_key: str | None = None


class AssetEventData(_Data, frozen=True, tag="asset"):
    """An asset was materialized or observed."""

    asset_key: list[str]
    partition: str | None = None
    description: str | None = None
    metadata: dict[str, MetadataEntrySnap] = {}
    tags: dict[str, str] = {}
    data_version: str | None = None


class AssetCheckData(_Data, frozen=True, tag="asset_check"):
    """The outcome of an asset check."""

    asset_key: list[str]
    check_name: str
    passed: bool
    severity: str = "ERROR"
    description: str | None = None
    metadata: dict[str, MetadataEntrySnap] = {}
    partition: str | None = None


class ExpectationData(_Data, frozen=True, tag="expectation"):
    """An ``ExpectationResult`` an op reported."""

    success: bool
    label: str | None = None
    description: str | None = None
    metadata: dict[str, MetadataEntrySnap] = {}


class RunFailureData(_Data, frozen=True, tag="run_failure"):
    """Why a run failed: failed steps, or an error outside any step."""

    failed_steps: list[str] = []
    error: ErrorInfo | None = None


class EngineData(_Data, frozen=True, tag="engine"):
    """Facts about the execution engine (executor, pids, step counts)."""

    values: dict[str, str] = {}


EventData = Union[
    StepFailureData,
    StepRetryData,
    StepSuccessData,
    OutputData,
    InputData,
    TypeCheckData,
    AssetEventData,
    AssetCheckData,
    RunFailureData,
    EngineData,
    ExpectationData,
]


class RunEvent(msgspec.Struct, frozen=True, omit_defaults=True):
    """One event of a run."""

    run_id: str
    event_type: EventType
    timestamp: float
    message: str = ""
    level: int = logging.INFO
    job_name: str | None = None
    step_key: str | None = None
    data: EventData | None = None

    @property
    def is_step_failure(self) -> bool:
        """Whether this is a STEP_FAILURE."""
        return self.event_type is EventType.STEP_FAILURE

    @property
    def is_step_success(self) -> bool:
        """Whether this is a STEP_SUCCESS."""
        return self.event_type is EventType.STEP_SUCCESS

    @property
    def asset_key(self) -> list[str] | None:
        """The asset key path of asset events."""
        data = self.data
        if isinstance(data, (AssetEventData, AssetCheckData, InputData)):
            return data.asset_key
        return None


_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(RunEvent)


def encode_event(event: RunEvent) -> bytes:
    """JSON bytes of ``event``."""
    return _encoder.encode(event)


def decode_event(payload: bytes | str) -> RunEvent:
    """The event encoded by :func:`encode_event`."""
    return _decoder.decode(payload)
