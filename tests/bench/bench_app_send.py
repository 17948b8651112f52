"""Benchmark: send "Demo/Large JSON" (about 14 MB) in the whole app, against the real demo API.

Run with `python -m tests.bench.bench_app_send [--mb 14] [--runs 3]`. Prints
timings and the event loop's longest stall; asserts nothing.

This is what a user does: select the call in the tree, press ctrl+j, wait
for the tree, expand the list. Unlike `bench_response`, the response comes
over loopback and goes through the session (`run_call`: reading, parsing
into data, keeping the latest data) before the response view shows it, so
every parse between the socket and the screen counts. The stall is the
longest gap between ticks of a 10 ms timer, minus the 10 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.bench.bench_response import StallMeter, report, until
from workbench.core.desk import TreeItem
from workbench.core.workspace.document import WorkspaceDocument
from workbench.ui.app import WorkbenchApp
from workbench.ui.widgets.json_tree import JsonTree
from workbench.ui.widgets.status_line import StatusLine

WORKSPACE = Path(__file__).parents[2] / "workspaces" / "demo.toml"


@contextmanager
def app_on(text: str, base_url: str, call: str) -> Iterator[WorkbenchApp]:
    """The app on the demo workspace `text` (from a temporary file), on the call `call`."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "demo.toml"
        path.write_text(text)
        document = WorkspaceDocument.load(path, base_url=base_url)
        yield WorkbenchApp([document], selected=TreeItem(document, "Demo", call))


async def bench_send(base_url: str, megabytes: int, runs: int) -> None:
    text = WORKSPACE.read_text().replace('value = "14" }', f'value = "{megabytes}" }}')
    with app_on(text, base_url, "Large JSON") as app:
        async with app.run_test(size=(80, 24)) as pilot:
            meter = StallMeter()
            app.set_interval(StallMeter.PERIOD, meter.tick)
            await pilot.pause()
            tree = app.screen.query_one(JsonTree)
            status = app.screen.query_one(StatusLine)
            for run in range(1, runs + 1):
                meter.take()
                started = time.perf_counter()
                await pilot.press("ctrl+j")
                await until(lambda: tree.display and bool(tree.root.children))
                shown = time.perf_counter()
                report(f"run {run}: ctrl+j -> tree shown ({status.text})", shown - started)
                report("  longest stall meanwhile", meter.take())
                items = tree.root.children[0]
                tree.move_cursor(items)
                started = time.perf_counter()
                tree.action_toggle_node()
                await until(lambda items=items: len(items.children) > 1)  # type: ignore[misc]
                report("  expand the list", time.perf_counter() - started, meter.take())
                await asyncio.sleep(3)  # the pretty text is made in a thread meanwhile
                report("  longest stall while the rest is prepared", meter.take())
            report("longest event-loop stall over all the runs", meter.overall)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def demo_server_process() -> Iterator[str]:
    """The demo API in a process of its own, as a real server is: it takes no GIL from the app."""
    port, tls_port = free_port(), free_port()
    command = [sys.executable, "-m", "workbench", "demo-server"]
    command += ["--port", str(port), "--tls-port", str(tls_port)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=14, help="megabytes of JSON (default 14)")
    parser.add_argument("--runs", type=int, default=3, help="how many sends (default 3)")
    options = parser.parse_args()
    with demo_server_process() as base_url:
        print(f"{options.mb} MB of JSON from {base_url}/large; terminal 80x24")
        asyncio.run(bench_send(base_url, options.mb, options.runs))


if __name__ == "__main__":
    main()
