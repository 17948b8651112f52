"""Benchmark: what keeping the history costs a send, against the real demo API.

Run with `python -m tests.bench.bench_history [--runs 50]`. Prints timings; asserts nothing.

For "Demo/List users" (3 KB) and "Demo/Large JSON" at 2 MB (its body cut at the 1 MB cap),
each sent `--runs` times with the history off and on: the median and worst `run_call` time
(what the user waits for), then how long the writer thread took to catch up once the sends
were done (`flush`), and the longest stall of the event loop while sending (a 10 ms timer).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from tests.bench.bench_response import StallMeter, report
from workbench.core.history import HistoryStore
from workbench.core.sending import Session
from workbench.core.workspace import Defaults, find_call, load_workspace
from workbench.demo.server import DemoServer

WORKSPACE = Path(__file__).parents[2] / "workspaces" / "demo.toml"


async def bench(base_url: str, name: str, overrides: dict[str, str], runs: int) -> None:
    workspace = load_workspace(WORKSPACE)
    provider, call = find_call(workspace, name)
    for keeping in (False, True):
        session = Session.open(workspace, WORKSPACE, defaults=replace(Defaults(), history=keeping))
        session.base_url = base_url
        await session.run_call(provider, call, overrides=overrides)  # connect, warm up
        await session.history.flush() if session.history else None
        meter = StallMeter()
        ticking = asyncio.create_task(_tick(meter))
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            await session.run_call(provider, call, overrides=overrides)
            times.append(time.perf_counter() - started)
        started = time.perf_counter()
        await session.aclose()
        flushed = time.perf_counter() - started
        ticking.cancel()
        label = f"{name}, history {'on' if keeping else 'off'}"
        report(f"{label}: median send", statistics.median(times))
        report(f"{label}: worst send", max(times))
        report(f"{label}: writer caught up after the last send", flushed)
        report(f"{label}: longest event-loop stall", meter.overall)


async def _tick(meter: StallMeter) -> None:
    while True:
        await asyncio.sleep(StallMeter.PERIOD)
        meter.tick()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home, DemoServer() as server:
        os.environ["WORKBENCH_HOME"] = home
        asyncio.run(bench(server.base_url, "Demo/List users", {}, args.runs))
        asyncio.run(bench(server.base_url, "Demo/Large JSON", {"mb": "2"}, args.runs // 5))
        size = HistoryStore().path.stat().st_size
        print(f"history file after both: {size / 1024 / 1024:.1f} MB")


if __name__ == "__main__":
    main()
