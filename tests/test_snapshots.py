"""Snapshots of the TUI's main screens at 80x24, as SVG files (pytest-textual-snapshot).

The snapshots live in tests/__snapshots__/test_snapshots/. After an intended
change of a screen, write them anew and look at the SVGs before committing:

    .venv/bin/python -m pytest tests/test_snapshots.py --snapshot-update

A snapshot must not change from run to run nor from machine to machine, so:
- the workspace is a copy of workspaces/demo.toml opened by the relative path
  `workspaces/demo.toml` from a temporary working folder: the title line shows
  that path, never a temporary one (as docs/generate.py does);
- the call's duration is shown as a fixed "12 ms": the status line's
  `duration_text` is replaced for these tests;
- the demo API's port is on no screen: the base-URL override is not shown,
  except in the question before an action call, which is opened without it
  (nothing is sent there: the question is what is captured);
- the demo API's data is its seed (`fresh_demo`); cursors do not blink; the
  theme and colours ignore the person's TEXTUAL_THEME, TEXTUAL_FILTERS and
  NO_COLOR.

Before the capture, each test checks the screen for what it must show and
for what must not be on it, so a leak fails with a message even with
`--snapshot-update`.

The plugin runs the app with `App.run`, which starts an event loop of its
own: the tests are plain functions and the keys are pressed in `run_before`.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual import constants
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, TextArea

from tests.ui_app import screen_text
from tests.ui_wait import settle, wait_for
from workbench.core.desk import TreeItem
from workbench.core.workspace.document import WorkspaceDocument
from workbench.demo.server import DemoServer
from workbench.ui.app import WorkbenchApp
from workbench.ui.dialogs.choice import ChoiceScreen
from workbench.ui.dialogs.help import HelpScreen
from workbench.ui.widgets import status_line

ROOT = Path(__file__).resolve().parents[1]
SIZE = (80, 24)
WORKSPACE = Path("workspaces") / "demo.toml"  # relative: the title line shows it
THEME = "textual-dark"
SHOWN_DURATION = "12 ms"
DURATION = re.compile(r"\b\d[\d,]* ms\b")

SnapCompare = Callable[..., bool]
Action = Callable[[Pilot[None]], Awaitable[None]]
RunBefore = Action


@pytest.fixture(autouse=True)
def steady_screen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The workspace at a fixed relative path, a fixed duration, no personal colour settings."""
    (tmp_path / WORKSPACE).parent.mkdir()
    shutil.copy(ROOT / WORKSPACE, tmp_path / WORKSPACE)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(status_line, "duration_text", lambda seconds: SHOWN_DURATION)
    monkeypatch.delenv("NO_COLOR", raising=False)  # read by each App as it is made
    monkeypatch.setattr(constants, "FILTERS", "")  # read by each App as it is made


def open_app(provider: str, call: str | None = None, *, base_url: str | None) -> WorkbenchApp:
    document = WorkspaceDocument.load(WORKSPACE, base_url=base_url)
    return WorkbenchApp([document], selected=TreeItem(document, provider, call))


async def settled(pilot: Pilot[None]) -> None:
    """Wait for the workers (a send, then the response view's parsing); stop cursors blinking."""
    app = pilot.app
    await settle(pilot, app)
    for screen in app.screen_stack:
        for widget in screen.query(Input):
            widget.cursor_blink = False
        for area in screen.query(TextArea):
            area.cursor_blink = False
    await pilot.pause()


def steps(*actions: Action, shows: tuple[str, ...], port: int | None = None) -> RunBefore:
    """What runs before the capture: the actions, waiting for quiet, then a check that the
    screen `shows` what it should and nothing that varies (a temporary path, another
    duration, the demo API's `port`)."""

    async def run_before(pilot: Pilot[None]) -> None:
        pilot.app.theme = THEME
        for action in actions:
            await action(pilot)
        await settled(pilot)
        text = screen_text(pilot.app)
        for part in shows:
            assert part in text, f"{part!r} not on the screen:\n{text}"
        assert str(Path.cwd()) not in text, text
        assert all(shown == SHOWN_DURATION for shown in DURATION.findall(text)), text
        assert port is None or f":{port}" not in text, text

    return run_before


def press(*keys: str) -> Action:
    async def pressing(pilot: Pilot[None]) -> None:
        await pilot.press(*keys)

    return pressing


def until_screen(kind: type[Screen[Any]]) -> Action:
    async def waiting(pilot: Pilot[None]) -> None:
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, kind), what=kind.__name__)

    return waiting


def test_main_screen_with_a_call_selected(
    snap_compare: SnapCompare, demo_server: DemoServer
) -> None:
    """The tree, "Demo/List users" selected in it, its editor, and "not sent yet"."""
    app = open_app("Demo", "List users", base_url=demo_server.base_url)
    run_before = steps(
        shows=("workspaces/demo.toml", "Not sent yet in development"), port=demo_server.port
    )
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_response_after_sending(snap_compare: SnapCompare, fresh_demo: DemoServer) -> None:
    """Sending "Demo/List users": the status line (its duration fixed) and the JSON tree."""
    app = open_app("Demo", "List users", base_url=fresh_demo.base_url)
    run_before = steps(
        press("ctrl+j"), shows=("200 OK", SHOWN_DURATION, "total: 25"), port=fresh_demo.port
    )
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_help_screen(snap_compare: SnapCompare, demo_server: DemoServer) -> None:
    """F1 on the main screen: every key, and where it applies."""
    app = open_app("Demo", "List users", base_url=demo_server.base_url)
    run_before = steps(
        press("f1"),
        until_screen(HelpScreen),
        shows=("Keys", "Send the selected call"),
        port=demo_server.port,
    )
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_provider_editor(snap_compare: SnapCompare) -> None:
    """The "Demo" provider selected: its editor (base URL, auth, headers...).

    Opened without the base-URL override, which the editor names with its port (different
    from run to run); nothing is sent.
    """
    app = open_app("Demo", base_url=None)
    run_before = steps(shows=("Base URL", "http://127.0.0.1:8400"))
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_action_call_asks_before_sending(snap_compare: SnapCompare) -> None:
    """Sending "Demo/Create user" asks first.

    The question names the URL, so the workspace is opened without the
    base-URL override (whose port changes from run to run) and shows its own
    URL. The question is not answered, so nothing is sent.
    """
    app = open_app("Demo", "Create user", base_url=None)
    run_before = steps(
        press("ctrl+j"),
        until_screen(ChoiceScreen),
        shows=("Send an action call?", "http://127.0.0.1:8400/users"),
    )
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
