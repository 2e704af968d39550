"""A step that starts a helper process of its own, records both pids in HW_RUNS_TEST_DIR,
then blocks until the test releases it; when released it writes ``late-output``."""

import os
import subprocess
import sys
import time
from pathlib import Path

from headwater import Definitions, asset


@asset
def long_step() -> int:
    folder = Path(os.environ["HW_RUNS_TEST_DIR"])
    helper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    (folder / "step.pid").write_text(str(os.getpid()))
    (folder / "helper.pid").write_text(str(helper.pid))
    deadline = time.monotonic() + 60
    while not (folder / "release").exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    (folder / "late-output").write_text("written after the release")
    return 1


defs = Definitions(assets=[long_step])
