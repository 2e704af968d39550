"""Every module imports on its own in a fresh interpreter, and ``import headwater`` stays light."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "headwater"


def _all_modules() -> list[str]:
    modules = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        if parts[-1] == "__main__":
            continue
        modules.append(".".join(parts))
    return modules


def test_every_module_imports_in_a_fresh_interpreter() -> None:
    script = (
        "import importlib, json, sys, traceback\n"
        "failed = {}\n"
        "for name in json.loads(sys.argv[1]):\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except Exception:\n"
        "        failed[name] = traceback.format_exc()\n"
        "print(json.dumps(failed))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, json.dumps(_all_modules())],
        capture_output=True, text=True, check=True,
    )
    failed = json.loads(result.stdout)
    assert failed == {}, "\n".join(failed.values())


def test_import_headwater_pulls_in_no_heavy_dependency() -> None:
    heavy = ["pydantic", "msgspec", "sqlalchemy", "grpc", "starlette", "fastapi", "click",
             "rich", "yaml"]
    script = (
        "import sys, json\n"
        "import headwater\n"
        "from headwater import asset, Definitions, define_asset_job, ScheduleDefinition, sensor\n"
        f"print(json.dumps([m for m in {heavy!r} if m in sys.modules]))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True)
    assert json.loads(result.stdout) == []


def test_lazy_names_resolve_and_unknown_names_raise() -> None:
    import headwater

    assert headwater.materialize.__name__ == "materialize"
    assert headwater.Config.__name__ == "Config"
    try:
        headwater.not_a_name  # noqa: B018
    except AttributeError as exc:
        assert "not_a_name" in str(exc)
    else:
        raise AssertionError("unknown attribute did not raise")
