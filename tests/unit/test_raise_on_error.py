"""``execute_in_process``/``materialize`` with ``raise_on_error=True`` raise what Dagster
raises: the user's own exception for a step failed by user code (so ``pytest.raises(ValueError)``
works), the error naming the step kept as its ``__context__``; other errors as they are."""

from __future__ import annotations

import traceback
from typing import Any

import pytest

from headwater import (
    DagsterResourceFunctionError,
    Failure,
    IOManager,
    asset,
    asset_check,
    job,
    materialize,
    op,
    resource,
)
from headwater.errors import UserCodeError


def test_an_op_error_is_raised_as_itself_with_the_step_as_context() -> None:
    @op
    def boom() -> None:
        raise ValueError("bad thing")

    @job
    def pipeline() -> None:
        boom()

    with pytest.raises(ValueError, match="bad thing") as info:
        pipeline.execute_in_process()
    wrapper = info.value.__context__
    assert isinstance(wrapper, UserCodeError) and "op 'boom'" in str(wrapper)
    printed = "".join(traceback.format_exception(info.value))
    assert "op 'boom'" in printed and printed.rstrip().endswith("ValueError: bad thing")
    assert not pipeline.execute_in_process(raise_on_error=False).success


def test_asset_check_and_io_manager_errors_are_raised_as_themselves() -> None:
    @asset
    def broken() -> None:
        raise KeyError("k")

    with pytest.raises(KeyError):
        materialize([broken])

    @asset
    def fine() -> int:
        return 1

    @asset_check(asset=fine)
    def raising_check() -> Any:
        raise ValueError("in check")

    with pytest.raises(ValueError, match="in check"):
        materialize([fine, raising_check])

    class Full(IOManager):
        def handle_output(self, context: Any, obj: Any) -> None:
            raise OSError("disk full")

        def load_input(self, context: Any) -> Any:
            return None

    with pytest.raises(OSError, match="disk full"):
        materialize([fine], resources={"io_manager": Full()})


def test_failure_and_resource_errors_keep_their_own_types() -> None:
    @asset
    def deliberate() -> None:
        raise Failure("described")

    with pytest.raises(Failure, match="described"):
        materialize([deliberate])

    @resource
    def bad_resource(_context: Any) -> Any:
        raise RuntimeError("res init")

    @asset(required_resource_keys={"r"})
    def needs() -> int:
        return 1

    with pytest.raises(DagsterResourceFunctionError, match="res init"):
        materialize([needs], resources={"r": bad_resource})
