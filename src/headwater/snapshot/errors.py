"""Errors as plain data: what crosses a process boundary when something failed."""

from __future__ import annotations

import traceback

import msgspec


class ErrorInfo(msgspec.Struct, frozen=True, omit_defaults=True):
    """An exception as plain data: its class, message, formatted stack and cause."""

    message: str
    class_name: str
    stack: list[str] = []
    cause: ErrorInfo | None = None

    @classmethod
    def from_exception(cls, exc: BaseException, *, depth: int = 0) -> ErrorInfo:
        """Capture ``exc`` with its traceback and (up to 3 levels of) cause."""
        cause = exc.__cause__ or exc.__context__
        return cls(
            message=f"{type(exc).__name__}: {exc}",
            class_name=type(exc).__name__,
            stack=traceback.format_tb(exc.__traceback__),
            cause=(
                cls.from_exception(cause, depth=depth + 1)
                if cause is not None and depth < 3 and cause is not exc
                else None
            ),
        )

    def to_string(self) -> str:
        """The stack and message, like a printed traceback, with causes first."""
        parts: list[str] = []
        if self.cause is not None:
            parts.append(self.cause.to_string())
            parts.append("\nThe above exception was the direct cause of:\n\n")
        parts.append("Traceback (most recent call last):\n" if self.stack else "")
        parts.extend(self.stack)
        parts.append(self.message + "\n")
        return "".join(parts)
