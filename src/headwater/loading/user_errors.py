"""Describing an error raised while loading user code, trimmed to the user's own frames."""

from __future__ import annotations

import os
import traceback
from pathlib import Path

from headwater.errors import HeadwaterError, UserCodeError
from headwater.snapshot.errors import ErrorInfo

_PACKAGE_DIR = str(Path(__file__).resolve().parents[1]) + os.sep
_IMPORT_MACHINERY = ("<frozen importlib", f"importlib{os.sep}__init__.py", "<frozen runpy")


def is_user_frame(filename: str) -> bool:
    """Whether a traceback frame belongs to user code (not headwater or the import system)."""
    if os.path.abspath(filename).startswith(_PACKAGE_DIR):
        return False
    return not any(marker in filename for marker in _IMPORT_MACHINERY)


def user_error_info(exc: BaseException, depth: int = 0) -> ErrorInfo:
    """``exc`` as plain data with only user frames in its stack.

    A ``UserCodeError`` is unwrapped to the user's exception; a ``SyntaxError`` keeps the
    offending file, line and caret in its message. When no user frame is left, headwater's
    own errors (their message says what is wrong) and syntax errors get no stack; any other
    exception keeps its full stack, since it points at a fault in headwater itself.
    """
    original = exc.original if isinstance(exc, UserCodeError) else exc
    frames = list(traceback.extract_tb(original.__traceback__))
    user_frames = [frame for frame in frames if is_user_frame(frame.filename)]
    if user_frames or isinstance(original, (HeadwaterError, SyntaxError)):
        frames = user_frames
    stack = traceback.format_list(frames)
    if isinstance(original, SyntaxError):
        detail = "".join(traceback.format_exception_only(type(original), original)).rstrip()
    else:
        detail = f"{type(original).__name__}: {original}"
    cause = original.__cause__
    if cause is None and not original.__suppress_context__:
        cause = original.__context__
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
