"""Benchmark: a stream of 5,000 Server-Sent Events a second for 3 s, shown live in the whole app.

Run with `python -m tests.bench.bench_stream [--rate 5000] [--seconds 3] [--runs 2]`.
Prints timings, the events counted and the event loop's longest stall; asserts nothing.

The demo API runs in a process of its own (as a real server does: it takes no GIL from
the app) and sends the "Live events" call's events at `--rate` a second. The app sends
the call with ctrl+j, as a user does, and lists the events as they arrive. The stall is
measured by an asyncio task that sleeps 5 ms at a time and timestamps itself: the
longest gap between two of its wake-ups, minus the 5 ms, is the longest time the event
loop (and with it the screen and the keys) was held up.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path

from tests.bench.bench_app_send import app_on, demo_server_process
from tests.bench.bench_response import report, until
from workbench.core.desk import Answered, Streaming
from workbench.ui.widgets.event_list import EventList
from workbench.ui.widgets.status_line import StatusLine

WORKSPACE = Path(__file__).parents[2] / "workspaces" / "demo.toml"


class LoopStallMeter:
    """The longest gap between wake-ups of a task sleeping PERIOD at a time, minus PERIOD."""

    PERIOD = 0.005

    def __init__(self) -> None:
        self.worst = self.overall = 0.0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(self.PERIOD)
            now = time.perf_counter()
            self.worst = max(self.worst, now - last - self.PERIOD)
            self.overall = max(self.overall, self.worst)
            last = now

    def take(self) -> float:
        """The worst stall since the last call."""
        worst, self.worst = self.worst, 0.0
        return worst

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()


async def bench_stream(base_url: str, rate: int, seconds: float, runs: int) -> None:
    count = int(rate * seconds)
    interval_ms = 1000 / rate
    text = WORKSPACE.read_text()
    text = text.replace(
        '{ name = "count", value = "50" }', f'{{ name = "count", value = "{count}" }}'
    )
    text = text.replace(
        '{ name = "interval_ms", value = "100" }',
        f'{{ name = "interval_ms", value = "{interval_ms:g}" }}',
    )
    with app_on(text, base_url, "Live events") as app:
        async with app.run_test(size=(80, 24)) as pilot:
            meter = LoopStallMeter()
            meter.start()
            await pilot.pause(0.5)  # start-up's own stalls are not the stream's
            desk = app.screen.desk  # type: ignore[attr-defined]
            events = app.screen.query_one(EventList)
            status = app.screen.query_one(StatusLine)
            meter.take()
            await asyncio.sleep(2)
            # The floor: what the machine's other load costs an idle app, for comparison.
            report("longest stall of the idle app over 2 s", 2, meter.take())
            meter.overall = 0.0
            for run in range(1, runs + 1):
                meter.take()
                started = time.perf_counter()
                # Not awaited: the pilot waits for the app to be idle, which a stream is not.
                pressing = asyncio.create_task(pilot.press("ctrl+j"))
                await until(lambda: isinstance(desk.response, Streaming))
                report(f"run {run}: ctrl+j -> first event arrived", time.perf_counter() - started)
                live = desk.response.live
                await until(lambda: events.count > 0)
                report("  ctrl+j -> first event listed", time.perf_counter() - started)
                # The stall in three parts: the stream starting to show (ctrl+j and the first
                # half second), flowing (until 95% of the events are in), and ending (the
                # answer read into data and shown in place of the live list).
                await asyncio.sleep(0.5)
                report("  longest stall: starting", time.perf_counter() - started, meter.take())
                await until(lambda live=live: live.count >= 0.95 * count)  # type: ignore[misc]
                report("  longest stall: flowing", time.perf_counter() - started, meter.take())
                await until(lambda: isinstance(desk.response, Answered))
                done = time.perf_counter() - started
                await until(lambda: events.count == desk.response.result.exchange.event_count)
                exchange = desk.response.result.exchange
                received = exchange.event_count
                report(f"  all {received:,} events listed ({status.text})", done)
                report("  longest stall: ending", time.perf_counter() - started, meter.take())
                report(f"  events a second received: {received / exchange.total_time:,.0f}", 0)
                await pressing
            report("longest event-loop stall over all the runs", meter.overall)
            meter.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=int, default=5000, help="events a second (default 5000)")
    parser.add_argument("--seconds", type=float, default=3, help="how long (default 3)")
    parser.add_argument("--runs", type=int, default=2, help="how many sends (default 2)")
    options = parser.parse_args()
    with demo_server_process() as base_url:
        print(f"{options.rate:,} SSE events a second for {options.seconds:g} s from {base_url}")
        print("terminal 80x24, the whole app (Textual's headless driver)")
        asyncio.run(bench_stream(base_url, options.rate, options.seconds, options.runs))


if __name__ == "__main__":
    main()
