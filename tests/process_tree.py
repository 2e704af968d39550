"""Which processes descend from a pid, read from /proc (tests check for leftovers)."""

from __future__ import annotations

from pathlib import Path


def parents() -> dict[int, list[int]]:
    """Each running process's children, by parent pid."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue  # it exited while we looked
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    return children


def child_pids(pid: int) -> set[int]:
    """The processes whose parent is ``pid``."""
    return set(parents().get(pid, []))


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (children, their children, ...)."""
    children = parents()
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found
