"""Starts a thread at import that never ends; the location still loads."""

import threading

from headwater import Definitions, asset

threading.Thread(target=threading.Event().wait, name="poller").start()


@asset
def polled() -> int:
    return 1


defs = Definitions(assets=[polled])
