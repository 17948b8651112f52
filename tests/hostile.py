"""A second loopback server for trust tests: it records every byte it receives, and can redirect.

It plays the attacker's host (where a changed workspace points) or a trusted host whose
answer redirects elsewhere. `leaked(values)` tells which private values, in any encoding a
request can carry them, reached it.
"""

from __future__ import annotations

import base64
import json
import ssl
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from workbench.core.secrets.masking import encoded_forms


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
        received = self.received
        found = []
        for value in values:
            forms = set(encoded_forms(value)) | {base64.b64encode(value.encode()).decode()}
            if any(form.encode() in received for form in forms if len(form) >= 4):
                found.append(value[:6] + "…")
        return found


def _handler(recorder: Recorder) -> type[BaseHTTPRequestHandler]:
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
            # Anything else: a JSON answer that also passes for a token endpoint's.
            answer = json.dumps(
                {"ok": True, "access_token": "t0ken-from-attacker", "token_type": "Bearer"}
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

        def log_message(self, format: str, *args: object) -> None:
            pass  # quiet: pytest shows stderr of failing tests

    return Handler


@contextmanager
def recording_server(tls: ssl.SSLContext | None = None) -> Iterator[tuple[str, Recorder]]:
    """(base URL, recorder) of a server on a free loopback port, for the with-block; with
    `tls` (a server-side context) it speaks HTTPS."""
    recorder = Recorder()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(recorder))
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
