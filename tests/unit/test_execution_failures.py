"""Runs that fail: skipped downstream steps, retries, Failure, and raise_on_error."""

from __future__ import annotations

import traceback

import pytest

from headwater import (
    AssetExecutionContext,
    Failure,
    OpExecutionContext,
    RetryPolicy,
    RetryRequested,
    asset,
    job,
    materialize_to_memory,
    op,
)
from headwater.errors import HeadwaterError, StepFailure, UserCodeError
from headwater.snapshot.events import (
    EventType,
    RunFailureData,
    StepFailureData,
    StepRetryData,
)


class BoomError(Exception):
    pass


def _explode() -> None:
    raise BoomError("kaboom")


@asset
def root() -> int:
    return 1


@asset
def broken(root: int) -> int:
    _explode()
    return root


@asset
def after_broken(broken: int) -> int:
    return broken


@asset
def far_after(after_broken: int) -> int:
    return after_broken


@asset
def independent(root: int) -> int:
    return root + 1


def test_failure_skips_downstream_and_runs_independent_branches() -> None:
    result = materialize_to_memory(
        [root, broken, after_broken, far_after, independent], raise_on_error=False
    )
    assert result.success is False
    assert result.status == "FAILURE"
    assert result.get_failed_step_keys() == ["broken"]
    assert sorted(result.get_skipped_step_keys()) == ["after_broken", "far_after"]
    assert result.asset_value("independent") == 2
    types = [e.event_type for e in result.all_events]
    assert types[0] is EventType.RUN_START
    assert types[-1] is EventType.RUN_FAILURE
    run_failure = result.all_events[-1]
    assert isinstance(run_failure.data, RunFailureData)
    assert run_failure.data.failed_steps == ["broken"]
    skipped = [e for e in result.all_events if e.event_type is EventType.STEP_SKIPPED]
    assert "upstream step 'broken' did not succeed" in skipped[0].message


def test_step_failure_event_keeps_the_user_traceback() -> None:
    result = materialize_to_memory([root, broken], raise_on_error=False)
    [failure] = result.get_step_failure_events()
    assert failure.step_key == "broken"
    assert "asset 'broken'" in failure.message and "kaboom" in failure.message
    data = failure.data
    assert isinstance(data, StepFailureData)
    assert data.user_code is True
    assert data.error.class_name == "BoomError"
    stack = "".join(data.error.stack)
    assert "_explode" in stack and "raise BoomError" in stack


def test_raise_on_error_raises_the_original_with_the_error_naming_the_asset() -> None:
    # As Dagster does: the user's own exception, the wrapper naming the step as its context.
    with pytest.raises(BoomError) as info:
        materialize_to_memory([root, broken, independent])
    original = info.value
    error = original.__context__
    assert isinstance(error, UserCodeError)
    assert "asset 'broken'" in str(error)
    assert error.original is original
    assert error.__cause__ is original
    assert "_explode" in error.user_traceback
    frames = traceback.extract_tb(original.__traceback__)
    assert frames[-1].name == "_explode"
    assert "asset 'broken'" in "".join(traceback.format_exception(original))


def test_failure_with_metadata_and_description() -> None:
    @op
    def deliberate() -> None:
        raise Failure(description="bad rows found", metadata={"bad_rows": 3})

    @job
    def pipeline() -> None:
        deliberate()

    result = pipeline.execute_in_process(raise_on_error=False)
    [failure] = result.get_step_failure_events()
    assert "bad rows found" in failure.message
    data = failure.data
    assert isinstance(data, StepFailureData)
    assert data.metadata["bad_rows"].value == 3  # type: ignore[attr-defined]
    assert data.user_code is True
    assert data.error.class_name == "Failure"
    with pytest.raises(Failure, match="bad rows found"):
        pipeline.execute_in_process()


def test_retry_policy_retries_until_success() -> None:
    attempts: list[int] = []

    @op(retry_policy=RetryPolicy(max_retries=2))
    def flaky(context: OpExecutionContext) -> str:
        attempts.append(context.retry_number)
        if len(attempts) < 3:
            raise BoomError(f"attempt {len(attempts)}")
        return "ok"

    @op
    def downstream(value: str) -> str:
        return value + "!"

    @job
    def pipeline() -> None:
        downstream(flaky())

    result = pipeline.execute_in_process()
    assert result.success
    assert attempts == [0, 1, 2]
    assert result.output_for_node("downstream") == "ok!"
    flaky_types = [e.event_type for e in result.events_for_node("flaky")]
    assert flaky_types.count(EventType.STEP_UP_FOR_RETRY) == 2
    assert flaky_types.count(EventType.STEP_RESTARTED) == 2
    assert flaky_types[0] is EventType.STEP_START
    assert flaky_types[-1] is EventType.STEP_SUCCESS
    retry = [e for e in result.all_events if e.event_type is EventType.STEP_UP_FOR_RETRY][0]
    assert isinstance(retry.data, StepRetryData)
    assert retry.data.attempt == 1
    assert retry.data.error is not None and "attempt 1" in retry.data.error.message


def test_retry_policy_exhausted_fails_the_step() -> None:
    calls: list[int] = []

    @asset(retry_policy=RetryPolicy(max_retries=1))
    def always_fails() -> int:
        calls.append(1)
        raise BoomError("nope")

    result = materialize_to_memory([always_fails], raise_on_error=False)
    assert calls == [1, 1]
    assert result.get_failed_step_keys() == ["always_fails"]


def test_failure_with_allow_retries_false_is_not_retried() -> None:
    calls: list[int] = []

    @asset(retry_policy=RetryPolicy(max_retries=3))
    def final() -> int:
        calls.append(1)
        raise Failure("permanent", allow_retries=False)

    result = materialize_to_memory([final], raise_on_error=False)
    assert calls == [1]
    assert not result.success


def test_retry_requested() -> None:
    calls: list[int] = []

    @asset
    def asks(context: AssetExecutionContext) -> int:
        calls.append(context.retry_number)
        if context.retry_number < 2:
            raise RetryRequested(max_retries=3)
        return 5

    result = materialize_to_memory([asks])
    assert result.asset_value("asks") == 5
    assert calls == [0, 1, 2]
    ups = [e for e in result.all_events if e.event_type is EventType.STEP_UP_FOR_RETRY]
    assert len(ups) == 2


def test_retry_requested_beyond_max_retries_fails() -> None:
    @asset
    def asks_forever() -> int:
        raise RetryRequested(max_retries=1)

    result = materialize_to_memory([asks_forever], raise_on_error=False)
    assert not result.success
    ups = [e for e in result.all_events if e.event_type is EventType.STEP_UP_FOR_RETRY]
    assert len(ups) == 1
    [failure] = result.get_step_failure_events()
    assert "asset 'asks_forever' requested a retry after 2 attempt(s)" in failure.message
    with pytest.raises(StepFailure, match="max_retries=1"):
        materialize_to_memory([asks_forever])


def test_job_level_op_retry_policy() -> None:
    calls: list[int] = []

    @op
    def flaky() -> int:
        calls.append(1)
        if len(calls) == 1:
            raise BoomError("first")
        return 1

    @job(op_retry_policy=RetryPolicy(max_retries=1))
    def pipeline() -> None:
        flaky()

    assert pipeline.execute_in_process().success
    assert calls == [1, 1]


def test_negative_max_retries_rejected() -> None:
    with pytest.raises(HeadwaterError, match="max_retries=-1"):
        RetryPolicy(max_retries=-1)


def test_failure_in_op_job_skips_downstream_ops() -> None:
    ran: list[str] = []

    @op
    def ok() -> int:
        ran.append("ok")
        return 1

    @op
    def bad(x: int) -> int:
        raise BoomError("bad")

    @op
    def after(x: int) -> None:
        ran.append("after")

    @op
    def other(x: int) -> None:
        ran.append("other")

    @job
    def pipeline() -> None:
        value = ok()
        after(bad(value))
        other(value)

    result = pipeline.execute_in_process(raise_on_error=False)
    assert ran == ["ok", "other"]
    assert result.get_skipped_step_keys() == ["after"]
    with pytest.raises(BoomError, match="bad") as info:
        pipeline.execute_in_process()
    assert "op 'bad'" in str(info.value.__context__)
