"""Benchmark: a 14 MB JSON response in the response view, against Textual's TextArea.

Run with `python -m tests.bench.bench_response` (`--skip-textarea` leaves out
the slow comparison). Prints timings and asserts nothing.

How it measures: a step ends when the widget concerned paints a row (its
`render_line` runs) while the step's outcome holds, so each figure includes
the first frame that shows it. The event-loop stall is the longest gap
between ticks of a 10 ms timer, minus the 10 ms. Pilot's `pause()` is not
used while timing: it waits for the whole process to go idle, which includes
the thread worker that is still pretty-printing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections.abc import Callable
from pathlib import Path

from textual.app import App, ComposeResult
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import TextArea

from workbench.core.sending.exchange import Exchange, SentRequest
from workbench.core.workspace.model import ResponseType
from workbench.ui.widgets.body_view import BodyView
from workbench.ui.widgets.json_tree import JsonTree
from workbench.ui.widgets.response_view import ResponseView

CSS = Path(__file__).parents[2] / "workbench" / "ui" / "response.tcss"
SIZE = 14 * 1024 * 1024
TAGS = ("red", "green", "blue", "alpha", "beta", "gamma")


def large_body(size: int = SIZE) -> bytes:
    """About `size` bytes of JSON shaped like the demo's /large: {"items": [...], "count": N}."""
    items: list[dict[str, object]] = []
    total = 0
    while total < size:
        index = len(items) + 1
        item = {
            "id": index,
            "name": f"User {index}",
            "email": f"user{index}@example.com",
            "score": round(index * 37 % 10_000 / 100, 2),
            "active": index % 3 != 0,
            "tags": [TAGS[(index + offset) % len(TAGS)] for offset in range(index % 4)],
            "nested": {"a": {"b": {"c": index, "label": f"item-{index}"}}},
        }
        items.append(item)
        total += len(json.dumps(item)) + 2
    return json.dumps({"items": items, "count": len(items)}).encode()


def exchange_for(body: bytes) -> Exchange:
    request = SentRequest("GET", "http://127.0.0.1:8400/large?mb=14", (), b"")
    headers = (("content-type", "application/json"), ("content-length", str(len(body))))
    return Exchange(request, 200, "OK", "HTTP/1.1", headers, body, 0.05, 0.4)


class StallMeter:
    """The longest gap between ticks of a 10 ms timer, minus the 10 ms."""

    PERIOD = 0.01

    def __init__(self) -> None:
        self.last = time.perf_counter()
        self.worst = self.overall = 0.0

    def tick(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, now - self.last - self.PERIOD)
        self.overall = max(self.overall, self.worst)
        self.last = now

    def take(self) -> float:
        """The worst stall since the last call."""
        worst, self.worst = self.worst, 0.0
        return worst


class PaintProbe:
    """Tells when a widget paints a row while a condition holds."""

    def __init__(self, widget: Widget) -> None:
        self._waiting: list[tuple[Callable[[], bool], list[float]]] = []
        paint = widget.render_line

        def render_line(y: int) -> Strip:
            for condition, painted in self._waiting:
                if not painted and condition():
                    painted.append(time.perf_counter())
            return paint(y)

        widget.render_line = render_line  # type: ignore[method-assign]

    async def painted(self, condition: Callable[[], bool]) -> float:
        """The time of the first paint with `condition` true (polled gently, not busily)."""
        painted: list[float] = []
        self._waiting.append((condition, painted))
        await until(lambda: bool(painted))
        self._waiting.remove((condition, painted))
        return painted[0]


async def until(condition: Callable[[], bool]) -> None:
    while not condition():
        await asyncio.sleep(0.005)


class ResponseHost(App[None]):
    CSS_PATH = CSS

    def compose(self) -> ComposeResult:
        yield ResponseView()


class TextAreaHost(App[None]):
    def compose(self) -> ComposeResult:
        yield TextArea()


def report(step: str, seconds: float, stall: float | None = None) -> None:
    stall_text = "" if stall is None else f"   max stall {stall * 1000:>4,.0f} ms"
    print(f"{step:<66} {seconds * 1000:>7,.0f} ms{stall_text}")


async def bench_response_view(body: bytes) -> None:
    app = ResponseHost()
    async with app.run_test(size=(80, 24)) as pilot:
        meter = StallMeter()
        app.set_interval(StallMeter.PERIOD, meter.tick)
        view = app.query_one(ResponseView)
        tree = app.query_one(JsonTree)
        body_view = app.query_one("#response-body", BodyView)
        tree_paint, body_paint = PaintProbe(tree), PaintProbe(body_view)
        await pilot.pause()
        meter.take()

        sent = time.perf_counter()
        view.show_exchange(exchange_for(body), environment="dev", response_type=ResponseType.JSON)
        shown = await tree_paint.painted(lambda: tree.display and bool(tree.root.children))
        report("show_exchange -> tree root painted, expandable", shown - sent, meter.take())

        # The pretty text is still being made in the thread: expanding competes with it.
        items = tree.root.children[0]
        tree.move_cursor(items)
        started = time.perf_counter()
        tree.action_toggle_node()
        shown = await tree_paint.painted(lambda: len(items.children) > 1)
        report(
            f"expand items ({len(items.children) - 1} + a more node)", shown - started, meter.take()
        )

        first = items.children[0]
        tree.move_cursor(first)
        started = time.perf_counter()
        tree.action_toggle_node()
        shown = await tree_paint.painted(lambda: bool(first.children))
        report("expand the first item", shown - started, meter.take())

        await until(
            lambda: body_view.document is not None and "pretty" in str(body_view.border_subtitle)
        )
        report("show_exchange -> pretty text indexed (thread)", time.perf_counter() - sent)
        meter.take()

        started = time.perf_counter()
        view.action_show_tab("body")
        shown = await body_paint.painted(lambda: body_view.max_scroll_y > 0)
        report("switch to the Body tab, painted", shown - started, meter.take())
        started = time.perf_counter()
        # What the End key does, without its smooth-scrolling animation (about 1 s).
        body_view.scroll_end(animate=False)
        shown = await body_paint.painted(lambda: body_view.scroll_y >= body_view.max_scroll_y)
        report("scroll to the end, painted", shown - started, meter.take())
        lines = body_view.document.line_count if body_view.document else 0
        print(f"  ({lines:,} lines of pretty JSON; the view is at line {body_view.scroll_y:,.0f})")

        view.action_show_tab("json")
        started = time.perf_counter()
        tree.search("user77000@")

        def found() -> bool:
            return tree.cursor_node is not None and "user77000@" in str(tree.cursor_node.label)

        shown = await tree_paint.painted(found)
        report("search the tree for user77000@, expand to it, paint", shown - started, meter.take())

        started = time.perf_counter()
        small = exchange_for(b'{"ok": true}')
        view.show_exchange(small, environment="dev", response_type=ResponseType.JSON)
        await tree_paint.painted(lambda: "1 key" in str(tree.root.label))
        report(
            "replace it by a small response (frees 14 MB)",
            time.perf_counter() - started,
            meter.take(),
        )
        report("longest event-loop stall over all the steps", meter.overall)


async def bench_text_area(text: str, what: str) -> None:
    app = TextAreaHost()
    async with app.run_test(size=(80, 24)) as pilot:
        meter = StallMeter()
        app.set_interval(StallMeter.PERIOD, meter.tick)
        text_area = app.query_one(TextArea)
        probe = PaintProbe(text_area)
        await pilot.pause()
        meter.take()
        started = time.perf_counter()
        text_area.load_text(text)
        shown = await probe.painted(lambda: bool(text_area.text))
        report(
            f"for comparison: TextArea.load_text ({what}), painted", shown - started, meter.take()
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-textarea", action="store_true", help="leave out the TextArea run")
    options = parser.parse_args()
    body = large_body()
    print(f"body: {len(body) / 1024 / 1024:.1f} MB of JSON; terminal 80x24")
    asyncio.run(bench_response_view(body))
    if not options.skip_textarea:
        asyncio.run(bench_text_area(body.decode(), "the body"))
        pretty = json.dumps(json.loads(body), indent=2)
        asyncio.run(bench_text_area(pretty, f"pretty, {pretty.count(chr(10)) + 1:,} lines"))


if __name__ == "__main__":
    main()
