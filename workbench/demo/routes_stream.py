"""Live streams: /stream/events (Server-Sent Events), /stream/ndjson and /stream/text.

Each sends `count` items, one every `interval_ms`, as chunks while it runs, so
a client can show them as they arrive. The items' fields are fixed (only their
values change), so initializing a call on them learns a shape and a changed
field shows as drift: with the server at API version 2 (see `routes_versioned`), the
"tick" events call their `value` `reading`. A stream ends early when the server stops or the client
goes away.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable, Iterator

from workbench.demo.messages import HTTPError, Request, Response
from workbench.demo.router import Router

MAX_ITEMS = 1_000_000
MAX_INTERVAL_MS = 60_000.0
RETRY_MS = 2000
# Every STATUS_EVERY-th event (and the last) is a "status" event; the others are "tick"s.
STATUS_EVERY = 5

Item = Callable[[int, int, float], bytes]
"""Makes item `index` (from 1) of `count`, `elapsed` seconds after the stream started."""


def register(router: Router) -> None:
    router.add("GET", "/stream/events", events)
    router.add("GET", "/stream/ndjson", ndjson)
    router.add("GET", "/stream/text", text)


def events(request: Request) -> Response:
    """Server-Sent Events of two kinds, "tick" and "status", each with an id; the first sets
    `retry:`. A `Last-Event-ID` header resumes after that id, as a reconnecting client asks."""
    item = functools.partial(_sse_event, version=request.state.api_version)
    return _stream(request, item, "text/event-stream", resume=True)


def ndjson(request: Request) -> Response:
    """One JSON object a line: {"seq", "sensor", "value", "elapsed_ms"}."""
    return _stream(request, _ndjson_line, "application/x-ndjson")


def text(request: Request) -> Response:
    """Plain text lines, chunked, with no length: "line 1 of 10 at 0.100 s"."""
    return _stream(request, _text_line, "text/plain; charset=utf-8")


def _stream(request: Request, item: Item, content_type: str, resume: bool = False) -> Response:
    count = request.query_int("count", 10, 1, MAX_ITEMS)
    interval = request.query_float("interval_ms", 100.0, 0.0, MAX_INTERVAL_MS) / 1000
    first = _last_event_id(request, count) + 1 if resume else 1
    body = _paced(request, count, interval, item, first)
    # No length: the body is sent chunked, each item as it is made.
    return Response(body=body, content_type=content_type, headers=[("Cache-Control", "no-store")])


def _last_event_id(request: Request, count: int) -> int:
    text = request.headers.get("Last-Event-ID")
    if text is None:
        return 0
    try:
        last = int(text)
    except ValueError:
        last = -1
    if not 0 <= last <= count:
        raise HTTPError(400, f"Last-Event-ID must be an event id from 0 to {count}")
    return last


def _paced(
    request: Request, count: int, interval: float, item: Item, first: int
) -> Iterator[bytes]:
    started = time.monotonic()
    for index in range(first, count + 1):
        # A deadline per item keeps the rate even when writing takes time; waiting on the
        # stop signal rather than sleeping lets the server stop mid-stream.
        delay = started + (index - first + 1) * interval - time.monotonic()
        if request.stopping.wait(max(0.0, delay)):
            return
        yield item(index, count, time.monotonic() - started)


def _sse_event(index: int, count: int, elapsed: float, version: int = 1) -> bytes:
    if index % STATUS_EVERY == 0 or index == count:
        name = "status"
        data: dict[str, object] = {
            "seq": index,
            "state": "done" if index == count else "running",
            "progress": round(index / count, 4),
        }
    else:
        name = "tick"
        value = "value" if version == 1 else "reading"
        data = {"seq": index, value: _value(index), "elapsed_ms": round(elapsed * 1000)}
    retry = f"retry: {RETRY_MS}\n" if index == 1 else ""
    return f"event: {name}\nid: {index}\n{retry}data: {json.dumps(data)}\n\n".encode()


def _ndjson_line(index: int, count: int, elapsed: float) -> bytes:
    line = {
        "seq": index,
        "sensor": f"s{index % 3 + 1}",
        "value": _value(index),
        "elapsed_ms": round(elapsed * 1000),
    }
    return json.dumps(line).encode() + b"\n"


def _text_line(index: int, count: int, elapsed: float) -> bytes:
    return f"line {index} of {count} at {elapsed:.3f} s\n".encode()


def _value(index: int) -> float:
    """A deterministic reading that changes from item to item."""
    return round(20 + (index * 37 % 100) / 10, 1)
