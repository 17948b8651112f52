"""The glue to `http.server`: socket bytes in, `Request` to a handler, `Response` bytes out.

`http.server` parses requests and keeps HTTP/1.1 connections alive; this
module adds dispatch through the router, body framing (Content-Length or
chunked), JSON errors, optional TLS and a stop that does not hang on open
connections.
"""

from __future__ import annotations

import logging
import socket
import socketserver
import ssl
import sys
import threading
from collections.abc import Generator, Iterator
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from workbench.demo.messages import HTTPError, Request, Response, json_response
from workbench.demo.router import Router
from workbench.demo.state import DemoState

_log = logging.getLogger(__name__)

MAX_REQUEST_BODY = 128 * 1024 * 1024
# Idle keep-alive connections close after this; it also bounds a stalled client.
CONNECTION_TIMEOUT = 120.0
TLS_HANDSHAKE_TIMEOUT = 10.0


class DemoRequestHandler(BaseHTTPRequestHandler):
    """Handles the requests of one connection, one after another (keep-alive)."""

    protocol_version = "HTTP/1.1"
    server_version = "WorkbenchDemo/1"
    timeout = CONNECTION_TIMEOUT
    server: DemoHTTPServer

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.untrack(self.connection)

    def dispatch(self) -> None:
        """Entry point for every method; `http.server` looks up `do_<METHOD>`."""
        response = self._respond()
        try:
            self._write(response)
        except OSError:
            # The client went away (cancelled a download, closed a slow stream) or
            # the server is stopping: nothing to answer, just drop the connection.
            self.close_connection = True
        except Exception:
            _log.exception("demo API failed while sending %s %s", self.command, self.path)
            self.close_connection = True

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = dispatch

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Errors found by `http.server` itself (bad request line, unknown method) as JSON too."""
        self.close_connection = True
        phrase = message or HTTPStatus(code).phrase
        self._write(json_response({"error": phrase, "status": code}, code))

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            sys.stderr.write(f"{self.address_string()} - {format % args}\n")

    def _respond(self) -> Response:
        try:
            body = self._read_body()
            url = urlsplit(self.path)
            route, params = self.server.router.resolve(self.command, url.path)
            request = Request(
                method=self.command,
                path=url.path,
                query=parse_qs(url.query, keep_blank_values=True),
                headers=self.headers,
                body=body,
                params=params,
                state=self.server.state,
                stopping=self.server.stopping,
                scheme="http" if self.server.ssl_context is None else "https",
                peer_certificate=self._peer_certificate(),
            )
            self.server.state.record_request(self.command, route.pattern)
            return route.handler(request)
        except HTTPError as error:
            return error.to_response()
        except Exception:
            _log.exception("demo API handler failed on %s %s", self.command, self.path)
            return json_response({"error": "demo server bug, see its log", "status": 500}, 500)

    def _peer_certificate(self) -> dict[str, Any] | None:
        if not isinstance(self.connection, ssl.SSLSocket):
            return None
        # An empty dict when the client sent none (possible only if a context allows that).
        return self.connection.getpeercert() or None

    def _read_body(self) -> bytes:
        if "Transfer-Encoding" in self.headers:
            # http.server does not decode chunked request bodies; refusing (and closing,
            # since the body stays unread) is honest HTTP.
            self.close_connection = True
            raise HTTPError(411, "send the request body with a Content-Length")
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            length = -1
        if length < 0:
            self.close_connection = True
            raise HTTPError(400, "Content-Length must be a non-negative integer")
        if length > MAX_REQUEST_BODY:
            self.close_connection = True
            raise HTTPError(413, f"request body larger than {MAX_REQUEST_BODY} bytes")
        return self.rfile.read(length) if length else b""

    def _write(self, response: Response) -> None:
        body = response.body
        try:
            self.send_response(response.status)
            if response.content_type:
                self.send_header("Content-Type", response.content_type)
            for name, value in response.headers:
                self.send_header(name, value)
            if self.close_connection:
                self.send_header("Connection", "close")
            # 204 and 304 never carry a body; HEAD gets the headers of a GET only.
            if response.status in (204, 304):
                self.end_headers()
            elif isinstance(body, bytes):
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)
            elif response.length is not None:
                self.send_header("Content-Length", str(response.length))
                self.end_headers()
                if self.command != "HEAD":
                    self._write_sized(body, response.length)
            else:
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                if self.command != "HEAD":
                    self._write_chunked(body)
        finally:
            if isinstance(body, Generator):
                body.close()

    def _write_sized(self, chunks: Iterator[bytes], length: int) -> None:
        sent = 0
        for chunk in chunks:
            self.wfile.write(chunk)
            sent += len(chunk)
        if sent != length:
            # A body shorter or longer than announced breaks the framing of the
            # connection, so it cannot carry another response.
            _log.error("demo API body was %d bytes, announced %d", sent, length)
            self.close_connection = True

    def _write_chunked(self, chunks: Iterator[bytes]) -> None:
        for chunk in chunks:
            if chunk:  # an empty chunk would end the body early
                self.wfile.write(b"%X\r\n%s\r\n" % (len(chunk), chunk))
        self.wfile.write(b"0\r\n\r\n")


class DemoHTTPServer(ThreadingHTTPServer):
    """A thread per connection, optional TLS, and a `stopping` signal for handlers."""

    daemon_threads = True
    allow_reuse_address = True  # restart on the same port right after a stop

    def __init__(
        self,
        address: tuple[str, int],
        router: Router,
        state: DemoState,
        ssl_context: ssl.SSLContext | None = None,
        verbose: bool = False,
    ) -> None:
        self.router = router
        self.state = state
        self.ssl_context = ssl_context
        self.verbose = verbose
        self.stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, DemoRequestHandler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind also looks up the host's FQDN, a DNS query that
        # can stall start-up for seconds on an offline machine; nothing here uses it.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def finish_request(self, request: Any, client_address: Any) -> None:
        if self.ssl_context is None:
            super().finish_request(request, client_address)
            return
        # The TLS handshake runs here, on the connection's own thread, so a slow
        # or failing client never blocks the accept loop.
        request.settimeout(TLS_HANDSHAKE_TIMEOUT)
        with self.ssl_context.wrap_socket(request, server_side=True) as tls_socket:
            DemoRequestHandler(tls_socket, client_address, self)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Failed TLS handshakes and vanished clients are routine for a test server.
        if self.verbose:
            super().handle_error(request, client_address)

    def track(self, connection: socket.socket) -> None:
        with self._connections_lock:
            if self.stopping.is_set():
                _shut(connection)
            self._connections.add(connection)

    def untrack(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._connections.discard(connection)

    def close_connections(self) -> None:
        """Signal handlers to stop and wake every connection thread blocked on its socket."""
        with self._connections_lock:
            self.stopping.set()
            for connection in self._connections:
                _shut(connection)


def _shut(connection: socket.socket) -> None:
    try:
        connection.shutdown(socket.SHUT_RDWR)
    except OSError:  # already closed by the client
        pass
