"""Chaining and refreshing in the TUI, by keys at 80x24 against the demo API on loopback.

`u` on a value of the JSON tree makes it a parameter of another call (picked in
two palettes); only a data call's response can be a source. F7 sends the selected
data call again without asking, and refuses an action call.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from test_ui_app import (
    ROOT,
    SIZE,
    main_screen,
    open_app,
    save,
    screen_text,
    select,
    send,
)
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from tests.ui_app import notified
from tests.ui_keys import paste
from tests.ui_wait import palette_searched, settle
from workbench.core.workspace.model import ValueSource
from workbench.demo.server import DemoServer
from workbench.ui.app import WorkbenchApp
from workbench.ui.dialogs.choice import ChoiceScreen
from workbench.ui.dialogs.help import HelpScreen
from workbench.ui.screens.main import MainScreen
from workbench.ui.widgets.body_view import BodyView
from workbench.ui.widgets.json_tree import JsonTree
from workbench.ui.widgets.parameter_table import ParameterRow

PAGE = '{ name = "page", value = "1", optional = true }'


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A copy of the demo workspace whose "List users" asks for page 2: its first user is
    11, not the 1 that "Rename user" has as its test value, so a chained id shows."""
    path = tmp_path / "demo.toml"
    shutil.copy(ROOT / "workspaces" / "demo.toml", path)
    text = path.read_text()
    assert PAGE in text
    path.write_text(text.replace(PAGE, PAGE.replace('"1"', '"2"'), 1))
    return path


async def use_value(pilot: Pilot[None], app: WorkbenchApp, *path: str | int) -> None:
    """Put the JSON tree's cursor on `path` and press u."""
    tree = main_screen(app).response_view.query_one(JsonTree)
    tree.focus()
    tree.select_path(path)
    await pilot.pause()
    await pilot.press("u")
    await pilot.pause()


async def pick(pilot: Pilot[None], app: WorkbenchApp, query: str) -> None:
    """Paste `query` in the open palette and take its first hit with Enter."""
    assert isinstance(app.screen, CommandPalette)
    await paste(pilot, query)
    await palette_searched(pilot, query)
    await pilot.press("enter")
    await pilot.pause()


def parameter(app: WorkbenchApp, call: str, name: str) -> object:
    provider = main_screen(app).documents[0].workspace.provider("Demo")
    assert provider is not None
    found = provider.call(call)
    assert found is not None
    return next((p for p in found.parameters if p.name == name), None)


async def test_a_value_becomes_a_parameter_of_another_call(
    workspace: Path, demo_url: str, fresh_demo: DemoServer
) -> None:
    app = open_app(workspace, demo_url, on="Demo/List users")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await send(pilot, app)
        await use_value(pilot, app, "data", 0, "id")
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        placeholder = palette.query_one(Input).placeholder
        assert placeholder == "Use Demo/List users data[0].id in which call?"
        await pick(pilot, app, "rename user")
        assert "Demo/Rename user" in app.screen.query_one(Input).placeholder
        await pick(pilot, app, "id")
        assert isinstance(app.screen, MainScreen)

        chained = parameter(app, "Rename user", "id")
        assert getattr(chained, "source", None) == ValueSource("List users", "data[0].id")
        assert main_screen(app).documents[0].dirty
        assert "Demo/Rename user: id ← Demo/List users data[0].id" in notified(app)

        # The editor of the target call shows where the value comes from.
        await select(pilot, app, "Demo/Rename user")
        rows = main_screen(app).query(ParameterRow)
        placeholders = [row.query_one(".row-value", Input).placeholder for row in rows]
        assert "from List users: data[0].id" in placeholders

        await save(pilot, app)
        assert '{ name = "id", from = "List users", path = "data[0].id" }' in workspace.read_text()

        # Sent, it renames the first user of the page shown (11), not user 1.
        await pilot.press("ctrl+j")
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("y")
        await settle(pilot, app)
        assert "200 OK" in screen_text(app)
    assert fresh_demo.state.users.get(11)["name"] == "Grace Hopper"  # type: ignore[index]
    assert fresh_demo.state.users.get(1)["name"] == "Ada Lovelace"  # type: ignore[index]


async def test_a_new_parameter_is_named_after_the_key_or_as_typed(
    workspace: Path, demo_url: str
) -> None:
    app = open_app(workspace, demo_url, on="Demo/List users")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await send(pilot, app)
        await use_value(pilot, app, "data", 1, "email")
        await pick(pilot, app, "rename user")
        await pick(pilot, app, "new parameter named email")
        assert parameter(app, "Rename user", "email") is not None

        await use_value(pilot, app, "data", 1, "address", "city")
        await pick(pilot, app, "delete user")
        await pick(pilot, app, "home_town")  # no such parameter: a new one of that name
        chained = parameter(app, "Delete user", "home_town")
        source = ValueSource("List users", "data[1].address.city")
        assert getattr(chained, "source", None) == source


async def test_a_wrapped_response_shows_and_chains_its_data(workspace: Path, demo_url: str) -> None:
    """With include_errors and capture_headers the JSON tab shows the call's data (status,
    headers, body): the path copied is the one chained, and the status can be chained too.
    The Body tab keeps the body as received."""
    app = open_app(workspace, demo_url, on="Demo/Find user")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await send(pilot, app)  # 404, kept as data
        view = main_screen(app).response_view
        tree = view.query_one(JsonTree)
        keys = [str(node.label).split(":")[0] for node in tree.root.children]
        assert keys == ["status_code", "has_error", "message", "headers", "body"]
        body = view.query_one("#response-body", BodyView).document
        assert body is not None and json.loads(body.text) == {
            "error": "user 999 not found",
            "status": 404,
        }

        tree.focus()
        tree.select_path(("body", "error"))
        await pilot.press("c")
        assert app.clipboard == "body.error"

        await use_value(pilot, app, "body", "status")
        await pick(pilot, app, "get user (versioned)")
        await pick(pilot, app, "id")
        chained = parameter(app, "Get user (versioned)", "id")
        assert getattr(chained, "source", None) == ValueSource("Find user", "body.status")

        await select(pilot, app, "Demo/Find user")
        await use_value(pilot, app, "status_code")
        await pick(pilot, app, "rename user")
        await pick(pilot, app, "id")
        chained = parameter(app, "Rename user", "id")
        assert getattr(chained, "source", None) == ValueSource("Find user", "status_code")


async def test_an_action_response_is_no_source(
    workspace: Path, demo_url: str, fresh_demo: DemoServer
) -> None:
    app = open_app(workspace, demo_url, on="Demo/List users")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await use_value(pilot, app)  # nothing sent yet
        assert isinstance(app.screen, MainScreen)
        assert "No response to take a value from" in notified(app)

        await select(pilot, app, "Demo/Rename user")
        await pilot.press("ctrl+j", "y")
        await settle(pilot, app)
        await use_value(pilot, app, "id")
        assert isinstance(app.screen, MainScreen)  # no palette
        assert "Demo/Rename user, an action call" in notified(app)
        assert not main_screen(app).documents[0].dirty


async def test_the_palette_and_help_offer_both_keys(workspace: Path, demo_url: str) -> None:
    app = open_app(workspace, demo_url, on="Demo/List users")
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, app)
        main_screen(app).response_view.query_one(JsonTree).select_path(("total",))
        await pilot.press("ctrl+p")
        await pick(pilot, app, "use as a parameter")
        assert isinstance(app.screen, CommandPalette)
        assert "Demo/List users total" in app.screen.query_one(Input).placeholder
        await pilot.press("escape")
        await pilot.pause()

        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = {(row.keys, row.description) for row in app.screen._rows}
        assert ("u", "Use as a parameter of another call (chain)") in rows
        assert ("f7", "Refresh: send the selected data call again") in rows


async def test_f7_refreshes_a_data_call_and_refuses_an_action(
    workspace: Path, demo_url: str, fresh_demo: DemoServer
) -> None:
    app = open_app(workspace, demo_url, on="Demo/List users")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        for count in (1, 2):
            await pilot.press("f7")
            assert isinstance(app.screen, MainScreen)  # never asks
            await settle(pilot, app)
            assert fresh_demo.state.request_count("GET", "/users") == count
        assert "200 OK" in screen_text(app)

        await select(pilot, app, "Demo/Rename user")
        await pilot.press("f7")
        await settle(pilot, app)
        assert isinstance(app.screen, MainScreen)
        assert fresh_demo.state.request_count("PATCH", "/users/{id}") == 0
        assert "is an action call" in notified(app) and "ctrl+j" in notified(app)


async def test_f7_refreshes_even_from_the_body_editor(
    workspace: Path, demo_url: str, fresh_demo: DemoServer
) -> None:
    """A TextArea binds F7 ("select all") itself; the screen's refresh comes first."""
    app = open_app(workspace, demo_url, on="Demo/Echo")
    async with app.run_test(size=SIZE) as pilot:
        main_screen(app).query_one("#body", TextArea).focus()
        await pilot.pause()
        await pilot.press("f7")
        await settle(pilot, app)
        assert fresh_demo.state.request_count("POST", "/echo") == 1
