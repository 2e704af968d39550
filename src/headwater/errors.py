"""Every error headwater raises on purpose derives from :class:`HeadwaterError`.

The tree::

    HeadwaterError
    ├── DefinitionError              a definition is malformed or inconsistent
    │   ├── DuplicateDefinitionError     two definitions share a name or asset key
    │   ├── CycleError                   the dependency graph has a cycle
    │   ├── UnknownDependencyError       a dependency names an asset that is not defined
    │   ├── UnknownResourceError         a required resource key is not provided
    │   └── InvalidDefinitionError       a bad argument to a decorator or constructor
    │       ├── InvalidInvocationError       an op or asset called directly with bad arguments
    │       ├── InvalidConfigDefinitionError a config schema that cannot be used
    │       └── InvalidSubsetError           a selection a job or asset cannot run
    ├── ConfigError                  run or resource config does not match its schema
    │   ├── EnvVarError                  an EnvVar is unset when its value is needed
    │   └── DagsterInvalidConfigError    config fails its schema; ``errors`` name each path
    ├── InvalidOutputError           user code returned something its definition does not allow
    ├── TypeCheckError               a value failed the type check of its input or output
    ├── InvariantViolationError      an API was used in a state where it cannot work
    ├── UserCodeError                user code raised; wraps the original exception
    │   ├── ResourceInitError            a resource's function raised while initialising
    │   ├── TypeCheckFunctionError       a type check function itself raised
    │   └── ConfigMappingFunctionError   a config mapping function raised
    ├── StepFailure                  a step failed (wraps a UserCodeError or a Failure)
    ├── RunFailedError               raised by in-process execution with raise_on_error=True
    ├── LoadError                    a code location could not be loaded
    ├── NotFoundError                a lookup by name found nothing
    │   ├── OutputNotFoundError          a step output a result was asked for was not produced
    │   ├── UnknownPartitionError        a partition key its definition does not have
    │   ├── RunNotFoundError             no run with that id
    │   └── StepNotFoundError            a step key the run's plan does not have
    ├── UnmetExecutorRequirementsError  the job's executor cannot run it as launched
    ├── SubprocessError              a step's subprocess failed outside the step's code
    ├── Failure                      raised by user code to fail its step on purpose
    └── RetryRequested               raised by user code to ask for a retry of its step

    ExecutionInterruptedError (a BaseException): a running step's run was canceled.

Dagster's public exception names are provided as aliases of these (``DagsterError`` is
``HeadwaterError``, ``DagsterInvalidDefinitionError`` is ``DefinitionError``, ...; see the
end of this module), so ``pytest.raises(DagsterInvalidDefinitionError)`` in a test written
for Dagster catches what headwater raises in the same situation. Our names stay the primary
ones.

``UserCodeError`` is produced by :func:`user_code_boundary`, the one place where calls into
user code are wrapped: it keeps the original exception (as ``__cause__`` and
``original``) and says which definition raised.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager


class HeadwaterError(Exception):
    """Root of every error headwater raises on purpose."""


class DefinitionError(HeadwaterError):
    """A definition is malformed or inconsistent with the others in its location."""


class DuplicateDefinitionError(DefinitionError):
    """Two definitions of the same kind share a name (or two assets share a key)."""


class CycleError(DefinitionError):
    """The dependency graph of assets or ops contains a cycle."""


class UnknownDependencyError(DefinitionError):
    """A dependency refers to an asset or op that is not defined."""


class UnknownResourceError(DefinitionError):
    """A definition requires a resource key that nothing provides."""


class InvalidDefinitionError(DefinitionError):
    """A decorator or constructor received arguments it cannot accept."""


class InvalidInvocationError(InvalidDefinitionError):
    """An op, asset, hook or graph was called directly with arguments it cannot take."""


class InvalidConfigDefinitionError(InvalidDefinitionError):
    """A config schema (``config_schema=``, a ``Config`` class) cannot be used."""


class InvalidSubsetError(InvalidDefinitionError):
    """A selection (of ops or assets) that the job or asset definition cannot execute."""


class TypeCheckError(HeadwaterError):
    """A value did not pass the type check of the input or output it was given to.

    ``metadata`` and ``description`` come from the ``TypeCheck`` the type returned.
    """

    def __init__(self, message: str, description: str | None = None,
                 metadata: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.description = description
        self.metadata = dict(metadata or {})


class InvariantViolationError(HeadwaterError):
    """An API was used in a state where it cannot work (e.g. a context property that does
    not apply to this run)."""


class ConfigError(HeadwaterError):
    """Config does not match its schema; the message names the path and the value."""


class EnvVarError(ConfigError):
    """An environment variable named by ``EnvVar`` is unset when its value is needed."""


class InvalidOutputError(HeadwaterError):
    """User code returned or yielded something its definition does not allow."""


class UserCodeError(HeadwaterError):
    """User code raised an exception; ``original`` holds it and ``__cause__`` is set."""

    def __init__(self, message: str, original: BaseException) -> None:
        super().__init__(message)
        self.original = original

    @property
    def user_traceback(self) -> str:
        """The formatted traceback of the original exception."""
        return "".join(
            traceback.format_exception(
                type(self.original), self.original, self.original.__traceback__
            )
        )


class ResourceInitError(UserCodeError):
    """A resource's function (or ``setup_for_execution``) raised while it was initialised."""


class TypeCheckFunctionError(UserCodeError):
    """A ``DagsterType``'s type check function itself raised (not a failed check)."""


class ConfigMappingFunctionError(UserCodeError):
    """A config mapping (or ``configured``) function raised while mapping config."""


class StepFailure(HeadwaterError):
    """A step of a run failed; raised inside execution, recorded as a step failure event."""


class RunFailedError(HeadwaterError):
    """In-process execution failed and the caller asked for an exception."""


class LoadError(HeadwaterError):
    """A code location could not be loaded."""


class NotFoundError(HeadwaterError, KeyError):
    """A lookup by name or key found nothing."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class OutputNotFoundError(NotFoundError):
    """A result was asked for a step output that the run did not produce."""


class UnknownPartitionError(NotFoundError):
    """A partition key that its partitions definition does not have."""


class RunNotFoundError(NotFoundError):
    """No run with the given id is stored in the instance."""


class StepNotFoundError(NotFoundError):
    """A step key that the run's execution plan does not have (re-execution, step selection)."""


class UnmetExecutorRequirementsError(HeadwaterError):
    """The job's executor cannot run it as launched (e.g. multiprocess needs a job it can
    reconstruct in another process)."""


class SubprocessError(HeadwaterError):
    """A step's subprocess failed outside the step's own code (it died, or could not start)."""


class ExecutionInterruptedError(BaseException):
    """Raised inside a running step when its run is canceled (a ``BaseException``, like
    ``KeyboardInterrupt``, so that user code catching ``Exception`` does not swallow it)."""


@contextmanager
def user_code_boundary(
    what: str, error_class: type[UserCodeError] = UserCodeError
) -> Iterator[None]:
    """Wrap every exception raised by user code inside the block in a ``UserCodeError``.

    ``what`` names the definition being called, e.g. ``"asset 'orders'"``. Errors that are
    already headwater errors pass through untouched, as do ``KeyboardInterrupt`` and
    ``SystemExit``: they are not failures of the user's code.
    """
    try:
        yield
    except HeadwaterError:
        raise
    except Exception as exc:
        raise error_class(
            f"Error in {what}: {type(exc).__name__}: {exc}", original=exc
        ) from exc


class Failure(HeadwaterError):
    """Raise from an asset or op to fail its step on purpose, with a description and metadata.

    Unlike other exceptions, a ``Failure`` is reported without the user's traceback noise:
    the description is the message the run shows.
    """

    def __init__(
        self,
        description: str | None = None,
        metadata: dict[str, object] | None = None,
        allow_retries: bool = True,
    ) -> None:
        super().__init__(description or "Step failed")
        self.description = description
        self.metadata = dict(metadata or {})
        self.allow_retries = allow_retries


class RetryRequested(HeadwaterError):
    """Raise from an asset or op to ask for the step to be retried.

    Args:
        max_retries: how many retries this step may have in total.
        seconds_to_wait: delay before the next attempt.
    """

    def __init__(self, max_retries: int = 1, seconds_to_wait: float = 0) -> None:
        super().__init__(f"Retry requested (max_retries={max_retries})")
        self.max_retries = max_retries
        self.seconds_to_wait = seconds_to_wait


# Dagster's public names, for code (and tests) written against Dagster. Each is the headwater
# class raised in the same situation, or its parent where Dagster's name is broader.
DagsterError = HeadwaterError
DagsterInvalidDefinitionError = DefinitionError
DagsterInvariantViolationError = InvariantViolationError
DagsterInvalidInvocationError = InvalidInvocationError
DagsterInvalidConfigDefinitionError = InvalidConfigDefinitionError
DagsterUnknownResourceError = UnknownResourceError
DagsterUserCodeExecutionError = UserCodeError
DagsterExecutionStepExecutionError = UserCodeError
DagsterTypeCheckDidNotPass = TypeCheckError
DagsterStepOutputNotFoundError = OutputNotFoundError
DagsterInvalidSubsetError = InvalidSubsetError
DagsterUnknownPartitionError = UnknownPartitionError
DagsterRunNotFoundError = RunNotFoundError
DagsterExecutionInterruptedError = ExecutionInterruptedError
DagsterResourceFunctionError = ResourceInitError
DagsterTypeCheckError = TypeCheckFunctionError
DagsterConfigMappingFunctionError = ConfigMappingFunctionError
DagsterExecutionStepNotFoundError = StepNotFoundError
DagsterUnmetExecutorRequirementsError = UnmetExecutorRequirementsError
DagsterSubprocessError = SubprocessError


# ---------------------------------------------------------------------------------------------
# Dagster's name for invalid config (issue 16: the config schema API).


class DagsterInvalidConfigError(ConfigError):
    """Config failed validation against its schema.

    ``errors`` holds one entry per problem, each with a ``path`` (``ops.my_op.config.path``)
    and a ``message``; ``config_value`` is the config as given. The message lists every
    problem under ``description``.
    """

    def __init__(
        self, description: str, errors: Sequence[object], config_value: object
    ) -> None:
        lines = [description]
        lines += [f"    Error {i}: {getattr(e, 'message', e)}" for i, e in enumerate(errors, 1)]
        super().__init__("\n".join(lines))
        self.description = description
        self.errors = list(errors)
        self.config_value = config_value

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.description, self.errors, self.config_value))


# ---------------------------------------------------------------------------------------------
# Warning categories with Dagster's names, so ``warnings.filterwarnings("ignore",
# category=BetaWarning)`` in a project written for Dagster keeps working.


class BetaWarning(Warning):
    """An API that may still change."""


class PreviewWarning(Warning):
    """An API in preview: it may change or go away."""


class SupersessionWarning(FutureWarning):
    """An API that a newer one replaces (it keeps working)."""


class ConfigArgumentWarning(SyntaxWarning):
    """A config argument that is ignored where it was given."""
