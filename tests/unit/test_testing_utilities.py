"""instance_for_test, get_dagster_logger and secrets kept out of stored runs and events."""

from __future__ import annotations

import logging
import os

import msgspec
import pytest

import headwater as hw
from headwater.errors import DagsterInvalidConfigError


@hw.asset
def one() -> int:
    return 1


def test_instance_for_test_records_runs_and_events_and_cleans_up() -> None:
    before = os.environ.get("HEADWATER_HOME")
    with hw.instance_for_test() as instance:
        assert os.environ["HEADWATER_HOME"] == str(instance.root)
        result = hw.materialize([one], instance=instance, tags={"team": "a"})
        runs = instance.get_runs()
        assert [r.run_id for r in runs] == [result.run_id]
        assert runs[0].status is hw.RunStatus.SUCCESS and runs[0].tags["team"] == "a"
        types = [e.event.event_type.value for e in instance.storage.get_events(result.run_id)]
        assert types[0] == "RUN_START" and types[-1] == "RUN_SUCCESS"
        assert "ASSET_MATERIALIZATION" in types
        root = instance.root
    assert not root.exists()
    assert os.environ.get("HEADWATER_HOME") == before


def test_failed_in_process_run_is_recorded_as_failed() -> None:
    @hw.asset
    def broken() -> None:
        raise ValueError("boom")

    with hw.instance_for_test() as instance:
        result = hw.materialize([broken], instance=instance, raise_on_error=False)
        assert instance.get_run(result.run_id).status is hw.RunStatus.FAILURE  # type: ignore[union-attr]


def test_get_dagster_logger_is_a_logger_under_headwater_user() -> None:
    logger = hw.get_dagster_logger("mine")
    assert isinstance(logger, logging.Logger)
    assert logger.name == "headwater.user.mine"


SECRET = "s3cr3t-token-value"


class Api(hw.ConfigurableResource):
    token: str
    port: int = 1


def test_env_values_never_reach_stored_runs_or_events(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HW_TEST_TOKEN", SECRET)
    monkeypatch.setenv("HW_TEST_BAD_PORT", SECRET)

    @hw.asset(config_schema={"token": hw.StringSource})
    def uses(context: hw.AssetExecutionContext, api: Api) -> int:
        assert context.op_config["token"] == SECRET and api.token == SECRET
        context.log.info("used the token")
        return 1

    good = {"ops": {"uses": {"config": {"token": {"env": "HW_TEST_TOKEN"}}}}}
    with hw.instance_for_test() as instance:
        hw.materialize([uses], instance=instance, run_config=good,
                       resources={"api": Api(token=hw.EnvVar("HW_TEST_TOKEN"))})
        bad_port = Api(token=hw.EnvVar("HW_TEST_TOKEN"), port=hw.EnvVar.int("HW_TEST_BAD_PORT"))
        failed = hw.materialize([uses], instance=instance, run_config=good,
                                resources={"api": bad_port}, raise_on_error=False)
        assert not failed.success
        with pytest.raises(DagsterInvalidConfigError):
            hw.materialize([uses], instance=instance, resources={"api": Api(token="x")},
                           run_config={"ops": {"uses": {"config": {"token": {"env": "NOPE_X"}}}}})
        runs = instance.get_runs()
        assert len(runs) == 3
        stored = b"".join(
            msgspec.json.encode(run) + b"".join(
                msgspec.json.encode(e) for e in instance.storage.get_events(run.run_id)
            )
            for run in runs
        )
    assert b"used the token" in stored and b"HW_TEST_BAD_PORT" in stored
    assert SECRET.encode() not in stored
