"""``FreshnessPolicy``: how recently an asset must have been materialized (plain data).

Attach one with ``@asset(freshness_policy=FreshnessPolicy.time_window(fail_window=
timedelta(hours=24), warn_window=timedelta(hours=12)))``; the asset page shows it as fresh,
warn or fail from the asset's latest materialization (see ``headwater.core.freshness``).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from headwater.errors import InvalidDefinitionError


def _seconds(name: str, value: object) -> float:
    if not isinstance(value, datetime.timedelta) or value.total_seconds() <= 0:
        raise InvalidDefinitionError(
            f"FreshnessPolicy got {name}={value!r}; pass a positive datetime.timedelta, e.g. "
            "timedelta(hours=24).")
    return value.total_seconds()


class FreshnessPolicy:
    """A freshness policy; build one with :meth:`time_window` or :meth:`cron`."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = dict(data)

    @staticmethod
    def time_window(fail_window: datetime.timedelta,
                    warn_window: datetime.timedelta | None = None) -> FreshnessPolicy:
        """Fail when the last materialization is older than ``fail_window``; warn when older
        than ``warn_window`` (shorter than ``fail_window``)."""
        data: dict[str, Any] = {"kind": "time_window",
                                "fail_seconds": _seconds("fail_window", fail_window)}
        if warn_window is not None:
            warn = _seconds("warn_window", warn_window)
            if warn >= data["fail_seconds"]:
                raise InvalidDefinitionError(
                    f"FreshnessPolicy.time_window got warn_window={warn_window} not shorter "
                    f"than fail_window={fail_window}; the warning must come first.")
            data["warn_seconds"] = warn
        return FreshnessPolicy(data)

    @staticmethod
    def cron(deadline_cron: str, lower_bound_delta: datetime.timedelta,
             timezone: str = "UTC") -> FreshnessPolicy:
        """By each tick of ``deadline_cron``, the asset must have been materialized within
        ``lower_bound_delta`` before it."""
        from headwater.core.cron import validate_cron_schedule

        validate_cron_schedule(deadline_cron)
        return FreshnessPolicy({
            "kind": "cron", "deadline_cron": deadline_cron,
            "lower_bound_seconds": _seconds("lower_bound_delta", lower_bound_delta),
            "timezone": timezone})

    def to_dict(self) -> dict[str, Any]:
        """The policy as plain JSON data."""
        return dict(self._data)

    @staticmethod
    def from_dict(data: Mapping[str, Any]) -> FreshnessPolicy:
        """The policy :meth:`to_dict` wrote."""
        if data.get("kind") not in ("time_window", "cron"):
            raise InvalidDefinitionError(f"{data!r} is not a serialised FreshnessPolicy.")
        return FreshnessPolicy(data)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FreshnessPolicy) and other._data == self._data

    def __hash__(self) -> int:
        return hash(tuple(sorted(self._data.items())))

    def __repr__(self) -> str:
        return f"FreshnessPolicy({self._data!r})"
