"""Serving the app with uvicorn on an already bound socket, stopped on request.

The socket is bound first (:func:`headwater.webserver.binding.bind`). Signal handling belongs
to the caller (the ``headwater dev``/``webserver`` commands stop more than the HTTP server):
:meth:`WebServer.stop` is safe to call from a signal handler.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Callable, Generator

import uvicorn
from starlette.applications import Starlette

from headwater.webserver.binding import url_of
from headwater.webserver.context import ApiContext

#: Seconds open connections get to finish after a stop request.
GRACEFUL_SHUTDOWN_SECONDS = 3


class _Uvicorn(uvicorn.Server):
    """uvicorn's server without its own signal handlers, calling back once it serves."""

    def __init__(self, config: uvicorn.Config, on_started: Callable[[], None] | None) -> None:
        super().__init__(config)
        self._on_started = on_started

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield

    def install_signal_handlers(self) -> None:  # uvicorn < 0.29
        return

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started and self._on_started is not None:
            self._on_started()


class WebServer:
    """The app served on ``sock`` until :meth:`stop`.

    Args:
        app: the app from :func:`~headwater.webserver.app.create_app`.
        sock: a bound socket (see :func:`bind`).
        on_started: called once requests are served.
        log_level: uvicorn's log level (its access log is off).
    """

    def __init__(self, app: Starlette, sock: socket.socket, *,
                 on_started: Callable[[], None] | None = None,
                 log_level: str = "warning") -> None:
        self.app = app
        self.sock = sock
        config = uvicorn.Config(app, log_level=log_level, access_log=False, lifespan="off",
                                timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
                                log_config=None)
        self._server = _Uvicorn(config, on_started)

    @property
    def url(self) -> str:
        """Where the server listens."""
        return url_of(self.sock)

    def run(self) -> None:
        """Serve until :meth:`stop` (blocks; run it in the main thread or any other)."""
        self._server.run(sockets=[self.sock])

    def stop(self) -> None:
        """Ask the server to stop; a second call stops at once (open streams are cut)."""
        context = getattr(self.app.state, "context", None)
        if isinstance(context, ApiContext):
            context.stopping.set()
        if self._server.should_exit:
            self._server.force_exit = True
        self._server.should_exit = True
