"""Keys that respect a shell, readline or tmux user's habits.

Inside a text field, ctrl+a/e/k/u/w/d edit text and do nothing else; the
environment changes only through a question (F8); deleting a row or a call can
be undone with ctrl+z; ctrl+b (tmux's prefix) has a second key, F2.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.widgets import DataTable, Input

from tests.ui_app import SIZE, main_screen, notified, open_app, screen_text, send
from tests.ui_keys import type_text
from tests.ui_wait import wait_for
from workbench.core.desk import TreeItem
from workbench.core.workspace import WorkspaceDocument
from workbench.ui.app import WorkbenchApp
from workbench.ui.dialogs.choice import ChoiceScreen
from workbench.ui.dialogs.jump import JumpScreen
from workbench.ui.screens.main import MainScreen
from workbench.ui.widgets.call_editor import CallEditor
from workbench.ui.widgets.environment_badge import EnvironmentBadge
from workbench.ui.widgets.json_tree import JsonTree
from workbench.ui.widgets.parameter_table import ParameterTable
from workbench.ui.widgets.private_input import PrivateInput
from workbench.ui.widgets.provider_editor import ProviderEditor
from workbench.ui.widgets.response_view import ResponseView
from workbench.ui.widgets.rows_editor import RowsEditor
from workbench.ui.widgets.workspace_tree import WorkspaceTree

ROOT = Path(__file__).resolve().parents[1]
GET_USER_ROW = re.compile(r"GET  Get user *▕")  # the tree's row, not "Get user (versioned)"
# What readline (and Textual's own text fields) do with these inside a text field.
TEXT_KEYS = {"ctrl+a", "ctrl+e", "ctrl+k", "ctrl+u", "ctrl+w", "ctrl+d", "ctrl+h", "ctrl+y"}
TERMINAL_KEYS = {"ctrl+b", "ctrl+l", "ctrl+c", "ctrl+s", "ctrl+q"}  # tmux, redraw, signals


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    path = tmp_path / "demo.toml"
    shutil.copy(ROOT / "workspaces" / "demo.toml", path)
    return path


def test_no_key_of_ours_takes_a_text_editing_key() -> None:
    """Bindings that win over a focused text field (priority) or live on a screen around
    one never use a readline key; tmux's prefix and the terminal's ctrl+l are not ours."""
    owners = [WorkbenchApp, MainScreen, RowsEditor, ParameterTable, PrivateInput]
    owners += [CallEditor, ProviderEditor, ResponseView, WorkspaceTree]
    for owner in owners:
        for binding in Binding.make_bindings(owner.BINDINGS):
            assert binding.key not in TEXT_KEYS, (owner.__name__, binding)
            if binding.key in TERMINAL_KEYS - {"ctrl+s", "ctrl+q"}:
                # Kept only with a meaning the terminal gives it, or with a second key.
                assert (owner, binding.key) in {
                    (MainScreen, "ctrl+b"),
                    (MainScreen, "ctrl+l"),
                }, (owner.__name__, binding)
    actions = {b.key: b.action for b in Binding.make_bindings(MainScreen.BINDINGS)}
    assert actions["ctrl+l"] == "redraw"
    assert actions["ctrl+b"] == "toggle_tree"


async def test_readline_keys_in_the_url_field_edit_text_only(
    workspace: Path, demo_url: str
) -> None:
    app = open_app(workspace, demo_url, on="Demo/Get user")
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        url = screen.query_one("#url", Input)
        url.focus()
        await pilot.press("ctrl+a")
        await type_text(pilot, "X")
        await pilot.press("ctrl+e")
        await type_text(pilot, "Y")
        assert url.value == "X/users/[id]Y"
        await pilot.press("ctrl+a", "ctrl+d")  # deletes the character under the cursor
        assert url.value == "/users/[id]Y"
        await pilot.press("ctrl+e", "ctrl+w")  # the word before the cursor
        assert url.value == "/users/[id]"
        await pilot.press("ctrl+a", "ctrl+k")  # to the end of the line
        assert url.value == ""
        await type_text(pilot, "/users/7")
        await pilot.press("ctrl+u")  # to the start
        assert url.value == ""
        await pilot.press("ctrl+l")  # redraws; nothing reloaded, nothing else
        await pilot.pause()
        assert isinstance(app.screen, MainScreen) and url.has_focus
        assert screen.query_one(EnvironmentBadge).environment == "development"
        assert screen.workspace_tree.display
        await wait_for(pilot, lambda: screen.documents[0].dirty, what="the edit taken")
        call = screen.documents[0].workspace.providers[0].call("Get user")
        assert call is not None and call.url == ""


async def test_ctrl_d_in_a_row_deletes_a_character_and_ctrl_z_brings_a_deleted_row_back(
    workspace: Path, demo_url: str
) -> None:
    app = open_app(workspace, demo_url, on="Demo/List users")
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        editor = screen.query_one(CallEditor)
        names = [p.name for p in editor.to_model().parameters]
        await wait_for(
            pilot, lambda: list(editor.query("#parameters Input.row-name")), what="the rows"
        )
        first = editor.query_one("#parameters Input.row-name", Input)
        first.focus()
        await pilot.press("home", "ctrl+d")
        assert first.value == names[0][1:] and len(editor.to_model().parameters) == len(names)
        await pilot.press("ctrl+z")  # no row deleted: nothing to bring back here
        await type_text(pilot, names[0][0])

        await pilot.press("ctrl+delete")
        await pilot.pause()
        assert [p.name for p in editor.to_model().parameters] == names[1:]
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert [p.name for p in editor.to_model().parameters] == names
        await wait_for(
            pilot,
            lambda: [p.name for p in screen.desk.selected.call_model.parameters] == names,  # type: ignore[union-attr]
            what="the row back in the workspace",
        )


async def test_a_deleted_call_comes_back_with_ctrl_z(workspace: Path, demo_url: str) -> None:
    app = open_app(workspace, demo_url, on="Demo/Get user")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = main_screen(app)
        screen.workspace_tree.focus()
        await pilot.press("delete")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen), what="the question")
        await pilot.press("y")
        demo = screen.documents[0]
        await wait_for(pilot, lambda: demo.workspace.providers[0].call("Get user") is None)
        await wait_for(pilot, lambda: not GET_USER_ROW.search(screen_text(app)), what="gone")
        await pilot.press("ctrl+z")
        await wait_for(pilot, lambda: demo.workspace.providers[0].call("Get user") is not None)
        await wait_for(pilot, lambda: GET_USER_ROW.search(screen_text(app)), what="back")
        assert screen.selected is not None and screen.selected.path == "Demo/Get user"
        assert "Brought back the call Demo/Get user." in screen_text(app)
        assert WorkspaceDocument.load(workspace).workspace == screen.documents[0].workspace


# --- reaching things -----------------------------------------------------------------------


async def test_the_json_tree_is_two_keys_away_from_anywhere(workspace: Path, demo_url: str) -> None:
    app = open_app(workspace, demo_url, on="Demo/List users")
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        await send(pilot, app)
        json_tree = screen.query_one(JsonTree)
        for start in ("#url", "#main-tree", "#body"):
            screen.query_one(start).focus()
            await pilot.press("ctrl+o")
            await wait_for(pilot, lambda: isinstance(app.screen, JumpScreen), what="jump mode")
            await pilot.press("1")
            await wait_for(pilot, lambda: json_tree.has_focus, what=f"the JSON tree from {start}")
        screen.query_one("#url").focus()
        await pilot.press("f4")  # the response, on the tab it shows
        await wait_for(pilot, lambda: json_tree.has_focus, what="the JSON tree with F4")
        await pilot.press("3")  # inside the response, digits pick its tabs
        await wait_for(pilot, lambda: screen.query_one("#response-headers").has_focus)


async def test_jump_letters_go_to_fields_and_tabs_and_other_keys_go_nowhere(
    workspace: Path, demo_url: str
) -> None:
    app = open_app(workspace, demo_url, on="Demo/Echo")
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, JumpScreen), what="jump mode")
        shown = screen_text(app)
        for letter in ("t", "m", "u", "p", "h", "b", "o", "n", "1", "2", "3", "4"):
            assert letter in app.screen.query_one(f"#jump-{letter}").render().plain  # type: ignore[union-attr]
        await pilot.press("u")
        await wait_for(pilot, lambda: screen.query_one("#url").has_focus, what="the URL")
        await pilot.press("ctrl+o", "b")
        body = screen.query_one("#body")
        await wait_for(pilot, lambda: screen.query_one("#body-type").has_focus, what="Body tab")
        assert body.display
        await pilot.press("ctrl+o", "escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen), what="closed")
        assert screen.query_one("#body-type").has_focus
        assert shown  # the letters were drawn over the screen, which stayed visible
        await pilot.press("f2")
        assert screen.workspace_tree.has_focus
        await pilot.press("f2")  # in the tree, F2 hides it (ctrl+b is tmux's prefix)
        assert not screen.workspace_tree.display
        await pilot.press("f2")
        assert screen.workspace_tree.display and screen.workspace_tree.has_focus
        await pilot.press("f3")
        assert screen.query_one("#url").has_focus


async def test_f9_maximises_the_pane_with_the_focus_and_restores_it(
    workspace: Path, demo_url: str
) -> None:
    app = open_app(workspace, demo_url, on="Demo/List users")
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        await send(pilot, app)
        await pilot.press("f4", "f9")
        assert screen.maximized is screen.response_view
        visible_lines = screen.response_view.region.height
        assert visible_lines >= SIZE[1] - 2, visible_lines
        await pilot.press("f9")
        assert screen.maximized is None and screen.workspace_tree.display
        await pilot.press("f3", "f9")
        assert screen.maximized is screen.query_one("#main-editor")
        await pilot.press("f2")  # going elsewhere restores the layout
        assert screen.maximized is None and screen.workspace_tree.has_focus


async def test_the_tree_fits_long_names_where_there_is_room_and_resizes_with_keys(
    workspace: Path, demo_url: str
) -> None:
    app = open_app(workspace, demo_url)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = main_screen(app)
        tree = screen.workspace_tree
        await wait_for(pilot, lambda: "Get user (versioned)" in screen_text(app), what="names")
        wide = tree.outer_size.width
        assert 26 < wide <= 160 // 3
        tree.focus()
        await pilot.press("less_than_sign")
        await wait_for(pilot, lambda: tree.outer_size.width == wide - 4, what="narrower")
        await pilot.press("greater_than_sign", "greater_than_sign")
        await wait_for(pilot, lambda: tree.outer_size.width == wide + 4, what="wider")
    app = open_app(workspace, demo_url)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert main_screen(app).workspace_tree.outer_size.width == 26  # a third of 80 columns


# --- each call's answer ----------------------------------------------------------------------


async def test_each_call_shows_its_own_answer_and_comes_back_as_it_was_left(
    workspace: Path, demo_url: str
) -> None:
    """Send A, select B ("not sent yet"), back to A: A's answer, on the tab and with the
    nodes the user left open."""
    app = open_app(workspace, demo_url, on="Demo/List users")
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        view = screen.response_view
        shown = screen_text(app)
        assert "Demo/List users · development" in shown and "Not sent yet in development" in shown
        await send(pilot, app)
        json_tree = screen.query_one(JsonTree)
        json_tree.select_path(("data", 1, "address"))
        json_tree.cursor_node.expand()  # type: ignore[union-attr]
        await pilot.press("f4", "3")  # the headers tab
        await wait_for(pilot, lambda: screen.query_one("#response-headers").has_focus)
        assert "Demo/List users · development" in screen_text(app)

        screen.desk.select(TreeItem(screen.documents[0], "Demo", "Echo"))
        await wait_for(
            pilot,
            lambda: "Not sent yet in development" in screen_text(app),
            what="the other call's empty answer",
        )
        assert "Demo/Echo · development" in screen_text(app)
        assert "X-Request-Id" not in screen_text(app)  # no header of List users' answer

        screen.desk.select(TreeItem(screen.documents[0], "Demo", "List users"))
        await wait_for(pilot, lambda: "200" in screen_text(app), what="List users' answer")
        assert view.view_state().tab == "tab-headers"
        await pilot.press("1")
        await wait_for(pilot, lambda: json_tree.display and json_tree.cursor_node is not None)
        opened = json_tree.view()
        assert ("data", 1, "address") in opened.expanded
        assert opened.cursor == ("data", 1, "address")


# --- copy, editor, pager -------------------------------------------------------------------


async def test_y_copies_the_value_the_header_or_the_body_where_the_cursor_is(
    workspace: Path, demo_url: str
) -> None:
    app = open_app(workspace, demo_url, on="Demo/List users")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = main_screen(app)
        await send(pilot, app)
        await pilot.press("f4")
        json_tree = screen.query_one(JsonTree)
        await wait_for(pilot, lambda: json_tree.has_focus)
        json_tree.select_path(("data", 0, "email"))
        await pilot.press("y")
        assert app.clipboard == "ada.lovelace@example.com"
        assert "Copied the value at data[0].email" in notified(app)
        json_tree.select_path(("data", 0, "address"))
        await pilot.press("y")
        assert json.loads(app.clipboard)["city"] == "Paris"

        await pilot.press("3")  # the headers: the row under the cursor
        await wait_for(pilot, lambda: screen.query_one("#response-headers").has_focus)
        headers = screen.query_one("#response-headers", DataTable)
        row = [name for name, _ in screen.response_view._headers].index("Content-Type")
        headers.move_cursor(row=row)
        await pilot.press("y")
        assert app.clipboard == "Content-Type: application/json"
        await pilot.press("2")  # the body, as shown (pretty)
        await wait_for(pilot, lambda: screen.query_one("#response-body").has_focus)
        await pilot.press("y")
        assert json.loads(app.clipboard)["total"] == 25 and "\n  " in app.clipboard


async def test_f10_says_why_when_the_terminal_cannot_lend_the_screen(
    workspace: Path, demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under Pilot there is no terminal to lend; in a real one, see test_ui_tmux."""
    monkeypatch.setenv("EDITOR", "true")
    app = open_app(workspace, demo_url, on="Demo/Echo")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("f3", "f10")
        await wait_for(pilot, lambda: "cannot lend the screen to the editor" in notified(app))


async def test_ctrl_c_says_how_to_quit_and_quits_nothing(workspace: Path, demo_url: str) -> None:
    app = open_app(workspace, demo_url, on="Demo/List users")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("ctrl+c")
        await wait_for(pilot, lambda: "ctrl+q quits" in notified(app))
        assert "[b]" not in notified(app) and app.is_running
