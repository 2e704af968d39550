"""STEP_INPUT for every input, as Dagster records them: after all inputs are loaded, one per
non-Nothing input in input order (fan-in once, defaults and unchecked types included)."""

from __future__ import annotations

from headwater import DynamicOut, DynamicOutput, In, Nothing, job, op
from headwater.snapshot.events import TypeCheckData


@op
def one() -> int:
    return 1


@op(ins={"after": In(Nothing)})
def two() -> int:
    return 2


@op
def add(a, b: int, c: int = 5) -> int:  # type: ignore[no-untyped-def]
    return int(a + b + c)


@op
def fan_in(xs: list) -> int:  # type: ignore[type-arg]
    return sum(xs)


@op(out=DynamicOut())
def fan():  # type: ignore[no-untyped-def]
    yield DynamicOutput(1, "k")


@op
def mapped(x):  # type: ignore[no-untyped-def]
    return x


@job
def wired() -> None:
    first = one()
    second = two(after=first)
    add(first, second)
    fan_in([first, second])
    fan().map(mapped).collect()


def _inputs(events: list, step_key: str) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return [(e.event_type.value, e.message) for e in events
            if e.step_key == step_key and e.event_type.value in ("LOADED_INPUT", "STEP_INPUT")]


def test_every_input_is_recorded_after_all_are_loaded() -> None:
    result = wired.execute_in_process()
    events = result.all_events

    assert [kind for kind, _ in _inputs(events, "add")] == [
        "LOADED_INPUT", "LOADED_INPUT", "STEP_INPUT", "STEP_INPUT", "STEP_INPUT"]
    assert [message for kind, message in _inputs(events, "add") if kind == "STEP_INPUT"] == [
        "Got input 'a' of type 'Any'. (Type check passed).",
        "Got input 'b' of type 'Int'. (Type check passed).",
        "Got input 'c' of type 'Int'. (Type check passed).",
    ]
    assert [kind for kind, _ in _inputs(events, "fan_in")] == [
        "LOADED_INPUT", "LOADED_INPUT", "STEP_INPUT"]
    assert _inputs(events, "fan_in")[-1][1] == (
        "Got input 'xs' of type '[Any]'. (Type check passed).")
    assert [kind for kind, _ in _inputs(events, "mapped[k]")] == ["LOADED_INPUT", "STEP_INPUT"]
    assert _inputs(events, "two") == []  # a Nothing input carries no value
    [data] = [e.data for e in events
              if e.step_key == "add" and e.event_type.value == "STEP_INPUT"
              and isinstance(e.data, TypeCheckData) and e.data.name == "a"]
    assert isinstance(data, TypeCheckData)
    assert (data.type_name, data.success, data.is_input) == ("Any", True, True)
