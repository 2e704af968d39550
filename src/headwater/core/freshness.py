"""Whether an asset is fresh under its freshness policy (plain data both sides read).

A policy is the dict ``FreshnessPolicy.to_dict()`` writes:

* ``{"kind": "time_window", "fail_seconds": f, "warn_seconds": w}``: materialized within the
  last ``w`` seconds: PASS; within ``f``: WARN; older or never: FAIL;
* ``{"kind": "cron", "deadline_cron": c, "lower_bound_seconds": l, "timezone": tz}``: at the
  latest deadline (tick of ``c``) the asset must have been materialized in the ``l`` seconds
  before it; until the first deadline after a materialization, PASS when that holds, else
  FAIL.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

PASS = "PASS"
WARN = "WARN"
FAIL = "FAIL"


def freshness_status(policy: Mapping[str, Any], last_updated: float | None,
                     now: float) -> str:
    """PASS, WARN or FAIL for an asset last materialized at ``last_updated`` (None: never)."""
    if policy.get("kind") == "cron":
        return _cron_status(policy, last_updated, now)
    if last_updated is None:
        return FAIL
    age = now - last_updated
    if age > float(policy["fail_seconds"]):
        return FAIL
    warn = policy.get("warn_seconds")
    if warn is not None and age > float(warn):
        return WARN
    return PASS


def _cron_status(policy: Mapping[str, Any], last_updated: float | None, now: float) -> str:
    from headwater.core.cron import previous_tick

    if last_updated is None:
        return FAIL
    deadline = previous_tick(policy["deadline_cron"],
                             datetime.fromtimestamp(now, tz=timezone.utc),
                             policy.get("timezone", "UTC")).timestamp()
    window_start = deadline - float(policy["lower_bound_seconds"])
    return PASS if last_updated >= window_start else FAIL
