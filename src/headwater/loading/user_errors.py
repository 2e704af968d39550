"""Describing an error raised while loading user code, trimmed to the user's own frames."""

from __future__ import annotations

import traceback
from pathlib import Path

from headwater.errors import UserCodeError
from headwater.snapshot.events import ErrorInfo

_PACKAGE_DIR = str(Path(__file__).resolve().parents[1])
_IMPORT_MACHINERY = ("<frozen importlib", "importlib/__init__.py")


def is_user_frame(filename: str) -> bool:
    """Whether a traceback frame belongs to user code (not headwater or the import system)."""
    if filename.startswith(_PACKAGE_DIR):
        return False
    return not any(marker in filename for marker in _IMPORT_MACHINERY)


def user_error_info(exc: BaseException, depth: int = 0) -> ErrorInfo:
    """``exc`` as plain data with only user frames in its stack.

    A ``UserCodeError`` is unwrapped to the user's exception; a ``SyntaxError`` keeps the
    offending line and caret. When no user frame is left, the full stack is kept so that
    nothing useful is lost.
    """
    original = exc.original if isinstance(exc, UserCodeError) else exc
    frames = traceback.extract_tb(original.__traceback__)
    user_frames = [frame for frame in frames if is_user_frame(frame.filename)]
    chosen = user_frames or frames
    stack = traceback.format_list(chosen)
    detail = "".join(traceback.format_exception_only(type(original), original)).rstrip()
    if not isinstance(original, SyntaxError):
        detail = f"{type(original).__name__}: {original}"
    cause = original.__cause__
    return ErrorInfo(
        message=detail,
        class_name=type(original).__name__,
        stack=stack,
        cause=(
            user_error_info(cause, depth + 1)
            if cause is not None and cause is not original and depth < 3
            else None
        ),
    )
