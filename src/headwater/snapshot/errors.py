"""Errors as plain data: what crosses a process boundary when something failed.

A captured stack shows the user's own code: frames of headwater's package (the executor, the
step runner, the code server, definitions internals) and of Python's import machinery are
left out of ``stack``, as Dagster hides its framework frames. Nothing is lost: when frames
were left out, ``full_stack`` holds every frame (the UI's "show full stack").
"""

from __future__ import annotations

import os
import traceback
from pathlib import Path

import msgspec

from headwater.errors import HeadwaterError

__all__ = ["ErrorInfo", "is_user_frame", "user_frames"]

#: headwater's own package directory: frames from files under it are framework frames.
_PACKAGE_DIR = str(Path(__file__).resolve().parents[1]) + os.sep
_IMPORT_MACHINERY = ("<frozen importlib", f"importlib{os.sep}__init__.py", "<frozen runpy")
#: How many causes deep an error is captured.
_MAX_CAUSES = 3


def is_user_frame(filename: str) -> bool:
    """Whether a traceback frame belongs to user code (not headwater or the import system)."""
    if os.path.abspath(filename).startswith(_PACKAGE_DIR):
        return False
    return not any(marker in filename for marker in _IMPORT_MACHINERY)


def user_frames(exc: BaseException) -> tuple[list[str], list[str] | None]:
    """``(stack, full_stack)`` of ``exc``: its formatted frames without headwater's, and all
    of them when any was left out (else None).

    When no user frame is left, headwater's own errors and syntax errors keep none (their
    message says what is wrong); any other exception keeps its whole stack, since it points
    at a fault in headwater itself.
    """
    frames = traceback.extract_tb(exc.__traceback__)
    everything = frames.format()
    kept = [index for index, frame in enumerate(frames) if is_user_frame(frame.filename)]
    if len(kept) == len(everything):
        return everything, None
    if not kept and not isinstance(exc, (HeadwaterError, SyntaxError)):
        return everything, None
    return [everything[index] for index in kept], everything


def _cause_of(exc: BaseException) -> BaseException | None:
    if exc.__cause__ is not None:
        return exc.__cause__
    return None if exc.__suppress_context__ else exc.__context__


class ErrorInfo(msgspec.Struct, frozen=True, omit_defaults=True):
    """An exception as plain data: its class, message, formatted stack and cause.

    ``stack`` holds the user's frames (see the module docstring); ``full_stack`` every frame,
    set only when some were left out of ``stack``.
    """

    message: str
    class_name: str
    stack: list[str] = []
    cause: ErrorInfo | None = None
    full_stack: list[str] | None = None

    @classmethod
    def from_exception(cls, exc: BaseException, *, depth: int = 0) -> ErrorInfo:
        """Capture ``exc`` with its traceback and (up to 3 levels of) cause."""
        cause = _cause_of(exc)
        stack, full_stack = user_frames(exc)
        return cls(
            message=f"{type(exc).__name__}: {exc}",
            class_name=type(exc).__name__,
            stack=stack,
            full_stack=full_stack,
            cause=(
                cls.from_exception(cause, depth=depth + 1)
                if cause is not None and depth < _MAX_CAUSES and cause is not exc
                else None
            ),
        )

    @property
    def hidden_frames(self) -> int:
        """How many frames ``stack`` leaves out (headwater's and the import system's)."""
        return len(self.full_stack) - len(self.stack) if self.full_stack is not None else 0

    def to_string(self, *, full: bool = False) -> str:
        """The stack and message, like a printed traceback, with causes first.

        With ``full``, every frame (headwater's included); otherwise the user's frames and a
        line saying how many were hidden.
        """
        parts: list[str] = []
        if self.cause is not None:
            parts.append(self.cause.to_string(full=full))
            parts.append("\nThe above exception was the direct cause of:\n\n")
        stack = self.full_stack if full and self.full_stack is not None else self.stack
        if stack:
            parts.append("Traceback (most recent call last):\n")
            if not full and self.hidden_frames:
                parts.append(f"  [{self.hidden_frames} headwater frame(s) hidden]\n")
        parts.extend(stack)
        parts.append(self.message + "\n")
        return "".join(parts)
