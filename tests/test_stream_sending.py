"""Streamed answers read as they arrive: SSE, NDJSON and chunked text parsed into events, the
deadline up to the headers, the idle timeout, the size cap and cancelling."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from tests.test_send_over_loopback import built_request
from tests.ui_wait import wait_until, wait_until_async
from workbench.core.sending.client import ClientPool, send
from workbench.core.sending.exchange import Exchange, FailureKind
from workbench.core.sending.response_data import exchange_data
from workbench.core.sending.stream import (
    NOT_JSON,
    StreamEvent,
    StreamKind,
    StreamParser,
    stream_data,
    stream_kind,
)
from workbench.core.workspace.model import Call, CallOptions, ResponseType


async def stream_from(
    base_url: str,
    url: str,
    *,
    timeout: float = 10,
    idle_timeout: float = 10,
    max_bytes: int = 50 * 1024 * 1024,
    arrived: list[tuple[float, StreamEvent]] | None = None,
) -> tuple[Exchange, list[tuple[float, StreamEvent]]]:
    """The exchange of GET `url`, and each event with the time it reached the callback (also
    appended to `arrived` as it comes)."""
    call = Call(name="Stream", url=url, options=CallOptions(timeout=timeout))
    built = built_request(base_url, call)
    arrived = [] if arrived is None else arrived
    started = time.perf_counter()
    async with ClientPool() as pool:
        exchange = await send(
            built,
            pool,
            max_bytes=max_bytes,
            idle_timeout=idle_timeout,
            on_event=lambda event: arrived.append((time.perf_counter() - started, event)),
        )
    return exchange, arrived


async def test_sse_events_arrive_one_by_one_with_their_fields(demo_url: str) -> None:
    exchange, arrived = await stream_from(demo_url, "/stream/events?count=5&interval_ms=150")
    assert exchange.failure is None and exchange.stream is StreamKind.SSE
    events = [event for _, event in arrived]
    assert [e.event for e in events] == ["tick", "tick", "tick", "tick", "status"]
    assert [e.id for e in events] == ["1", "2", "3", "4", "5"]
    assert [e.retry for e in events] == [2000, None, None, None, None]
    assert events[-1].value() == {"seq": 5, "state": "done", "progress": 1.0}
    # Each event was passed on when it came, not at the end: 150 ms apart.
    assert arrived[0][0] < arrived[-1][0] - 0.4
    assert [e.time for e in events] == sorted(e.time for e in events)
    # The exchange keeps the whole body and the events.
    assert exchange.events == tuple(events) and exchange.event_count == 5
    assert exchange.body.count(b"event: ") == 5


async def test_ndjson_and_chunked_text_are_events_a_line(demo_url: str) -> None:
    exchange, arrived = await stream_from(demo_url, "/stream/ndjson?count=3&interval_ms=150")
    assert exchange.stream is StreamKind.NDJSON
    assert [event.value()["seq"] for _, event in arrived] == [1, 2, 3]  # type: ignore[index]
    assert arrived[0][0] < arrived[-1][0] - 0.2
    exchange, arrived = await stream_from(demo_url, "/stream/text?count=3&interval_ms=150")
    assert exchange.stream is StreamKind.TEXT
    assert [e.data.split(" at ")[0] for _, e in arrived] == [f"line {n} of 3" for n in (1, 2, 3)]
    assert arrived[0][0] < arrived[-1][0] - 0.2
    assert arrived[0][1].value() is NOT_JSON


async def test_a_plain_answer_is_no_stream(demo_url: str) -> None:
    exchange, arrived = await stream_from(demo_url, "/users/1")
    assert exchange.stream is None and exchange.events == () and arrived == []
    exchange, _ = await stream_from(demo_url, "/text")  # text/plain with a length
    assert exchange.stream is None


async def test_the_deadline_covers_a_stream_up_to_its_headers(demo_url: str) -> None:
    # A 0.3 s deadline, a stream of 0.8 s: it runs to its end.
    exchange, arrived = await stream_from(
        demo_url, "/stream/events?count=2&interval_ms=400", timeout=0.3, idle_timeout=2
    )
    assert exchange.failure is None and len(arrived) == 2
    assert exchange.total_time > 0.7


async def test_a_quiet_stream_ends_at_the_idle_timeout(demo_url: str) -> None:
    started = time.monotonic()
    exchange, arrived = await stream_from(
        demo_url, "/stream/events?count=3&interval_ms=300&x=1", idle_timeout=0.5
    )
    assert exchange.failure is None and len(arrived) == 3  # 0.3 s gaps: never idle
    exchange, arrived = await stream_from(
        demo_url, "/stream/events?count=3&interval_ms=5000", idle_timeout=0.4
    )
    assert time.monotonic() - started < 4
    assert exchange.status == 200 and arrived == []
    assert exchange.failure is not None and exchange.failure.kind is FailureKind.TIMEOUT
    assert "went quiet" in exchange.failure.message
    assert "for 0.4 s" in exchange.failure.message
    assert "stream_idle_timeout" in exchange.failure.message


async def test_a_stream_keeps_the_size_cap(demo_url: str) -> None:
    exchange, arrived = await stream_from(
        demo_url, "/stream/events?count=200&interval_ms=1", max_bytes=500
    )
    assert exchange.failure is not None and exchange.failure.kind is FailureKind.TOO_LARGE
    assert len(exchange.body) == 500
    assert 0 < len(arrived) < 10


@pytest.fixture
def endless_sse() -> Iterator[tuple[str, threading.Event]]:
    """A server that sends one SSE event and then holds the stream open; the event is set when
    the client closes the connection."""
    listener = socket.create_server(("127.0.0.1", 0))
    closed = threading.Event()

    def serve() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            connection.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n"
            )
            event = b"event: hello\ndata: {}\n\n"
            connection.sendall(b"%X\r\n%s\r\n" % (len(event), event))
            connection.settimeout(10)
            try:
                while connection.recv(1024):
                    pass
            except OSError:
                return
            closed.set()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}", closed
    listener.close()
    thread.join(timeout=10)


async def test_cancelling_a_stream_closes_the_connection(
    endless_sse: tuple[str, threading.Event],
) -> None:
    base_url, closed = endless_sse
    arrived: list[tuple[float, StreamEvent]] = []
    task = asyncio.create_task(stream_from(base_url, "/events", timeout=0.2, arrived=arrived))
    await wait_until_async(lambda: arrived)
    await asyncio.sleep(0.4)  # past the call's deadline: a stream is not cut by it
    assert not task.done() and not closed.is_set()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.to_thread(wait_until, closed.is_set)


def test_stream_kind_by_content_type() -> None:
    assert stream_kind("text/event-stream; charset=utf-8", False) is StreamKind.SSE
    assert stream_kind("application/x-ndjson", True) is StreamKind.NDJSON
    assert stream_kind("application/jsonl", False) is StreamKind.NDJSON
    assert stream_kind("text/plain", False) is StreamKind.TEXT
    assert stream_kind("text/plain", True) is None
    assert stream_kind("application/json", False) is None


def parsed(kind: StreamKind, body: bytes, step: int) -> list[StreamEvent]:
    """The events of `body` fed `step` bytes at a time."""
    parser = StreamParser(kind, "text/event-stream", time.perf_counter())
    for start in range(0, len(body), step):
        parser.feed(body[start : start + step])
    parser.close()
    return parser.events


@pytest.mark.parametrize("step", [1, 3, 1000])
def test_sse_parsing_survives_any_chunking(step: int) -> None:
    body = (
        ': a comment\r\nevent: greet\r\nid: 7\r\ndata: {"text": "caf\u00e9"}\r\n\r\n'
        "data: line one\ndata: line two\n\n"
        "retry: 500\ndata: x\n\n"
        "data: cut off at the end"
    ).encode()
    events = parsed(StreamKind.SSE, body, step)
    assert [(e.event, e.id, e.data, e.retry) for e in events] == [
        ("greet", "7", '{"text": "caf\u00e9"}', None),
        ("message", "7", "line one\nline two", None),  # the last id carries on, as the spec says
        ("message", "7", "x", 500),
    ]


@pytest.mark.parametrize("step", [1, 5, 1000])
def test_ndjson_parsing_keeps_a_last_line_without_newline(step: int) -> None:
    body = b'{"a": 1}\n\n{"a": "\xc3\xbc"}\r\n{"a": 3}'
    assert [e.value() for e in parsed(StreamKind.NDJSON, body, step)] == [
        {"a": 1},
        {"a": "\u00fc"},
        {"a": 3},
    ]


def test_stream_data_groups_sse_events_by_name() -> None:
    events = [
        StreamEvent(0.1, '{"seq": 1}', "tick"),
        StreamEvent(0.2, "not json", "note"),
        StreamEvent(0.3, '{"seq": 2}', "tick"),
    ]
    assert stream_data(StreamKind.SSE, events) == {
        "events": {"tick": [{"seq": 1}, {"seq": 2}], "note": ["not json"]}
    }
    assert stream_data(StreamKind.NDJSON, events) == [{"seq": 1}, "not json", {"seq": 2}]


async def test_a_json_call_on_a_stream_reads_its_events_as_data(demo_url: str) -> None:
    exchange, _ = await stream_from(demo_url, "/stream/events?count=5&interval_ms=0")
    data = exchange_data(exchange, ResponseType.JSON)
    assert isinstance(data, dict)
    assert [tick["seq"] for tick in data["events"]["tick"]] == [1, 2, 3, 4]
    assert data["events"]["status"] == [{"seq": 5, "state": "done", "progress": 1.0}]
