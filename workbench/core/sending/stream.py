"""Streamed answers read as they arrive: Server-Sent Events, NDJSON and chunked text, as events.

`stream_kind` tells from the response headers whether an answer is a stream;
a `StreamParser` is fed its bytes chunk by chunk and hands each complete event
to a callback the moment it is whole, timed from the request's start:

- `text/event-stream`: one event per SSE message (its `event:` name, "message"
  when it gives none, `id:`, `retry:` and the `data:` lines joined), parsed by
  httpx-sse's decoder, which follows the WHATWG rules.
- `application/x-ndjson`, `application/jsonl` (and their aliases): one event
  per non-empty line, its data the line (one JSON value).
- `text/plain` without a Content-Length (a chunked body): one event per line.
"""

from __future__ import annotations

import codecs
import json
import time
from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import NamedTuple

from workbench.core.sending.large_bodies import charset_of

MAX_KEPT_EVENTS = 100_000
"""Events an exchange keeps (the first ones); later ones are still passed on and counted."""

NOT_JSON: object = object()
"""`StreamEvent.value()` of data that is not one JSON value."""


class StreamKind(StrEnum):
    """The kinds of streamed answer read event by event."""

    SSE = "sse"
    NDJSON = "ndjson"
    TEXT = "text"


_NDJSON_TYPES = frozenset(
    {
        "application/x-ndjson",
        "application/ndjson",
        "application/jsonl",
        "application/x-jsonl",
        "application/jsonlines",
        "application/x-jsonlines",
    }
)


def stream_kind(content_type: str, has_length: bool) -> StreamKind | None:
    """The kind of stream a response with this Content-Type is, or None for a plain body.
    `has_length`: the response has a Content-Length (a plain text body of a known size is
    no stream)."""
    media_type = content_type.split(";")[0].strip().lower()
    if media_type == "text/event-stream":
        return StreamKind.SSE
    if media_type in _NDJSON_TYPES:
        return StreamKind.NDJSON
    if media_type == "text/plain" and not has_length:
        return StreamKind.TEXT
    return None


class StreamEvent(NamedTuple):
    """One event of a stream. `time`: seconds from sending the request until it was whole.
    `event`, `id`, `retry`: the SSE fields ("" and None for NDJSON and text lines).

    A tuple, not a dataclass: a tuple of texts and numbers drops out of the cyclic GC's
    sight, so a stream of a hundred thousand events adds nothing to a full collection,
    which would otherwise walk them all while holding the GIL (and the screen).
    """

    time: float
    data: str
    event: str = ""
    id: str = ""
    retry: int | None = None

    def value(self) -> object:
        """The data as one JSON value, or `NOT_JSON`."""
        try:
            return json.loads(self.data)
        except ValueError:
            return NOT_JSON


OnEvent = Callable[[StreamEvent], None]
"""Called with each event as soon as it is whole (on the event loop: keep it quick)."""


class StreamParser:
    """Turns the chunks of one streamed body into events, keeping the first `MAX_KEPT_EVENTS`."""

    def __init__(
        self,
        kind: StreamKind,
        content_type: str,
        started: float,
        on_event: OnEvent | None = None,
    ) -> None:
        self.kind = kind
        self.started = started
        self.on_event = on_event
        self.events: list[StreamEvent] = []
        self.count = 0
        charset = charset_of(content_type)
        try:
            decoder = codecs.getincrementaldecoder(charset)
        except LookupError:
            decoder = codecs.getincrementaldecoder("utf-8")
        self._text = decoder(errors="replace")
        # httpx-sse's public API pulls from an httpx.Response; this parser is pushed the bytes
        # the client reads anyway (for the size cap, the idle timeout and the body), so it uses
        # the library's decoders themselves (pinned to 0.4.x in pyproject.toml for that).
        # Imported here: the package imports httpx, which start-up leaves unloaded.
        from httpx_sse._decoders import SSEDecoder, SSELineDecoder

        self._lines = SSELineDecoder()
        self._sse = SSEDecoder()

    def feed(self, chunk: bytes) -> None:
        """Read one chunk; every event it completes is passed on."""
        text = self._text.decode(chunk)
        if text:
            self._read_lines(self._lines.decode(text))

    def close(self) -> None:
        """The body ended: a last line without its newline is an event too. (An SSE message is
        whole only at its blank line: a cut one is dropped, as a browser drops it.)"""
        if self.kind is StreamKind.SSE:
            return
        rest = self._text.decode(b"", final=True)
        self._read_lines([*(self._lines.decode(rest) if rest else []), *self._lines.flush()])

    def _read_lines(self, lines: list[str]) -> None:
        for line in lines:
            if self.kind is StreamKind.SSE:
                message = self._sse.decode(line)
                if message is not None:
                    event = message.event or "message"
                    self._emit(
                        StreamEvent(self._now(), message.data, event, message.id, message.retry)
                    )
            elif line.strip():
                self._emit(StreamEvent(self._now(), line))

    def _now(self) -> float:
        return time.perf_counter() - self.started

    def _emit(self, event: StreamEvent) -> None:
        self.count += 1
        if len(self.events) < MAX_KEPT_EVENTS:
            self.events.append(event)
        if self.on_event is not None:
            self.on_event(event)


def stream_data(kind: StreamKind, events: Iterable[StreamEvent]) -> object:
    """The data of a stream's events, as a call reads a JSON answer: for Server-Sent Events
    `{"events": {NAME: [data, ...]}}`, each name in the order it first came, so a shape is
    learned per event name (`events.tick[].seq`); for NDJSON the list of its lines' values.
    Data that is not JSON is kept as its text."""
    values = [(event.event, _data_value(event)) for event in events]
    if kind is not StreamKind.SSE:
        return [value for _, value in values]
    by_name: dict[str, list[object]] = {}
    for name, value in values:
        by_name.setdefault(name, []).append(value)
    return {"events": by_name}


def _data_value(event: StreamEvent) -> object:
    value = event.value()
    return event.data if value is NOT_JSON else value
