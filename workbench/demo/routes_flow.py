"""Endpoints that shape the exchange rather than the data: /status, /redirect, /slow.

They let tests and users try error statuses, redirect following, timeouts,
progress and cancelling against a server that behaves the same every time.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from http import HTTPStatus

from workbench.demo.messages import HTTPError, Request, Response, json_response
from workbench.demo.router import ANY_METHOD, Router

REDIRECT_CODES = (301, 302, 303, 307, 308)
MAX_REDIRECT_CHAIN = 50
MAX_SLOW_SECONDS = 60.0
MAX_STREAM_CHUNKS = 1000


def register(router: Router) -> None:
    router.add(ANY_METHOD, "/status/{code}", status)
    router.add(ANY_METHOD, "/redirect", redirect)
    router.add(ANY_METHOD, "/redirect/{n}", redirect_chain)
    router.add("GET", "/slow", slow)
    router.add("GET", "/slow/stream", slow_stream)


def status(request: Request) -> Response:
    """Answer with the status code in the path: /status/418."""
    try:
        code = int(request.params["code"])
    except ValueError:
        code = 0
    # 1xx are interim responses in HTTP/1.1, never a final answer, so they are left out.
    if not 200 <= code <= 599:
        raise HTTPError(400, "status code must be an integer from 200 to 599")
    try:
        reason = HTTPStatus(code).phrase
    except ValueError:
        reason = "Unknown"
    if code in (204, 304):
        return Response(code)  # these two never carry a body
    headers = [("Location", "/echo")] if 300 <= code < 400 else []
    return json_response({"status": code, "reason": reason}, code, headers)


def redirect(request: Request) -> Response:
    """Redirect once: /redirect?to=/echo&code=302."""
    target = request.query_value("to") or "/echo"
    # Only paths on this server: the demo must never send a client to the internet.
    if not target.startswith("/") or target.startswith("//"):
        raise HTTPError(400, "query parameter 'to' must be a path on this server, like /echo")
    code = request.query_int("code", 302, 301, 308)
    if code not in REDIRECT_CODES:
        raise HTTPError(400, f"query parameter 'code' must be one of {REDIRECT_CODES}")
    return _redirect_to(target, code)


def redirect_chain(request: Request) -> Response:
    """/redirect/3 -> /redirect/2 -> /redirect/1 -> /echo."""
    try:
        remaining = int(request.params["n"])
    except ValueError:
        remaining = 0
    if not 1 <= remaining <= MAX_REDIRECT_CHAIN:
        raise HTTPError(400, f"redirect count must be an integer from 1 to {MAX_REDIRECT_CHAIN}")
    return _redirect_to("/echo" if remaining == 1 else f"/redirect/{remaining - 1}", 302)


def _redirect_to(target: str, code: int) -> Response:
    return json_response({"status": code, "location": target}, code, [("Location", target)])


def slow(request: Request) -> Response:
    """Wait, then answer: /slow?seconds=2."""
    seconds = request.query_float("seconds", 1.0, 0.0, MAX_SLOW_SECONDS)
    if request.stopping.wait(seconds):
        raise HTTPError(503, "the demo server is stopping")
    return json_response({"waited_seconds": seconds})


def slow_stream(request: Request) -> Response:
    """Headers at once, then `chunks` JSON lines spread over `seconds` (chunked encoding)."""
    seconds = request.query_float("seconds", 2.0, 0.0, MAX_SLOW_SECONDS)
    chunks = request.query_int("chunks", 10, 1, MAX_STREAM_CHUNKS)
    return Response(
        body=_timed_lines(request, seconds, chunks), content_type="application/x-ndjson"
    )


def _timed_lines(request: Request, seconds: float, chunks: int) -> Iterator[bytes]:
    started = time.monotonic()
    interval = seconds / chunks
    for index in range(1, chunks + 1):
        # Waiting on the stop signal rather than sleeping lets the server stop mid-stream;
        # aiming at a deadline per chunk keeps the total close to `seconds`.
        if request.stopping.wait(max(0.0, started + index * interval - time.monotonic())):
            return
        line = {"chunk": index, "of": chunks, "elapsed": round(time.monotonic() - started, 3)}
        yield json.dumps(line).encode("utf-8") + b"\n"
