"""A location whose import never finishes (after writing HW_RUNS_TEST_DIR/importing)."""

import os
import threading
from pathlib import Path

(Path(os.environ["HW_RUNS_TEST_DIR"]) / "importing").write_text(str(os.getpid()))
threading.Event().wait()
