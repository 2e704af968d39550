"""The host side of code locations, used by the webserver, the daemon and ``headwater dev``.

It never imports user code: every location is served by a code server process (started
and supervised here, or run by someone else for ``grpc_server`` origins) and reached over
gRPC.
"""

from headwater.workspace.entry import LocationEntry, LocationStatus
from headwater.workspace.process_manager import WorkspaceError
from headwater.workspace.watch import LocationWatcher
from headwater.workspace.workspace import Workspace

__all__ = ["LocationEntry", "LocationStatus", "LocationWatcher", "Workspace", "WorkspaceError"]
