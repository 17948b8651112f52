"""Run the demo API: `DemoServer` in a background thread (tests), `serve_forever` for the CLI.

The routes come from the `routes_*` modules listed in ROUTE_MODULES; each has
a `register(router)` function.
"""

from __future__ import annotations

import sys
import threading
import time
from types import ModuleType, TracebackType
from typing import TYPE_CHECKING

from workbench.demo import routes_content, routes_echo, routes_flow, routes_keys, routes_users
from workbench.demo.router import Router
from workbench.demo.state import DemoState
from workbench.demo.transport import DemoHTTPServer

if TYPE_CHECKING:
    import ssl

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8400

ROUTE_MODULES: tuple[ModuleType, ...] = (
    routes_users,
    routes_echo,
    routes_flow,
    routes_content,
    routes_keys,
)


def build_router() -> Router:
    """The routing table with every route module registered."""
    router = Router()
    for module in ROUTE_MODULES:
        module.register(router)
    return router


class DemoServer:
    """The demo API on a loopback port, served from a background thread.

    `port=0` picks a free port; read the real one from `.port` or `.base_url`
    after `start()`. With an `ssl_context` it speaks HTTPS.
    """

    def __init__(
        self,
        host: str = DEFAULT_HOST,
        port: int = 0,
        ssl_context: ssl.SSLContext | None = None,
        *,
        verbose: bool = False,
    ) -> None:
        self.host = host
        self.state = DemoState()
        self._requested_port = port
        self._ssl_context = ssl_context
        self._verbose = verbose
        self._httpd: DemoHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> DemoServer:
        """Bind the port and serve in a daemon thread; returns self."""
        if self._httpd is not None:
            raise RuntimeError("demo server already started")
        httpd = DemoHTTPServer(
            (self.host, self._requested_port),
            build_router(),
            self.state,
            self._ssl_context,
            self._verbose,
        )
        self._httpd = httpd
        # A short poll interval keeps stop() quick: shutdown() waits for the next poll.
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"demo-api-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting, end open connections and slow handlers, free the port."""
        httpd, thread = self._httpd, self._thread
        if httpd is None or thread is None:
            return
        httpd.shutdown()  # returns once the accept loop has ended
        httpd.close_connections()
        httpd.server_close()  # closes the listening socket and joins connection threads
        thread.join()
        self._httpd = self._thread = None

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("demo server is not started")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        scheme = "http" if self._ssl_context is None else "https"
        return f"{scheme}://{self.host}:{self.port}"

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def serve_forever(
    host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *, verbose: bool = False
) -> None:
    """Serve until Ctrl+C (for `workbench demo-server`). OSError when the port is taken."""
    with DemoServer(host, port, verbose=verbose) as server:
        print(
            f"Demo API listening on {server.base_url} (Ctrl+C to stop)", file=sys.stderr, flush=True
        )
        try:
            while True:
                # The main thread only waits for Ctrl+C; time.sleep is interruptible everywhere.
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
