"""The demo API's live streams over loopback: SSE, NDJSON and plain text, paced and chunked."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import pytest

from workbench.demo.server import DemoServer


@pytest.fixture
def client(demo_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=demo_url, timeout=10) as client:
        yield client


def sse_events(text: str) -> list[dict[str, str]]:
    """The events of an SSE body, each as its fields (a small reader, independent of core's)."""
    events = []
    for block in text.split("\n\n"):
        if block:
            events.append(dict(line.split(": ", 1) for line in block.split("\n")))
    return events


def test_sse_events_have_two_kinds_ids_and_a_retry(client: httpx.Client) -> None:
    response = client.get("/stream/events", params={"count": 7, "interval_ms": 0})
    assert response.headers["content-type"] == "text/event-stream"
    assert response.headers["transfer-encoding"] == "chunked"
    events = sse_events(response.text)
    assert [e["event"] for e in events] == ["tick"] * 4 + ["status", "tick", "status"]
    assert [e["id"] for e in events] == [str(n) for n in range(1, 8)]
    assert events[0]["retry"] == "2000" and all("retry" not in e for e in events[1:])
    assert set(json.loads(events[0]["data"])) == {"seq", "value", "elapsed_ms"}
    assert json.loads(events[-1]["data"]) == {"seq": 7, "state": "done", "progress": 1.0}


def test_sse_resumes_after_the_last_event_id(client: httpx.Client) -> None:
    response = client.get(
        "/stream/events", params={"count": 6, "interval_ms": 0}, headers={"Last-Event-ID": "4"}
    )
    assert [e["id"] for e in sse_events(response.text)] == ["5", "6"]
    refused = client.get("/stream/events", params={"count": 6}, headers={"Last-Event-ID": "x"})
    assert refused.status_code == 400 and "Last-Event-ID" in refused.json()["error"]


@pytest.mark.parametrize(
    ("path", "media_type"),
    [
        ("/stream/events", "text/event-stream"),
        ("/stream/ndjson", "application/x-ndjson"),
        ("/stream/text", "text/plain"),
    ],
)
def test_streams_arrive_item_by_item(client: httpx.Client, path: str, media_type: str) -> None:
    arrivals = []
    started = time.monotonic()
    with client.stream("GET", path, params={"count": 4, "interval_ms": 150}) as response:
        assert response.headers["content-type"].startswith(media_type)
        for _chunk in response.iter_raw():
            arrivals.append(time.monotonic() - started)
    assert len(arrivals) == 4
    # The first item arrives well before the last: nothing is held back until the end.
    assert arrivals[0] < arrivals[-1] - 0.3


def test_ndjson_and_text_lines(client: httpx.Client) -> None:
    lines = client.get("/stream/ndjson", params={"count": 3, "interval_ms": 0}).text.splitlines()
    values = [json.loads(line) for line in lines]
    assert [v["seq"] for v in values] == [1, 2, 3]
    assert all(set(v) == {"seq", "sensor", "value", "elapsed_ms"} for v in values)
    text = client.get("/stream/text", params={"count": 2, "interval_ms": 0}).text
    assert [line.split(" at ")[0] for line in text.splitlines()] == ["line 1 of 2", "line 2 of 2"]


def test_stream_parameters_are_checked(client: httpx.Client) -> None:
    response = client.get("/stream/events", params={"interval_ms": -1})
    assert response.status_code == 400 and "'interval_ms'" in response.json()["error"]
    assert client.get("/stream/ndjson", params={"count": 0}).status_code == 400


def test_a_stopping_server_ends_its_streams() -> None:
    server = DemoServer().start()
    try:
        client = httpx.Client(base_url=server.base_url, timeout=10)
        with client.stream("GET", "/stream/events", params={"count": 1000}) as response:
            chunks = _chunks(response)
            assert b"event: tick" in next(chunks)
            started = time.monotonic()
            server.stop()
            rest = b"".join(chunks)
        # Ended at once, not after the 100 s the stream would take.
        assert time.monotonic() - started < 5
        assert rest.count(b"event:") < 10
        client.close()
    finally:
        server.stop()


def _chunks(response: httpx.Response) -> Iterator[bytes]:
    try:
        yield from response.iter_raw()
    except httpx.HTTPError:
        return
