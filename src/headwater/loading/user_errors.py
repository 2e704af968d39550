"""Describing an error raised while loading user code, trimmed to the user's own frames."""

from __future__ import annotations

import traceback

from headwater.errors import UserCodeError
from headwater.snapshot.errors import ErrorInfo, is_user_frame, user_frames

__all__ = ["is_user_frame", "user_error_info"]


def user_error_info(exc: BaseException, depth: int = 0) -> ErrorInfo:
    """``exc`` as plain data with only user frames in its stack (all of them in
    ``full_stack``).

    A ``UserCodeError`` is unwrapped to the user's exception; a ``SyntaxError`` keeps the
    offending file, line and caret in its message. When no user frame is left, headwater's
    own errors (their message says what is wrong) and syntax errors get no stack; any other
    exception keeps its full stack, since it points at a fault in headwater itself.
    """
    original = exc.original if isinstance(exc, UserCodeError) else exc
    stack, full_stack = user_frames(original)
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
        full_stack=full_stack,
        cause=(
            user_error_info(cause, depth + 1)
            if cause is not None and cause is not original and depth < 3
            else None
        ),
    )
