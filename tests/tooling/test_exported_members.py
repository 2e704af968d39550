"""``headwater.__all__`` is sorted, complete, and every name in it resolves."""

from __future__ import annotations

import headwater


def test_all_is_sorted_and_unique() -> None:
    assert headwater.__all__ == sorted(set(headwater.__all__))


def test_every_exported_name_resolves_to_a_public_object() -> None:
    for name in headwater.__all__:
        value = getattr(headwater, name)
        assert value is not None, name
        module = getattr(value, "__module__", "headwater")
        assert module.startswith("headwater"), (name, module)


def test_all_matches_the_lazy_table() -> None:
    lazy = set(headwater._LAZY)
    assert lazy == set(headwater.__all__)


def test_familiar_aliases() -> None:
    assert headwater.DagsterRunStatus is headwater.RunStatus
    assert headwater.RunStatus.SUCCESS.value == "SUCCESS"
