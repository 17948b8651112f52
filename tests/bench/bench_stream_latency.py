"""Benchmark: how long after a server sends an event `workbench run --stream` prints it and
the TUI lists it, for a stream of one event every 100 ms.

Run with `python -m tests.bench.bench_stream_latency [--events 20] [--interval-ms 100]`.
Prints the first, median and worst delay for each; asserts nothing.

The server is a small SSE server in a thread of this process: each event's data carries
the wall-clock time it was written to the socket (`sent`), so the delay is measured on the
one clock of this machine: when the line was read from `run`'s stdout, or when the app's
event list counted the event, minus `sent`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socketserver
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.bench.bench_app_send import app_on
from tests.bench.bench_response import until
from workbench.core.desk import Streaming
from workbench.ui.widgets.event_list import EventList

WORKSPACE = """format = 1
id = "0badc0de0badc0de0badc0de0badc0de"
name = "Latency"

[[providers]]
name = "Demo"
base_url = "http://127.0.0.1:1"

[[providers.calls]]
name = "Events"
url = "/events"
"""


def _handler(events: int, interval: float) -> type[socketserver.StreamRequestHandler]:
    class Events(socketserver.StreamRequestHandler):
        """Answers any request with `events` SSE events, `interval` seconds apart."""

        def handle(self) -> None:
            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                pass  # the request's head; the bench sends no body
            head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
            self.wfile.write(f"{head}Connection: close\r\n\r\n".encode())
            for seq in range(1, events + 1):
                time.sleep(interval)
                data = json.dumps({"seq": seq, "sent": time.time()})
                self.wfile.write(f"event: tick\nid: {seq}\ndata: {data}\n\n".encode())
                self.wfile.flush()

    return Events


@contextmanager
def sse_server(events: int, interval: float) -> Iterator[str]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _handler(events, interval))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def summary(label: str, delays: list[float]) -> None:
    milliseconds = [d * 1000 for d in delays]
    print(
        f"{label:<44} first {milliseconds[0]:5.0f} ms · median "
        f"{statistics.median(milliseconds):5.0f} ms · worst {max(milliseconds):5.0f} ms"
        f" ({len(delays)} events)"
    )


def run_delays(workspace: str, base_url: str) -> list[float]:
    """Delays from `sent` to the line read from `workbench run --stream`."""
    command = [sys.executable, "-m", "workbench", "run", workspace, "Demo/Events", "--stream"]
    delays = []
    with subprocess.Popen(
        [*command, "--base-url", base_url], stdout=subprocess.PIPE, stdin=subprocess.DEVNULL
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            delays.append(time.time() - json.loads(line)["data"]["sent"])
    return delays


async def app_delays(base_url: str, events: int) -> list[float]:
    """Delays from `sent` to the app's event list counting the event."""
    delays: list[float] = []
    with app_on(WORKSPACE, base_url, "Events") as app:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause(0.5)
            desk = app.screen.desk  # type: ignore[attr-defined]
            listed = app.screen.query_one(EventList)
            pressing = asyncio.create_task(pilot.press("ctrl+j"))
            await until(lambda: isinstance(desk.response, Streaming))
            live = desk.response.live
            seen = 0
            while seen < events:
                await asyncio.sleep(0.002)
                count = listed.count
                now = time.time()
                for event in live.events[seen:count]:
                    delays.append(now - json.loads(event.data)["sent"])
                seen = max(seen, count)
            await pressing
    return delays


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20, help="how many (default 20)")
    parser.add_argument("--interval-ms", type=float, default=100, help="apart (default 100)")
    options = parser.parse_args()
    interval = options.interval_ms / 1000
    print(f"{options.events} SSE events, one every {options.interval_ms:g} ms, on loopback")
    with sse_server(options.events, interval) as base_url:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "latency.toml"
            path.write_text(WORKSPACE)
            summary("sent -> printed by workbench run --stream", run_delays(str(path), base_url))
        summary("sent -> listed in the TUI", asyncio.run(app_delays(base_url, options.events)))


if __name__ == "__main__":
    main()
