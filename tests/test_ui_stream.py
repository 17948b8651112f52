"""A streamed answer in the TUI: its events listed live as they arrive, the time and count in
the status line, escape stops it (the connection closed), an event's data as a JSON tree."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.ui_app import SIZE, main_screen, open_app, screen_text
from tests.ui_wait import settle, wait_for, workers_done
from workbench.core.config import config_path
from workbench.core.desk import Answered, Streaming
from workbench.ui.user_config import load_user_config
from workbench.ui.widgets.event_data_tree import EventDataTree
from workbench.ui.widgets.event_list import EventList
from workbench.ui.widgets.status_line import StatusLine

DEMO = Path(__file__).resolve().parents[1] / "workspaces" / "demo.toml"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """The demo workspace with the live events call at COUNT events, one every 100 ms."""
    path = tmp_path / "demo.toml"
    shutil.copy(DEMO, path)
    return path


def with_count(path: Path, count: int) -> None:
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        '{ name = "count", value = "50" }', f'{{ name = "count", value = "{count}" }}'
    )
    path.write_text(text, encoding="utf-8")


async def test_events_show_as_they_arrive_and_the_answer_keeps_them(
    workspace: Path, demo_url: str
) -> None:
    with_count(workspace, 20)  # 2 s of events
    app = open_app(workspace, demo_url, on="Demo/Live events")
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("ctrl+j")
        await wait_for(pilot, lambda: '{"seq": 1,' in screen_text(app), what="the first event")
        desk = main_screen(app).desk
        # Shown while the stream still runs: long before its 2 s are over.
        assert isinstance(desk.response, Streaming)
        assert desk.response.live.count < 20
        text = screen_text(app)
        assert "Streaming" in text and "tick" in text
        await workers_done(app)
        await settle(pilot, app)
        assert isinstance(desk.response, Answered)
        events = app.screen.query_one(EventList)
        assert events.count == 20
        status = app.screen.query_one(StatusLine).text
        assert "200 OK" in status and "20 events" in status
        # An event's data as a JSON tree.
        events.focus()
        await pilot.press("home", "down")
        tree = app.screen.query_one(EventDataTree)
        await wait_for(pilot, lambda: tree.display and "seq: 2" in screen_text(app))
        assert tree.border_title == "tick 2"
        # The list kept to the end while the stream came: the last event is on screen.
        await pilot.press("end")
        await wait_for(pilot, lambda: "seq: 20" in screen_text(app))


async def test_escape_stops_a_stream_and_keeps_its_events(workspace: Path, demo_url: str) -> None:
    with_count(workspace, 100_000)  # hours of events: only escape ends it
    app = open_app(workspace, demo_url, on="Demo/Live events")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+j")
        desk = main_screen(app).desk
        await wait_for(
            pilot,
            lambda: isinstance(desk.response, Streaming) and desk.response.live.count >= 3,
            what="three events",
        )
        await pilot.press("escape")
        await workers_done(app, timeout=10)
        await settle(pilot, app)
        state = desk.response
        assert isinstance(state, Streaming) and state.live.stopped
        count = state.live.count
        status = app.screen.query_one(StatusLine).text
        assert "Stopped" in status and "connection closed" in status
        assert app.screen.query_one(EventList).count == count >= 3
        # Stopped for good: no event comes after.
        await pilot.pause(0.3)
        assert state.live.count == count


async def test_ndjson_lines_are_listed_as_they_arrive(workspace: Path, demo_url: str) -> None:
    text = workspace.read_text(encoding="utf-8")
    # The readings call's count (the second "count = 50" in the file): 20 lines in 2 s.
    head, _, tail = text.rpartition('{ name = "count", value = "50" }')
    workspace.write_text(head + '{ name = "count", value = "20" }' + tail, encoding="utf-8")
    app = open_app(workspace, demo_url, on="Demo/Live readings")
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("ctrl+j")
        await wait_for(pilot, lambda: '{"seq": 1,' in screen_text(app), what="the first line")
        desk = main_screen(app).desk
        assert isinstance(desk.response, Streaming) and desk.response.live.count < 20
        await workers_done(app)
        await settle(pilot, app)
        assert app.screen.query_one(EventList).count == 20
        assert "20 events" in app.screen.query_one(StatusLine).text


async def test_a_quiet_stream_ends_at_the_idle_timeout_and_says_so(
    workspace: Path, demo_url: str
) -> None:
    config_path().write_text("stream_idle_timeout = 0.5\n", encoding="utf-8")
    text = workspace.read_text(encoding="utf-8")
    workspace.write_text(text.replace('value = "100" }', 'value = "1000" }', 1), encoding="utf-8")
    app = open_app(workspace, demo_url, on="Demo/Live events", config=load_user_config())
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("ctrl+j")
        await workers_done(app)
        await settle(pilot, app)
        status = app.screen.query_one(StatusLine).text
        assert "went quiet" in status and "0.5 s" in status and "stream_idle_timeout" in status
