"""Run the demo API: `DemoServer` in a background thread (tests), `serve_forever` for the CLI.

The routes come from the `routes_*` modules listed in ROUTE_MODULES; each has
a `register(router)` function. Every server has random credentials (its own, or
the ones the demo commands share); its HTTPS companion (`start_tls_companion`)
serves the same API, state and credentials on a second port that requires a
client certificate.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from types import ModuleType, TracebackType
from typing import TYPE_CHECKING

from workbench.demo import (
    routes_auth,
    routes_auth_authorize,
    routes_auth_token,
    routes_content,
    routes_cookies,
    routes_echo,
    routes_flow,
    routes_keys,
    routes_stream,
    routes_users,
    routes_versioned,
)
from workbench.demo.credentials import DemoCredentials
from workbench.demo.router import Router
from workbench.demo.state import DEFAULT_TOKEN_LIFETIME, DemoState
from workbench.demo.tls import server_context
from workbench.demo.transport import DemoHTTPServer

if TYPE_CHECKING:
    import ssl

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8400
DEFAULT_TLS_PORT = 8443

ROUTE_MODULES: tuple[ModuleType, ...] = (
    routes_users,
    routes_echo,
    routes_flow,
    routes_stream,
    routes_content,
    routes_keys,
    routes_cookies,
    routes_auth,
    routes_auth_authorize,
    routes_auth_token,
    routes_versioned,
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
    after `start()`. With an `ssl_context` it speaks HTTPS. `credentials`
    default to new random ones; `token_lifetime` is the `expires_in` of the
    access tokens it issues (tests may change `state.token_lifetime` later);
    `api_version` is the shape /versioned/users/{id} answers with, 1 or 2
    (`state.api_version` switches it, `state.reset()` restores this one).
    """

    def __init__(
        self,
        host: str = DEFAULT_HOST,
        port: int = 0,
        ssl_context: ssl.SSLContext | None = None,
        *,
        credentials: DemoCredentials | None = None,
        token_lifetime: int = DEFAULT_TOKEN_LIFETIME,
        api_version: int = 1,
        verbose: bool = False,
    ) -> None:
        self.host = host
        self.state = DemoState(
            credentials or DemoCredentials.generate(), token_lifetime, api_version
        )
        self._requested_port = port
        self._ssl_context = ssl_context
        self._verbose = verbose
        self._httpd: DemoHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._companion: DemoServer | None = None

    @property
    def credentials(self) -> DemoCredentials:
        return self.state.credentials

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

    def start_tls_companion(self, port: int = 0) -> DemoServer:
        """Serve this API over HTTPS on `port`, requiring a client certificate of the demo CA.

        The companion shares this server's state and credentials (a token issued
        on one port works on the other) and stops with it. OSError when the
        port is taken.
        """
        if self._companion is not None:
            raise RuntimeError("the TLS companion is already started")
        companion = DemoServer(
            self.host,
            port,
            server_context(self.credentials),
            credentials=self.credentials,
            verbose=self._verbose,
        )
        companion.state = self.state  # one API behind two ports
        self._companion = companion.start()
        return companion

    def stop(self) -> None:
        """Stop accepting, end open connections and slow handlers, free the port(s)."""
        if self._companion is not None:
            self._companion.stop()
            self._companion = None
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
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    *,
    tls_port: int | None = None,
    token_lifetime: int = DEFAULT_TOKEN_LIFETIME,
    api_version: int = 1,
    credentials: DemoCredentials | None = None,
    on_ready: Callable[[DemoServer], None] | None = None,
    verbose: bool = False,
) -> None:
    """Serve until Ctrl+C (for `workbench demo-server`). OSError when the port is taken.

    With `tls_port`, the client-certificate HTTPS companion runs too; if its
    port is taken the HTTP API still runs and stderr says why HTTPS does not.
    `on_ready(server)` runs once the servers listen (the CLI says there that the
    credentials are stored). `credentials`, `api_version`: see `DemoServer`.
    """
    with DemoServer(
        host,
        port,
        credentials=credentials,
        token_lifetime=token_lifetime,
        api_version=api_version,
        verbose=verbose,
    ) as server:
        announce(f"Demo API listening on {server.base_url} (Ctrl+C to stop)")
        if tls_port is not None:
            try:
                companion = server.start_tls_companion(tls_port)
            except OSError as error:
                announce(f"Demo API over HTTPS not started: port {tls_port}: {error.strerror}")
            else:
                announce(f"Demo API with client certificates listening on {companion.base_url}")
        if on_ready is not None:
            on_ready(server)
        try:
            while True:
                # The main thread only waits for Ctrl+C; time.sleep is interruptible everywhere.
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


def announce(line: str) -> None:
    """One line for the person running the demo, on stderr (stdout stays for data)."""
    print(line, file=sys.stderr, flush=True)
