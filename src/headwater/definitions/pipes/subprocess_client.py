"""``PipesSubprocessClient``: run a command in a subprocess as a Pipes external process."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import IO, Any

from headwater.definitions.ops.results import AssetCheckResult, MaterializeResult
from headwater.definitions.pipes.injectors import (
    PipesContextInjector,
    PipesTempFileContextInjector,
)
from headwater.definitions.pipes.readers import PipesMessageReader, PipesTempFileMessageReader
from headwater.definitions.pipes.session import PipesResult, PipesSession, open_pipes_session
from headwater.errors import HeadwaterError, InvariantViolationError


class PipesExecutionError(HeadwaterError):
    """The external process failed (its exit code, and its own error when it reported one)."""


#: Dagster's name.
DagsterPipesExecutionError = PipesExecutionError


class PipesClientCompletedInvocation:
    """What a finished external process reported."""

    def __init__(self, session: PipesSession, metadata: Mapping[str, Any] | None = None) -> None:
        self._session = session
        self.metadata = dict(metadata or {})

    def get_results(self, *, implicit_materializations: bool = True) -> list[PipesResult]:
        """Every reported result (plus implicit materializations of unreported assets)."""
        return self._session.get_results(implicit_materializations=implicit_materializations)

    def get_materialize_result(self, *, implicit_materialization: bool = True
                               ) -> MaterializeResult:
        """The one materialization of a single-asset step (with its check results)."""
        results = self.get_results(implicit_materializations=implicit_materialization)
        materializations = [r for r in results if isinstance(r, MaterializeResult)]
        if len(materializations) != 1:
            raise InvariantViolationError(
                f"get_materialize_result expects one materialization, the external process "
                f"reported {len(materializations)}; use get_results().")
        checks = [r for r in results if isinstance(r, AssetCheckResult)]
        found = materializations[0]
        if not checks:
            return found
        return MaterializeResult(asset_key=found.asset_key, metadata=found.metadata,
                                 check_results=[*found.check_results, *checks],
                                 data_version=found.data_version, tags=found.tags)

    def get_asset_check_result(self) -> AssetCheckResult:
        """The one check result of a single-check step."""
        checks = [r for r in self.get_results(implicit_materializations=False)
                  if isinstance(r, AssetCheckResult)]
        if len(checks) != 1:
            raise InvariantViolationError(
                f"get_asset_check_result expects one check result, the external process "
                f"reported {len(checks)}; use get_results().")
        return checks[0]

    def get_custom_messages(self) -> list[Any]:
        """Payloads sent with ``report_custom_message``."""
        return self._session.get_custom_messages()


class PipesClient(ABC):
    """Launches an external process with a Pipes session. Give one to ``Definitions(resources=
    {...})`` and take it as a parameter annotated with its class."""

    #: Parameters annotated with a client class receive the resource of that name.
    headwater_resource_param = True

    @abstractmethod
    def run(self, *, context: Any, extras: Mapping[str, Any] | None = None,
            **kwargs: Any) -> PipesClientCompletedInvocation:
        """Run the external process for ``context``'s step and wait for it."""


class PipesSubprocessClient(PipesClient):
    """Runs ``command`` in a subprocess with the Pipes environment variables set.

    Args:
        env: environment variables added for every run.
        cwd: working directory of every run.
        context_injector: how the context is handed over (default: a temporary file).
        message_reader: how messages come back (default: a temporary file).
        forward_termination: stop the subprocess when the step is interrupted.
        forward_stdio: copy the subprocess's stdout/stderr into the step's.
        termination_timeout_seconds: how long a stopped subprocess has before SIGKILL.
    """

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        cwd: str | None = None,
        context_injector: PipesContextInjector | None = None,
        message_reader: PipesMessageReader | None = None,
        forward_termination: bool = True,
        forward_stdio: bool = True,
        termination_timeout_seconds: float = 20,
    ) -> None:
        self.env = dict(env or {})
        self.cwd = cwd
        self.context_injector = context_injector or PipesTempFileContextInjector()
        self.message_reader = message_reader or PipesTempFileMessageReader()
        self.forward_termination = forward_termination
        self.forward_stdio = forward_stdio
        self.termination_timeout_seconds = termination_timeout_seconds

    def run(self, *, context: Any, extras: Mapping[str, Any] | None = None,
            command: str | Sequence[str] | None = None, env: Mapping[str, str] | None = None,
            cwd: str | None = None, **kwargs: Any) -> PipesClientCompletedInvocation:
        """Run ``command`` (a list, or a string run by the shell) and wait for it.

        Raises:
            PipesExecutionError: the command exited with a non-zero code.
        """
        if command is None:
            raise InvariantViolationError("PipesSubprocessClient.run needs command=[...].")
        with open_pipes_session(context, self.context_injector, self.message_reader,
                                extras) as session:
            process = subprocess.Popen(
                command, shell=isinstance(command, str), cwd=cwd or self.cwd,
                env={**os.environ, **self.env, **(env or {}),
                     **session.get_bootstrap_env_vars()},
                stdout=subprocess.PIPE if self.forward_stdio else subprocess.DEVNULL,
                stderr=subprocess.PIPE if self.forward_stdio else subprocess.DEVNULL,
            )
            pumps = [_pump(process.stdout, sys.stdout), _pump(process.stderr, sys.stderr)]
            try:
                code = process.wait()
            except BaseException:
                if self.forward_termination:
                    _stop(process, self.termination_timeout_seconds)
                raise
            finally:
                for pump in pumps:
                    if pump is not None:
                        pump.join()
        if code != 0:
            raise PipesExecutionError(_failure_message(command, code, session))
        return PipesClientCompletedInvocation(session)


def _pump(source: IO[bytes] | None, target: Any) -> threading.Thread | None:
    if source is None:
        return None

    def copy() -> None:
        for line in iter(source.readline, b""):
            target.write(line.decode("utf-8", errors="replace"))
            target.flush()
        source.close()

    thread = threading.Thread(target=copy, name="pipes-stdio", daemon=True)
    thread.start()
    return thread


def _stop(process: subprocess.Popen[bytes], timeout: float) -> None:
    process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _failure_message(command: Any, code: int, session: PipesSession) -> str:
    shown = command if isinstance(command, str) else " ".join(map(str, command))
    message = f"External process `{shown}` failed with exit code {code}."
    closed = session.message_handler.closed or {}
    error = closed.get("exception") if isinstance(closed, dict) else None
    if isinstance(error, dict):
        stack = "".join(error.get("stack") or [])
        message += f"\nIts error: {str(error.get('message', '')).strip()}"
        if stack:
            message += f"\n{stack.rstrip()}"
    elif session.message_handler.opened is None:
        message += (" It never opened its Pipes connection (no 'opened' message): "
                    "did it call open_dagster_pipes()?")
    return message
