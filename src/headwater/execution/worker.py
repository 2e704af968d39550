"""``python -m headwater.execution.worker RUN_ID``: execute one stored run.

The worker opens the instance (``$HEADWATER_HOME``), reads the run, imports the run's code
location from its stored origin, builds the plan and executes it with the job's executor,
storing every event as it happens (see :mod:`headwater.execution.worker_run`). SIGTERM
cancels the run: no new step starts, running steps are interrupted or terminated, and the
run ends CANCELED with the events so far.

Exit code: 0 when the run succeeded, 1 otherwise (failed, canceled, or not runnable).

This module imports almost nothing before installing the SIGTERM handler, so a cancellation
that arrives while the worker starts up is not lost.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from headwater.execution.cancellation import Cancellation, install_sigterm_handler


def main(argv: Sequence[str] | None = None) -> int:
    """Execute the run named on the command line; the process exit code."""
    cancellation = Cancellation()
    install_sigterm_handler(cancellation)
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python -m headwater.execution.worker RUN_ID", file=sys.stderr)
        return 2
    from headwater.execution.worker_run import run_worker  # storage, loading: the heavy part

    return run_worker(args[0], cancellation)


if __name__ == "__main__":
    sys.exit(main())
