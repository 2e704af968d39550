"""``build_hook_context(resources=...)`` initialises resource definitions and, used as a
context manager, tears them down at the end of the ``with`` block (as ``build_op_context``
does); ``@contextmanager`` resource functions are entered and exited, as Dagster does."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from headwater import (
    ConfigurableResource,
    HookContext,
    InitResourceContext,
    build_hook_context,
    build_op_context,
    resource,
    success_hook,
)

log: list[str] = []


@resource
@contextmanager
def managed(_context: InitResourceContext) -> Iterator[str]:
    log.append("managed open")
    yield "managed"
    log.append("managed closed")


@resource
def generated(_context: InitResourceContext) -> Iterator[str]:
    log.append("generated open")
    yield "generated"
    log.append("generated closed")


class Pythonic(ConfigurableResource):  # type: ignore[misc]
    name: str = "pythonic"

    def teardown_after_execution(self, context: Any) -> None:
        log.append("pythonic closed")


@success_hook(required_resource_keys={"managed", "generated", "pythonic"})
def notes(context: HookContext) -> None:
    log.append(f"hook {context.resources.managed} {context.resources.generated} "
               f"{context.resources.pythonic.name}")


@pytest.fixture(autouse=True)
def _clear() -> None:
    log.clear()


def test_resources_are_torn_down_at_the_end_of_the_with_block_last_first() -> None:
    with build_hook_context(resources={"managed": managed, "generated": generated,
                                       "pythonic": Pythonic()}) as context:
        notes(context)
        assert log == ["managed open", "generated open", "hook managed generated pythonic"]
    assert log[3:] == ["pythonic closed", "generated closed", "managed closed"]


def test_without_a_with_block_nothing_is_torn_down_and_exit_is_idempotent() -> None:
    context = build_hook_context(resources={"managed": managed})
    assert context.resources.managed == "managed"
    assert log == ["managed open"]
    context.__exit__(None, None, None)
    context.__exit__(None, None, None)
    assert log == ["managed open", "managed closed"]


def test_a_failing_resource_tears_down_those_already_initialised() -> None:
    @resource
    def broken(_context: InitResourceContext) -> None:
        raise RuntimeError("cannot start")

    with pytest.raises(Exception, match="cannot start"):
        build_hook_context(resources={"managed": managed, "broken": broken})
    assert log == ["managed open", "managed closed"]


def test_build_op_context_enters_contextmanager_resources_too() -> None:
    with build_op_context(resources={"managed": managed}) as context:
        assert context.resources.managed == "managed"
    assert log == ["managed open", "managed closed"]
