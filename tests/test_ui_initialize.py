"""Initializing in the TUI, by keys at 80x24 against the demo API on loopback: F6 sends the
call and opens the shape dialog (the drift first on reinitialize), shift+F6 learns from a
pasted sample; an accepted shape is an unsaved edit that ctrl+s writes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_ui_app import (
    ROOT,
    SIZE,
    changed_lines,
    main_screen,
    open_app,
    save,
    screen_text,
)
from textual.pilot import Pilot
from textual.widgets import OptionList, TextArea

from tests.ui_keys import paste, type_text
from tests.ui_wait import palette_searched, settle, wait_for, workers_done
from workbench.core.shape.fields import Field, FieldType
from workbench.core.shape.initialize import store_shape
from workbench.core.workspace.io import load_workspace
from workbench.demo.server import DemoServer
from workbench.ui.app import WorkbenchApp
from workbench.ui.dialogs.choice import ChoiceScreen
from workbench.ui.dialogs.help import HelpScreen
from workbench.ui.dialogs.sample_prompt import SamplePromptScreen
from workbench.ui.dialogs.shape_review import ShapeReviewScreen
from workbench.ui.dialogs.shape_view import SavedShapeScreen
from workbench.ui.dialogs.type_pick import TypePickScreen
from workbench.ui.screens.main import MainScreen


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A copy of workspaces/demo.toml to initialize calls in."""
    path = tmp_path / "demo.toml"
    shutil.copy(ROOT / "workspaces" / "demo.toml", path)
    return path


def saved_shape(path: Path, call: str) -> dict[str, str]:
    """The call's shape in the file, as field -> type text."""
    from workbench.core.shape.toml import shape_to_toml_data

    found = load_workspace(path).provider("Demo").call(call)  # type: ignore[union-attr]
    assert found is not None
    return shape_to_toml_data(found.shape) if found.shape is not None else {}


async def initialize(pilot: Pilot[None], app: WorkbenchApp) -> ShapeReviewScreen:
    """F6 on the selected data call: sent, learned, and the shape dialog open (not `settle`:
    the dialog's worker waits for its answer)."""
    await pilot.press("f6")
    await wait_for(pilot, lambda: isinstance(app.screen, ShapeReviewScreen))
    await pilot.pause()
    assert isinstance(app.screen, ShapeReviewScreen)
    return app.screen


async def cursor_to(pilot: Pilot[None], dialog: ShapeReviewScreen, path: str) -> None:
    """Move the dialog's cursor down to the field `path`, with the arrow key."""
    for _ in range(len(dialog.shape)):
        if dialog.current_path() == path:
            return
        await pilot.press("down")
    assert dialog.current_path() == path


async def test_first_initialize_exclude_set_type_accept_and_save(
    workspace: Path,
    demo_url: str,
) -> None:
    store_shape(workspace, "Demo", "Get user", None)
    before = workspace.read_text()
    app = open_app(workspace, demo_url, on="Demo/Get user")
    async with app.run_test(size=SIZE) as pilot:
        assert "○·GET  Get user▕" in screen_text(app)
        dialog = await initialize(pilot, app)
        text = screen_text(app)
        assert "Initialize Demo/Get user" in text
        assert "16 fields learned from the response" in text
        assert "address.geo.lat" in text and "date-time" in text
        await cursor_to(pilot, dialog, "email")
        await pilot.press("x")
        assert "excluded" in screen_text(app)
        await cursor_to(pilot, dialog, "phone")
        await pilot.press("T")  # the type before text: the last one, any
        await pilot.press("t", "t")  # round to text (unpinned again), then number
        assert dialog.shape.get("phone").type is FieldType.NUMBER  # type: ignore[union-attr]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        text = screen_text(app)
        assert "●·GET  Get user▕" in text  # initialized, in the tree at once
        assert "Demo *" in text  # an unsaved edit
        assert workspace.read_text() == before  # nothing written yet
        await save(pilot, app)
        assert "Demo *" not in screen_text(app)
    shape = saved_shape(workspace, "Get user")
    assert shape["email"] == "text (excluded)"
    assert shape["phone"] == "number (pinned)"
    assert shape["id"] == "integer" and shape["address.geo.lat"] == "number"
    # Only the call's shape lines were added: the rest of the file is as it was.
    assert all(line.startswith("+") for line in changed_lines(before, workspace.read_text()))


async def test_reinitialize_shows_drift_keep_then_accept(
    workspace: Path,
    demo_url: str,
) -> None:
    text = workspace.read_text()
    get_user = text.index('name = "Get user"')
    drifted = text[:get_user] + text[get_user:].replace('name = "text"', 'name = "integer"', 1)
    workspace.write_text(drifted)
    app = open_app(workspace, demo_url, on="Demo/Get user")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await initialize(pilot, app)
        text = screen_text(app)
        assert "Reinitialize Demo/Get user" in text
        assert "drifted from the saved shape (1 change)" in text
        assert "~ name: integer -> text" in text
        await pilot.press("escape")  # keep the saved shape
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert not main_screen(app).documents[0].dirty
        assert "Kept the saved shape of Demo/Get" in screen_text(app)
        await save(pilot, app)
        assert workspace.read_text() == drifted

        await initialize(pilot, app)
        await pilot.press("a")  # accept the new shape
        await pilot.pause()
        assert main_screen(app).documents[0].dirty
        await save(pilot, app)
    assert changed_lines(drifted, workspace.read_text()) == [
        '-name = "integer"',
        '+name = "text"',
    ]


async def test_reinitialize_without_drift_says_so(
    workspace: Path,
    demo_url: str,
) -> None:
    before = workspace.read_text()
    app = open_app(workspace, demo_url, on="Demo/List users")
    async with app.run_test(size=SIZE) as pilot:
        await initialize(pilot, app)
        assert "No drift: the response matches the saved shape" in screen_text(app)
        await pilot.press("enter")  # accepting the same shape changes nothing
        await pilot.pause()
        assert not main_screen(app).documents[0].dirty
    assert workspace.read_text() == before


async def test_an_action_call_asks_before_initializing(
    workspace: Path,
    demo_url: str,
    fresh_demo: DemoServer,
) -> None:
    app = open_app(workspace, demo_url, on="Demo/Create user")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f6")
        assert isinstance(app.screen, ChoiceScreen)
        assert "Initialize an action call?" in screen_text(app)
        await pilot.press("n")
        await workers_done(app)
        assert fresh_demo.state.request_count("POST", "/users") == 0
        assert isinstance(app.screen, MainScreen)
        await pilot.press("f6", "y")
        await wait_for(pilot, lambda: isinstance(app.screen, ShapeReviewScreen))
        assert fresh_demo.state.request_count("POST", "/users") == 1
        assert "Initialize Demo/Create user" in screen_text(app)
        await pilot.press("escape")  # not kept: still not initialized
        await pilot.pause()
        assert not main_screen(app).documents[0].dirty


async def test_an_answer_without_data_says_why_and_changes_nothing(
    workspace: Path,
    demo_url: str,
) -> None:
    app = open_app(workspace, demo_url, on="Demo/Not found")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("f6")
        await settle(pilot, app)  # sent, and the flow ended without a dialog
        assert isinstance(app.screen, MainScreen)
        text = screen_text(app)
        assert "404 Not Found" in text and "was not initialized" in text
        assert not main_screen(app).documents[0].dirty


async def test_initialize_from_a_pasted_sample(
    workspace: Path,
    demo_url: str,
    fresh_demo: DemoServer,
) -> None:
    app = open_app(workspace, demo_url, on="Demo/Create user")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("shift+f6")
        await pilot.pause()
        assert isinstance(app.screen, SamplePromptScreen)
        assert "Paste a sample JSON response" in screen_text(app)
        await paste(pilot, '{"id": 26, "name": "Ada", "tags": ["demo"], "geo": {"lat": ')
        await pilot.press("f6")
        await pilot.pause()
        # Not valid JSON: said in the dialog, and the pasted text stays to be fixed.
        assert isinstance(app.screen, SamplePromptScreen)
        assert "Not learned: the response is not valid JSON" in screen_text(app)
        area = app.screen.query_one(TextArea)
        assert area.text.startswith('{"id": 26')
        area.move_cursor(area.document.end)
        await type_text(pilot, "51.5}}")
        await pilot.press("f6")
        await wait_for(pilot, lambda: isinstance(app.screen, ShapeReviewScreen))
        await pilot.pause()
        text = screen_text(app)
        assert "learned from the sample" in text and "geo.lat" in text and "tags[]" in text
        await pilot.press("enter")
        await pilot.pause()
        await save(pilot, app)
    assert fresh_demo.state.request_count("POST", "/users") == 0  # nothing was sent
    assert saved_shape(workspace, "Create user") == {
        "id": "integer",
        "name": "text",
        "tags": "list",
        "tags[]": "text",
        "geo": "object",
        "geo.lat": "number",
    }


async def test_a_cancelled_sample_is_offered_again(
    workspace: Path,
    demo_url: str,
) -> None:
    app = open_app(workspace, demo_url, on="Demo/XML")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await paste(pilot, "pasted response")
        await palette_searched(pilot, "pasted response")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SamplePromptScreen))
        assert "Paste a sample XML response" in screen_text(app)
        await paste(pilot, "<catalog><book id='1'>")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        await pilot.press("shift+f6")
        await pilot.pause()
        assert isinstance(app.screen, SamplePromptScreen)
        assert app.screen.query_one(TextArea).text == "<catalog><book id='1'>"


async def test_the_keys_are_in_the_footer_help_and_palette(
    workspace: Path,
    demo_url: str,
) -> None:
    app = open_app(workspace, demo_url)
    async with app.run_test(size=SIZE) as pilot:
        assert "f6 Init" in screen_text(app)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        rows = {(r.keys, r.description) for r in app.screen._rows}
        assert ("f6", "Initialize: send, learn the response shape") in rows
        assert ("shift+f6", "Initialize from a pasted response") in rows
        assert ("f6", "Learn the shape of the pasted sample") in rows
        assert any(d == "Exclude / include the field" for _, d in rows)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        await pilot.press("ctrl+p")
        await paste(pilot, "initialize send")
        await palette_searched(pilot, "initialize send")
        assert "key: f6" in screen_text(app)


async def test_the_saved_shape_is_shown_read_only(workspace: Path, demo_url: str) -> None:
    before = workspace.read_text()
    app = open_app(workspace, demo_url, on="Demo/List users")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f12")
        await wait_for(pilot, lambda: isinstance(app.screen, SavedShapeScreen))
        await pilot.pause()
        text = screen_text(app)
        assert "Shape of Demo/List users" in text
        assert '22 fields. "|null": may be null, "?": may be missing.' in text
        assert "data[].birthday         date|null" in text
        # Keys that edit in the shape dialog edit nothing here.
        await pilot.press("x", "t", "p", "o", "n", "enter", "a", "pagedown")
        await pilot.pause()
        assert isinstance(app.screen, SavedShapeScreen)
        assert "data[].phone            text?" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert not main_screen(app).documents[0].dirty
        await save(pilot, app)
    assert workspace.read_text() == before


async def test_a_call_without_a_shape_says_how_to_initialize_it(
    workspace: Path, demo_url: str
) -> None:
    store_shape(workspace, "Demo", "Get user", None)
    app = open_app(workspace, demo_url, on="Demo/Get user")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("ctrl+p")
        await paste(pilot, "saved response shape")
        await palette_searched(pilot, "saved response shape")
        assert "key: f12" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, MainScreen)
        text = screen_text(app)
        assert "Demo/Get user is not initialized: F6" in text and "initializes it" in text


async def test_review_marks_fields_optional_and_nullable_and_picks_a_type(
    workspace: Path, demo_url: str
) -> None:
    store_shape(workspace, "Demo", "Get user", None)
    app = open_app(workspace, demo_url, on="Demo/Get user")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        dialog = await initialize(pilot, app)
        assert "o optional (?)  n nullable (|null)" in screen_text(app)
        await cursor_to(pilot, dialog, "id")
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, TypePickScreen))
        assert "Type of id" in screen_text(app)
        highlighted = app.screen.query_one(OptionList).highlighted
        assert highlighted == list(FieldType).index(FieldType.INTEGER)
        await pilot.press("up", "up")  # integer, number, text
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is dialog)
        assert dialog.shape.get("id") == Field("id", FieldType.TEXT, pinned=True)
        await cursor_to(pilot, dialog, "name")
        await pilot.press("n", "n")  # on and off again: as learned, so not pinned
        await cursor_to(pilot, dialog, "email")
        await pilot.press("o", "n")
        assert "text|null?" in screen_text(app)
        await cursor_to(pilot, dialog, "created_at")
        await pilot.press("p", "escape")  # the list closed: the type stays
        await wait_for(pilot, lambda: app.screen is dialog)
        await cursor_to(pilot, dialog, "birthday")
        await pilot.press("p", "up", "enter")  # date, null
        await wait_for(pilot, lambda: app.screen is dialog)
        await pilot.press("n")  # a null field is always null: refused, said why
        await pilot.pause()
        assert "A null field is always null" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        await save(pilot, app)
    shape = saved_shape(workspace, "Get user")
    assert shape["email"] == "text|null? (pinned)"
    assert shape["name"] == "text"
    assert shape["id"] == "text (pinned)"
    assert shape["created_at"] == "date-time"
    assert shape["birthday"] == "null (pinned)"
