"""``python -m headwater.codeserver.location_main``: how a location process starts.

Only the collector is switched off before anything else is imported: importing headwater
and the user's code builds many objects in no cycle, which the collector would rescan in
vain (it is switched back on once the location has loaded).
"""

import gc

if __name__ == "__main__":
    gc.disable()
    from headwater.codeserver.location_process import run

    run()
