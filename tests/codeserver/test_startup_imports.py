"""What the code server's two processes import at start: only what they need (start speed)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ["google.protobuf", "pydantic", "sqlalchemy", "alembic", "click",
         "rich", "yaml", "starlette", "celery"]


def _imported(statement: str) -> list[str]:
    script = (
        "import json, sys\n"
        f"{statement}\n"
        f"print(json.dumps(sorted({{m.split('.')[0] if m.split('.')[0] != 'google' else m "
        f"for m in sys.modules}})))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True)
    return list(json.loads(result.stdout))


@pytest.mark.parametrize("statement", [
    # The front process: what `python -m headwater.codeserver.cli` imports before serving.
    "import headwater.codeserver.cli, headwater.codeserver.server",
    # The location process, before the user's code.
    "import headwater.codeserver.location_process, headwater.codeserver.location_handlers",
])
def test_code_server_processes_stay_light(statement: str) -> None:
    loaded = _imported(statement)
    assert [name for name in HEAVY if name in loaded] == []


def test_the_location_process_never_imports_grpc() -> None:
    loaded = _imported("import headwater.codeserver.location_main, "
                       "headwater.codeserver.location_handlers, "
                       "headwater.codeserver.storage_sensors")
    assert "grpc" not in loaded
