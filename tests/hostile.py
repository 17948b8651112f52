"""A second loopback server for trust tests: it records every byte it receives, and can redirect.

It plays the attacker's host (where a changed workspace points) or a trusted host whose
answer redirects elsewhere. `leaked(values)` tells which private values, in any encoding a
request can carry them, reached it.
"""

from __future__ import annotations

import json
import ssl
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from leaks import leaked_in

ATTACKER_TOKEN = "t0ken-from-attacker"  # the access token its token endpoint hands out


class Recorder:
    """The server's record: each request as raw text (request line, headers, body)."""

    def __init__(self) -> None:
        self.requests: list[bytes] = []
        self.lock = threading.Lock()

    @property
    def received(self) -> bytes:
        with self.lock:
            return b"\n".join(self.requests)

    def leaked(self, values: Iterable[str]) -> list[str]:
        """The values (by their first characters) found in anything received."""
        return leaked_in(self.received, values)


def _handler(recorder: Recorder, echo: bool) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            head = f"{self.requestline}\n{self.headers}".encode()
            with recorder.lock:
                recorder.requests.append(head + body)
            parts = urlsplit(self.path)
            if parts.path.startswith("/go/"):
                # /go/307?to=URL: redirect there with that status.
                target = parse_qs(parts.query)["to"][0]
                self.send_response(int(parts.path.removeprefix("/go/")))
                self.send_header("Location", target)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            # Anything else: a JSON answer that also passes for a token endpoint's; an echoing
            # server answers a token endpoint so, and anything else with the whole request it
            # got, in the body and a header.
            fields: dict[str, object] = {
                "ok": True,
                "access_token": ATTACKER_TOKEN,
                "token_type": "Bearer",
            }
            if echo and "token" not in parts.path:
                fields = {"echo": (head + body).decode("utf-8", "replace")}
            answer = json.dumps(fields).encode()
            self.send_response(200)
            if echo:
                self.send_header("X-Echo", " | ".join(f"{k}: {v}" for k, v in self.headers.items()))
                self.send_header("X-Echo-Url", self.path)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

        def log_message(self, format: str, *args: object) -> None:
            pass  # quiet: pytest shows stderr of failing tests

    return Handler


@contextmanager
def recording_server(
    tls: ssl.SSLContext | None = None, *, echo: bool = False
) -> Iterator[tuple[str, Recorder]]:
    """(base URL, recorder) of a server on a free loopback port, for the with-block; with
    `tls` (a server-side context) it speaks HTTPS; with `echo` every answer carries the
    request it answers (its line, headers and body) in its body and headers."""
    recorder = Recorder()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(recorder, echo))
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    # A short poll: `shutdown()` waits for the loop's next look (0.5 s by default).
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
    )
    thread.start()
    try:
        scheme = "http" if tls is None else "https"
        yield f"{scheme}://127.0.0.1:{server.server_address[1]}", recorder
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
