"""Captured errors show the user's frames; headwater's own are kept apart in full_stack."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from headwater import asset, materialize
from headwater.errors import HeadwaterError, UserCodeError, user_code_boundary
from headwater.snapshot.errors import ErrorInfo, is_user_frame
from headwater.snapshot.events import StepFailureData

HEADWATER_DIR = str(Path(__file__).resolve().parents[2] / "src" / "headwater")


def _user_helper() -> None:
    raise ValueError("bad row")


def _capture(fn: object) -> ErrorInfo:
    try:
        fn()  # type: ignore[operator]
    except BaseException as exc:  # noqa: BLE001
        return ErrorInfo.from_exception(exc)
    raise AssertionError("nothing raised")


def test_a_step_failure_hides_headwater_frames_and_keeps_them_in_full_stack() -> None:
    @asset
    def rows() -> None:
        try:
            _user_helper()
        except ValueError as exc:
            raise RuntimeError("could not load rows") from exc

    result = materialize([rows], raise_on_error=False)
    [failure] = [e for e in result.all_events if e.event_type.value == "STEP_FAILURE"]
    assert isinstance(failure.data, StepFailureData)
    error = failure.data.error
    assert error.class_name == "RuntimeError"
    assert all(HEADWATER_DIR not in frame for frame in error.stack)
    assert any("in rows" in frame for frame in error.stack)
    assert error.full_stack is not None
    assert any(HEADWATER_DIR in frame for frame in error.full_stack)
    assert error.hidden_frames == len(error.full_stack) - len(error.stack) > 0
    # The chained cause is kept, with the user's helper.
    assert error.cause is not None and error.cause.class_name == "ValueError"
    assert any("in _user_helper" in frame for frame in error.cause.stack)

    text = error.to_string()
    assert HEADWATER_DIR not in text
    assert f"[{error.hidden_frames} headwater frame(s) hidden]" in text
    assert text.index("ValueError: bad row") < text.index("RuntimeError: could not load rows")
    full = error.to_string(full=True)
    assert HEADWATER_DIR in full and "frame(s) hidden" not in full


def test_an_error_with_only_user_frames_has_no_full_stack() -> None:
    error = _capture(_user_helper)
    assert error.full_stack is None and error.hidden_frames == 0
    assert len(error.stack) == 2  # _capture and _user_helper: both in this test file
    assert "hidden" not in error.to_string()


def test_a_fault_inside_headwater_keeps_its_whole_stack() -> None:
    def wrapped() -> None:
        with user_code_boundary("asset 'x'"):
            _user_helper()

    with pytest.raises(UserCodeError) as caught:
        wrapped()
    boundary = ErrorInfo.from_exception(caught.value)
    assert boundary.full_stack is not None  # the boundary's own frame is hidden
    assert not any(HEADWATER_DIR in frame for frame in boundary.stack)

    # An exception that is not headwater's, with only headwater frames on its stack, points
    # at a bug in headwater: nothing is hidden. A headwater error there keeps no frame.
    from headwater.workspace.check_runs import check_parts
    from headwater.workspace.runs import plain_config

    for call, exc_type, kept in ((lambda: check_parts(["x"]), ValueError, True),
                                 (lambda: plain_config(5), HeadwaterError, False)):  # type: ignore[arg-type]
        with pytest.raises(exc_type) as raised:
            call()
        tb = raised.value.__traceback__
        assert tb is not None and tb.tb_next is not None and tb.tb_next.tb_next is not None
        # Drop this test's frames: what is left was all raised inside headwater.
        inner = raised.value.with_traceback(tb.tb_next.tb_next)
        info = ErrorInfo.from_exception(inner)
        every = info.full_stack if info.full_stack is not None else info.stack
        assert every and all(HEADWATER_DIR in frame for frame in every)
        assert (info.full_stack is None) is kept
        assert bool(info.stack) is kept


def test_raise_from_none_drops_the_context() -> None:
    def suppressed() -> None:
        try:
            _user_helper()
        except ValueError:
            raise KeyError("missing") from None

    assert _capture(suppressed).cause is None


def test_old_records_without_full_stack_still_decode_and_print() -> None:
    old = ErrorInfo(message="ValueError: x", class_name="ValueError",
                    stack=['  File "/app/a.py", line 1, in f\n    g()\n'])
    again = msgspec.json.decode(msgspec.json.encode(old), type=ErrorInfo)
    assert again == old and again.full_stack is None
    assert again.to_string().startswith("Traceback (most recent call last):\n  File")


def test_import_machinery_and_headwater_frames_are_not_user_frames() -> None:
    assert not is_user_frame(f"{HEADWATER_DIR}/execution/step_runner.py")
    assert not is_user_frame("<frozen importlib._bootstrap>")
    assert is_user_frame("/home/me/project/defs.py")
