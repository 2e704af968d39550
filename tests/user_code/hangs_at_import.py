"""A location that never finishes importing.

When ``HEADWATER_TEST_PID_FILE`` is set, it first starts a child process of its own, then
writes "<own pid> <child pid>" to that file, so a test can check that both were stopped.
"""

import os
import subprocess
import sys
import threading

pid_file = os.environ.get("HEADWATER_TEST_PID_FILE")
if pid_file:
    helper = subprocess.Popen(
        [sys.executable, "-c", "import threading; threading.Event().wait()"]
    )
    with open(pid_file + ".tmp", "w") as handle:
        handle.write(f"{os.getpid()} {helper.pid}")
    os.replace(pid_file + ".tmp", pid_file)
threading.Event().wait()
