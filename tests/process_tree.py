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


def state(pid: int) -> str | None:
    """The process's state letter (``R``, ``S``, ``Z`` for a zombie, ...); None once gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[0]


def zombie_children(pid: int) -> set[int]:
    """The children of ``pid`` that exited and that it has not reaped (``<defunct>``)."""
    return {child for child in child_pids(pid) if state(child) == "Z"}


def process_group(pgid: int) -> set[int]:
    """The live (not zombie) processes whose process group is ``pgid``."""
    found: set[int] = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == pgid and fields[0] not in ("Z", "X"):
                found.add(int(entry.name))
    return found
