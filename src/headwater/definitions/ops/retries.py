"""Retry policies for steps."""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import Enum

from headwater.errors import InvalidDefinitionError


class Backoff(str, Enum):
    """How the delay grows between attempts."""

    LINEAR = "LINEAR"
    EXPONENTIAL = "EXPONENTIAL"


class Jitter(str, Enum):
    """Randomness added to the delay so retries of many steps do not align."""

    FULL = "FULL"
    PLUS_MINUS = "PLUS_MINUS"


@dataclass(frozen=True)
class RetryPolicy:
    """Retry a failed step up to ``max_retries`` times, waiting ``delay`` seconds between.

    ``backoff`` multiplies the delay by the attempt number (linear) or by 2**attempt
    (exponential); ``jitter`` randomises it.
    """

    max_retries: int = 1
    delay: float | None = None
    backoff: Backoff | None = None
    jitter: Jitter | None = None

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise InvalidDefinitionError(
                f"RetryPolicy(max_retries={self.max_retries}) must be 0 or more."
            )
        if self.delay is not None and self.delay < 0:
            raise InvalidDefinitionError(f"RetryPolicy(delay={self.delay}) must be 0 or more.")

    def seconds_before_attempt(self, attempt: int) -> float:
        """Seconds to wait before retry number ``attempt`` (1 for the first retry)."""
        delay = float(self.delay or 0.0)
        if self.backoff is Backoff.LINEAR:
            delay *= attempt
        elif self.backoff is Backoff.EXPONENTIAL:
            delay *= 2 ** (attempt - 1)
        if self.jitter is Jitter.FULL:
            delay = random.uniform(0, delay)
        elif self.jitter is Jitter.PLUS_MINUS:
            delay = max(0.0, delay + random.uniform(-delay, delay) / 2)
        return delay
