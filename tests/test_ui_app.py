"""The TUI driven by keys through Textual's Pilot at 80x24, sending to the demo API on loopback.

Each test works on a copy of workspaces/demo.toml in a temporary folder, with
every provider pointed at the demo server by the base-URL override, and a
secret store of its own (the `isolated_home` fixture).
"""

from __future__ import annotations

import argparse
import difflib
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cli_process import workbench, workbench_here
from textual.pilot import Pilot
from textual.widgets import Input, Static

from tests.ui_app import SIZE, main_screen, open_app, screen_text, send, stored_by_name
from tests.ui_keys import paste, type_text
from tests.ui_wait import palette_searched, settle, wait_for, workers_done
from workbench.core.desk import TreeItem
from workbench.core.secrets import address_named
from workbench.core.secrets.store import SecretAddress, SecretStore
from workbench.core.workspace.document import WorkspaceDocument
from workbench.demo.server import DemoServer
from workbench.ui.app import WorkbenchApp
from workbench.ui.dialogs.choice import ChoiceScreen
from workbench.ui.dialogs.help import HelpScreen
from workbench.ui.dialogs.name_prompt import NamePromptScreen
from workbench.ui.dialogs.secret_prompt import PrivateValuePromptScreen
from workbench.ui.screens.main import MainScreen
from workbench.ui.widgets import response_view
from workbench.ui.widgets.environment_badge import EnvironmentBadge
from workbench.ui.widgets.json_tree import JsonTree
from workbench.ui.widgets.workspace_tree import WorkspaceTree

ROOT = Path(__file__).resolve().parents[1]
KEY_ADDRESS = SecretAddress("Demo", "Check API key/param.X-Api-Key")


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    path = tmp_path / "demo.toml"
    shutil.copy(ROOT / "workspaces" / "demo.toml", path)
    return path


async def select(pilot: Pilot[None], app: WorkbenchApp, path: str) -> None:
    """Select the call at `path` as the palette's "Go to call" does once it is chosen, without
    typing: for tests about what follows (test_palette_offers_actions_and_calls and
    test_a_folder_of_workspaces type it)."""
    screen = main_screen(app)
    provider, call = path.split("/", 1)
    screen.go_to(TreeItem(screen.documents[0], provider, call))
    await pilot.pause()
    selected = screen.selected
    assert selected is not None and selected.path == path


# --- start-up --------------------------------------------------------------------------------


def test_start_imports_no_httpx(workspace: Path) -> None:
    """Starting the app loads workspaces without the HTTP stack (imported at the first send)."""
    script = f"""
import asyncio, sys
from pathlib import Path
from workbench.ui.app import WorkbenchApp
from workbench.core.workspace.document import WorkspaceDocument

async def main():
    app = WorkbenchApp([WorkspaceDocument.load(Path({str(workspace)!r}))])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        print(sorted(m for m in ("httpx", "authlib", "jwt") if m in sys.modules))

asyncio.run(main())
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"


async def test_layout_at_80x24(workspace: Path, demo_url: str) -> None:
    app = open_app(workspace, demo_url)
    async with app.run_test(size=SIZE):
        text = screen_text(app)
        assert "·GET  List users" in text
        assert "!POST Create user" in text  # an action call has its own mark
        assert "env development" in text
        assert "^j Send" in text and "^s Save" in text
        assert isinstance(app.focused, WorkspaceTree)


async def test_the_footer_ends_cleanly_when_its_keys_do_not_fit(
    workspace: Path, demo_url: str
) -> None:
    """In the JSON tree the keys overflow at 80 columns: they go under the palette's key,
    none shows a letter between it and the environment."""
    app = open_app(workspace, demo_url, on="Demo/List users")
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, app)
        await pilot.press("f4")
        await wait_for(pilot, lambda: isinstance(app.focused, JsonTree), what="the JSON tree")
        footer = screen_text(app).splitlines()[-1]
        assert "Expand all" in footer
        # (The screenshot drops spaces between styled parts: "^p" and "palette" touch.)
        assert re.search(r"\^p ?palette *env development$", footer), footer


# --- sending ---------------------------------------------------------------------------------


async def test_select_and_send_shows_status_and_data(workspace: Path, demo_url: str) -> None:
    app = open_app(workspace, demo_url)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "down")  # workspace, provider, first call
        assert main_screen(app).selected == TreeItem(
            main_screen(app).documents[0], "Demo", "List users"
        )
        await pilot.press("enter")  # on a call: into its editor
        assert main_screen(app).query_one("#url", Input).has_focus
        await send(pilot, app)
        text = screen_text(app)
        assert "200 OK" in text
        assert "total: 25" in text  # a field of the body, in the JSON tree


async def test_the_tree_shows_the_sessions_data_without_parsing_again(
    workspace: Path, demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A body is parsed once, by the session, not again by the response view (14 MB: 0.5 s)."""

    def parse_again(*args: object) -> object:
        raise AssertionError("the response view parsed the body again")

    monkeypatch.setattr(response_view, "parse_json", parse_again)
    app = open_app(workspace, demo_url, on="Demo/List users")
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, app)
        text = screen_text(app)
        assert "200 OK" in text and "total: 25" in text
        # ... and kept as the call's latest data, where chained parameters find it.
        session = main_screen(app).documents[0].session()
        assert session.latest_data("Demo", "List users")["total"] == 25  # type: ignore[index]


async def test_not_found_shows_status_and_body(workspace: Path, demo_url: str) -> None:
    app = open_app(workspace, demo_url, on="Demo/Not found")
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, app)
        text = screen_text(app)
        assert "404 Not Found" in text
        assert 'reason: "Not Found"' in text  # the body, in the JSON tree


async def test_escape_cancels_a_call_in_flight(workspace: Path, demo_url: str) -> None:
    slow = '{ name = "seconds", value = "3" }'
    workspace.write_text(workspace.read_text().replace(slow, slow.replace("3", "60")))
    app = open_app(workspace, demo_url, on="Demo/Slow")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+j")
        await wait_for(pilot, lambda: "esc Cancel" in screen_text(app))
        await pilot.press("escape")
        # The demo answers after 60 s: the call ends long before that, or not at all.
        await workers_done(app, timeout=10)
        await pilot.pause()
        assert "Cancelled" in screen_text(app)


async def test_action_call_asks_before_sending(
    workspace: Path, demo_url: str, fresh_demo: DemoServer
) -> None:
    app = open_app(workspace, demo_url, on="Demo/Create user")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+j")
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("n")
        await workers_done(app)
        assert fresh_demo.state.request_count("POST", "/users") == 0
        await pilot.press("ctrl+j", "y")
        await settle(pilot, app)
        assert fresh_demo.state.request_count("POST", "/users") == 1
        assert "201 Created" in screen_text(app)


async def test_action_call_without_confirmation_when_the_workspace_says_so(
    workspace: Path, demo_url: str, fresh_demo: DemoServer
) -> None:
    text = workspace.read_text().replace(
        'name = "Demo"\n\n', 'name = "Demo"\n\n[settings]\nconfirm_actions = false\n\n', 1
    )
    workspace.write_text(text)
    app = open_app(workspace, demo_url, on="Demo/Create user")
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, app)
        assert fresh_demo.state.request_count("POST", "/users") == 1


async def test_missing_private_value_is_asked_for_masked(workspace: Path, demo_url: str) -> None:
    value = f"key-{secrets.token_hex(8)}"
    app = open_app(workspace, demo_url, on="Demo/Check API key")
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, app)
        assert isinstance(app.screen, PrivateValuePromptScreen)
        await type_text(pilot, value)
        assert value not in screen_text(app)
        await pilot.press("ctrl+r")  # revealing is an explicit key
        assert value in screen_text(app)
        await pilot.press("ctrl+r", "enter")
        await settle(pilot, app)
        assert isinstance(app.screen, MainScreen)
        assert "200 OK" in screen_text(app)
        assert value not in screen_text(app)
    stored = stored_by_name(WorkspaceDocument.load(workspace).workspace)
    assert stored[str(KEY_ADDRESS)] == {"*": value}
    assert value not in workspace.read_text()


async def test_a_value_given_at_the_prompt_shows_as_set_in_the_editor(
    workspace: Path, demo_url: str
) -> None:
    app = open_app(workspace, demo_url, on="Demo/Check API key")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "not set" in screen_text(app), what="the X-Api-Key row")
        await send(pilot, app)
        assert isinstance(app.screen, PrivateValuePromptScreen)
        await type_text(pilot, "key-typed-at-the-prompt")
        await pilot.press("enter")
        await settle(pilot, app)
        assert "200 OK" in screen_text(app)
        assert "not set" not in screen_text(app)
        assert "•••• set" in screen_text(app)


async def test_private_value_never_on_screen(workspace: Path, demo_url: str) -> None:
    value = f"key-{secrets.token_hex(8)}"
    document = WorkspaceDocument.load(workspace, base_url=demo_url)
    document.secrets.set(KEY_ADDRESS, value)
    app = WorkbenchApp([document], selected=TreeItem(document, "Demo", "Check API key"))
    async with app.run_test(size=SIZE) as pilot:
        assert value not in screen_text(app)
        await send(pilot, app)
        assert "200 OK" in screen_text(app)
        for tab in ("request", "headers", "body"):
            main_screen(app).response_view.action_show_tab(tab)
            await pilot.pause()
            assert value not in screen_text(app)


async def test_environment_is_chosen_in_a_question(workspace: Path, demo_url: str) -> None:
    """F8 asks which environment (no key pressed by habit sends the next call to live)."""
    app = open_app(workspace, demo_url)
    async with app.run_test(size=SIZE) as pilot:
        badge = main_screen(app).query_one(EnvironmentBadge)
        assert badge.environment == "development" and badge.is_default
        await pilot.press("f8")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen), what="the question")
        assert "development (now) [1]" in screen_text(app) and "live [2]" in screen_text(app)
        await pilot.press("2")
        await wait_for(pilot, lambda: badge.environment == "live", what="live")
        assert not badge.is_default and "env live" in screen_text(app)
        await pilot.press("f8")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen), what="the question")
        await pilot.press("escape")  # keeps the environment
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen), what="the main screen")
        assert badge.environment == "live"


async def test_env_option_starts_in_that_environment(workspace: Path, demo_url: str) -> None:
    app = open_app(workspace, demo_url, environment="live")
    async with app.run_test(size=SIZE):
        assert main_screen(app).query_one(EnvironmentBadge).environment == "live"


# --- editing and saving ----------------------------------------------------------------------


def changed_lines(before: str, after: str) -> list[str]:
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]


async def test_edit_url_and_save_changes_that_line_only(workspace: Path, demo_url: str) -> None:
    before = workspace.read_text()
    app = open_app(workspace, demo_url, on="Demo/Get user")
    async with app.run_test(size=SIZE) as pilot:
        url = main_screen(app).query_one("#url", Input)
        url.focus()
        await pilot.press("end")
        await type_text(pilot, "/posts")
        assert "Demo *" in screen_text(app)  # unsaved, in the title and the tree
        await pilot.press("ctrl+s")
        await workers_done(app)
        assert "Demo *" not in screen_text(app)
    assert changed_lines(before, workspace.read_text()) == [
        '-url = "/users/[id]"',
        '+url = "/users/[id]/posts"',
    ]


async def test_the_provider_editor_says_the_base_url_is_overridden_for_this_run(
    workspace: Path, demo_url: str
) -> None:
    """`--base-url` (and `workbench demo`) sends every call elsewhere: the editor says where,
    and still edits the file's base URL, which is saved as it is."""
    app = open_app(workspace, demo_url)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down")
        await wait_for(pilot, lambda: "Base URL" in screen_text(app), what="the provider editor")
        text = screen_text(app)
        assert "http://127.0.0.1:8400" in text  # the file's
        assert f"This run sends to {demo_url} (--base-url)" in text
        base_url = main_screen(app).query_one("#base-url", Input)
        base_url.focus()
        await pilot.press("end")
        await type_text(pilot, "/v1")
        await pilot.press("ctrl+s")
        await workers_done(app)
        assert f"This run sends to {demo_url} (--base-url)" in screen_text(app)
    assert 'base_url = "http://127.0.0.1:8400/v1"' in workspace.read_text()
    assert demo_url not in workspace.read_text()


async def test_the_provider_editor_says_its_calls_go_through_its_proxy(
    workspace: Path, demo_url: str
) -> None:
    text = workspace.read_text()
    proxied = 'base_url = "http://127.0.0.1:8400"\nproxy = "socks5://ada@127.0.0.1:1080"'
    workspace.write_text(text.replace('base_url = "http://127.0.0.1:8400"', proxied, 1))
    app = open_app(workspace, demo_url)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down")
        await wait_for(pilot, lambda: "Base URL" in screen_text(app), what="the provider editor")
        hint = str(main_screen(app).query_one("#base-url-hint", Static).render())
        assert hint.endswith(
            "\nThrough the proxy socks5://127.0.0.1:1080 (proxy in the workspace file)"
        )
        assert "socks5://127.0.0.1" in screen_text(app)


async def test_edited_call_is_sent_before_saving(
    workspace: Path, demo_url: str, fresh_demo: DemoServer
) -> None:
    app = open_app(workspace, demo_url, on="Demo/Get user")
    async with app.run_test(size=SIZE) as pilot:
        url = main_screen(app).query_one("#url", Input)
        url.focus()
        await pilot.press("home", "shift+end")
        await type_text(pilot, "/echo")
        await send(pilot, app)
        assert fresh_demo.state.request_count("GET", "/echo") == 1


async def tree_keys(pilot: Pilot[None], app: WorkbenchApp, *keys: str) -> None:
    main_screen(app).workspace_tree.focus()
    await pilot.press(*keys)
    await pilot.pause()


async def answer_name(pilot: Pilot[None], app: WorkbenchApp, name: str) -> None:
    assert isinstance(app.screen, NamePromptScreen)
    await pilot.press("ctrl+a", "ctrl+k")
    await type_text(pilot, name)
    await pilot.press("enter")
    await pilot.pause()


def call_names(path: Path) -> list[str]:
    return [c.name for c in WorkspaceDocument.load(path).workspace.providers[0].calls]


async def save(pilot: Pilot[None], app: WorkbenchApp) -> None:
    await pilot.press("ctrl+s")
    await workers_done(app)
    await pilot.pause()


async def test_rename_duplicate_move_delete_update_tree_and_file(
    workspace: Path, demo_url: str
) -> None:
    original = call_names(workspace)
    app = open_app(workspace, demo_url, on="Demo/Get user")
    async with app.run_test(size=SIZE) as pilot:
        await tree_keys(pilot, app, "r")
        await answer_name(pilot, app, "Fetch user")
        assert "·GET  Fetch user" in screen_text(app)
        await save(pilot, app)
        assert call_names(workspace)[1] == "Fetch user"

        await tree_keys(pilot, app, "d")
        assert main_screen(app).selected.path == "Demo/Fetch user copy"  # type: ignore[union-attr]
        await tree_keys(pilot, app, "K", "K")
        await save(pilot, app)
        assert call_names(workspace)[:3] == ["Fetch user copy", "List users", "Fetch user"]

        await tree_keys(pilot, app, "J")
        await tree_keys(pilot, app, "delete")
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("y")
        await pilot.pause()
        assert "Fetch user copy" not in screen_text(app)
        await save(pilot, app)
    assert call_names(workspace) == ["List users", "Fetch user", *original[2:]]


async def test_renaming_a_source_call_keeps_the_calls_chained_from_it(
    workspace: Path, demo_url: str
) -> None:
    app = open_app(workspace, demo_url, on="Demo/List users")
    async with app.run_test(size=SIZE) as pilot:
        await tree_keys(pilot, app, "r")
        await answer_name(pilot, app, "All users")
        await save(pilot, app)
    assert '{ name = "id", from = "All users", path = "data[0].id" }' in workspace.read_text()


async def test_deleting_a_source_call_is_refused_naming_its_chained_parameters(
    workspace: Path, demo_url: str
) -> None:
    app = open_app(workspace, demo_url, on="Demo/List users")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await tree_keys(pilot, app, "delete")
        assert isinstance(app.screen, MainScreen)  # not asked: it cannot be deleted
        text = screen_text(app)  # the notification, wrapped
        assert "Cannot delete the call 'Demo/List" in text
        assert "'Demo/Rename first user' takes its" in text
        assert not main_screen(app).documents[0].dirty


async def test_new_provider_and_call(workspace: Path, demo_url: str) -> None:
    app = open_app(workspace, demo_url)
    async with app.run_test(size=SIZE) as pilot:
        await tree_keys(pilot, app, "N")
        await answer_name(pilot, app, "Other")
        await tree_keys(pilot, app, "n")
        await answer_name(pilot, app, "Ping")
        assert main_screen(app).selected.path == "Other/Ping"  # type: ignore[union-attr]
        await save(pilot, app)
    saved = WorkspaceDocument.load(workspace).workspace
    assert [p.name for p in saved.providers] == ["Demo", "Other"]
    assert [c.name for c in saved.providers[1].calls] == ["Ping"]


async def test_bad_name_is_refused_in_the_dialog(workspace: Path, demo_url: str) -> None:
    app = open_app(workspace, demo_url, on="Demo/Get user")
    async with app.run_test(size=SIZE) as pilot:
        await tree_keys(pilot, app, "r")
        await answer_name(pilot, app, "List users")
        assert isinstance(app.screen, NamePromptScreen)
        assert "already has a call named 'List users'" in screen_text(app)
        await pilot.press("escape")
        assert not main_screen(app).documents[0].dirty


async def test_a_renamed_call_keeps_its_stored_private_values(
    workspace: Path, demo_url: str
) -> None:
    document = WorkspaceDocument.load(workspace, base_url=demo_url)
    address = address_named(document.workspace, str(KEY_ADDRESS))
    assert address is not None
    document.secrets.set(address, "the-key")
    app = WorkbenchApp([document], selected=TreeItem(document, "Demo", "Check API key"))
    async with app.run_test(size=SIZE) as pilot:
        await tree_keys(pilot, app, "r")
        await answer_name(pilot, app, "Key check")
        await send(pilot, app)  # the renamed call finds its value before saving
        assert "200 OK" in screen_text(app)
        await save(pilot, app)
    stored = SecretStore().values(document.workspace.id)
    assert list(stored) == [address.key]  # under the call's id: nothing had to move
    assert "Demo/Key check/param.X-Api-Key" in stored_by_name(document.workspace)


async def test_quit_with_unsaved_edits_asks(workspace: Path, demo_url: str) -> None:
    before = workspace.read_text()
    app = open_app(workspace, demo_url, on="Demo/Get user")
    async with app.run_test(size=SIZE) as pilot:
        await tree_keys(pilot, app, "d")
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, ChoiceScreen)
        assert "Unsaved edits in Demo" in screen_text(app)
        await pilot.press("c")  # cancel: keep working
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, MainScreen)
        await pilot.press("ctrl+q")
        await pilot.press("d")  # discard
        await pilot.pause()
        assert not app.is_running
    assert workspace.read_text() == before


async def test_quit_can_save_first(workspace: Path, demo_url: str) -> None:
    app = open_app(workspace, demo_url, on="Demo/Get user")
    async with app.run_test(size=SIZE) as pilot:
        await tree_keys(pilot, app, "d")
        await pilot.press("ctrl+q", "s")
        await pilot.pause()
        assert not app.is_running
    assert "Get user copy" in call_names(workspace)


async def test_quit_without_edits_does_not_ask(workspace: Path, demo_url: str) -> None:
    app = open_app(workspace, demo_url)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f1", "ctrl+q")  # from the help screen too
        await pilot.pause()
        assert not app.is_running


async def test_quit_waits_for_an_open_question(workspace: Path, demo_url: str) -> None:
    app = open_app(workspace, demo_url, on="Demo/Create user")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+j", "ctrl+q")
        assert app.is_running and isinstance(app.screen, ChoiceScreen)


async def test_saving_over_an_external_change_asks(workspace: Path, demo_url: str) -> None:
    app = open_app(workspace, demo_url, on="Demo/Get user")
    async with app.run_test(size=SIZE) as pilot:
        await tree_keys(pilot, app, "d")
        external = workspace.read_text().replace('name = "Demo"\n', 'name = "Team demo"\n', 1)
        workspace.write_text(external)

        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ChoiceScreen)
        assert "changed by another program" in screen_text(app)
        await pilot.press("c")
        await workers_done(app)
        assert workspace.read_text() == external  # never overwritten silently

        await pilot.press("ctrl+s", "o")  # overwrite, knowingly
        await workers_done(app)
        assert "Get user copy" in call_names(workspace)


async def test_reload_after_an_external_change(workspace: Path, demo_url: str) -> None:
    app = open_app(workspace, demo_url, on="Demo/Get user")
    async with app.run_test(size=SIZE) as pilot:
        await tree_keys(pilot, app, "d")
        external = workspace.read_text().replace('name = "Echo"', 'name = "Echo back"')
        workspace.write_text(external)
        await pilot.press("ctrl+s", "r")  # reload: the file wins, the edit is dropped
        await workers_done(app)
        await pilot.pause()
        assert "Echo back" in screen_text(app)
        assert "Get user copy" not in screen_text(app)
        assert not main_screen(app).documents[0].dirty
    assert workspace.read_text() == external


async def test_shift_f5_reloads_from_disk_wherever_the_focus_is(
    workspace: Path, demo_url: str
) -> None:
    app = open_app(workspace, demo_url, on="Demo/Get user")
    async with app.run_test(size=SIZE) as pilot:
        main_screen(app).query_one("#url", Input).focus()
        workspace.write_text(workspace.read_text().replace('name = "Echo"', 'name = "Echo back"'))
        await pilot.press("shift+f5")  # no unsaved edits: nothing to ask
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert "Echo back" in screen_text(app)

        # The palette offers it by name, with its key.
        workspace.write_text(workspace.read_text().replace("Echo back", "Echo again"))
        await pilot.press("ctrl+p")
        await paste(pilot, "reload from disk")
        await palette_searched(pilot, "reload from disk")
        assert "key: shift+f5" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert "Echo again" in screen_text(app)


async def test_ctrl_r_in_a_private_field_only_reveals(workspace: Path, demo_url: str) -> None:
    value = f"key-{secrets.token_hex(4)}"
    app = open_app(workspace, demo_url, on="Demo/Check API key")
    async with app.run_test(size=SIZE) as pilot:
        main_screen(app).query_one("#call-editor .row.-private PrivateInput").focus()
        await type_text(pilot, value)
        workspace.write_text(workspace.read_text().replace('name = "Echo"', 'name = "Echo back"'))
        assert value not in screen_text(app)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert value in screen_text(app)
        assert isinstance(app.screen, MainScreen)
        assert "Echo back" not in screen_text(app)  # not reloaded
        await pilot.press("shift+f5")
        await pilot.pause()
        assert "Echo back" in screen_text(app)


def test_reveal_and_reload_have_keys_of_their_own() -> None:
    """ctrl+r only ever reveals a private value; reloading has a key nothing else uses."""
    from textual.binding import Binding
    from textual.widgets import DataTable, Select, TextArea, Tree

    from workbench.ui.widgets.body_view import BodyView
    from workbench.ui.widgets.json_tree import JsonTree
    from workbench.ui.widgets.private_input import PrivateInput
    from workbench.ui.widgets.response_view import ResponseView
    from workbench.ui.widgets.rows_editor import RowsEditor

    owners = [WorkbenchApp, MainScreen, WorkspaceTree, RowsEditor, PrivateInput, ResponseView]
    owners += [BodyView, JsonTree, ChoiceScreen, NamePromptScreen, PrivateValuePromptScreen]
    owners += [HelpScreen, Input, TextArea, Select, Tree, DataTable]
    actions: dict[str, set[str]] = {}
    for owner in owners:
        for binding in Binding.make_bindings(owner.BINDINGS):
            actions.setdefault(binding.key, set()).add(binding.action)
    assert actions["ctrl+r"] == {"toggle_reveal", "reveal"}
    assert [key for key, bound in actions.items() if "reload" in bound] == ["shift+f5"]
    assert actions["shift+f5"] == {"reload"}


# --- keys, help and palette ------------------------------------------------------------------


async def test_help_lists_every_binding(workspace: Path, demo_url: str) -> None:
    app = open_app(workspace, demo_url, on="Demo/Get user")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        rows = {(r.keys, r.description) for r in app.screen._rows}
        for expected in [
            ("^j, f5", "Send the selected call"),
            ("esc", "Cancel the call in flight"),
            ("^s", "Save the workspace files"),
            ("f8", "Choose the environment (development, live...)"),
            ("shift+f5", "Reload from disk"),
            ("r", "Rename"),
            ("del, x", "Delete"),
            ("^↑, K", "Move up"),
            ("f1, ?", "Show every key"),
            ("^q", "Quit (asks about unsaved edits)"),
        ]:
            assert expected in rows, expected
        await pilot.press("escape")
        await pilot.press("question_mark")  # ? opens help outside inputs...
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        main_screen(app).query_one("#url", Input).focus()
        await pilot.press("question_mark")  # ...and types a ? in an input
        assert isinstance(app.screen, MainScreen)
        assert main_screen(app).query_one("#url", Input).value.endswith("?")


async def test_help_lists_only_the_workbench_keys_and_explains_the_tree_marks(
    workspace: Path, demo_url: str
) -> None:
    """Not Textual's own keys (the tree's cursor keys, focus next...): those are not ours to
    explain, and they pushed ours off the page."""
    app = open_app(workspace, demo_url)
    async with app.run_test(size=SIZE) as pilot:
        assert main_screen(app).workspace_tree.has_focus
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        descriptions = {row.description for row in app.screen._rows}
        for internal in ("Cursor Up", "Scroll Left", "Focus Next", "Copy selected text"):
            assert internal not in descriptions
        assert {row.section for row in app.screen._rows} >= {"Everywhere", "Tree", "Response"}
        text = screen_text(app)
        for legend in ("● initialized", "○ not initialized", "· data call", "! action call"):
            assert legend in text, legend


async def test_palette_offers_actions_and_calls(workspace: Path, demo_url: str) -> None:
    app = open_app(workspace, demo_url)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p", *"go echo")
        await palette_searched(pilot, "go echo")
        await pilot.press("enter")
        await pilot.pause()
        assert main_screen(app).selected.path == "Demo/Echo"  # type: ignore[union-attr]
        await pilot.press("ctrl+p", *"choose the env")
        await palette_searched(pilot, "choose the env")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen), what="the question")
        await pilot.press("2")
        await wait_for(
            pilot,
            lambda: main_screen(app).query_one(EnvironmentBadge).environment == "live",
            what="live",
        )


async def test_go_to_call_shows_urls_as_written(workspace: Path, demo_url: str) -> None:
    app = open_app(workspace, demo_url)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+g", *"get user")
        await palette_searched(pilot, "get user")
        assert "GET /users/[id]" in screen_text(app)  # not read as markup


async def test_tree_can_be_hidden_for_a_wide_editor(workspace: Path, demo_url: str) -> None:
    app = open_app(workspace, demo_url)
    async with app.run_test(size=SIZE) as pilot:
        tree = main_screen(app).workspace_tree
        await pilot.press("ctrl+b")
        assert not tree.display and not tree.has_focus
        await pilot.press("ctrl+b")
        assert tree.display and tree.has_focus


async def test_open_selects_a_call_at_start(workspace: Path, demo_url: str) -> None:
    document = WorkspaceDocument.load(workspace, base_url=demo_url)
    app = WorkbenchApp([document], selected=TreeItem(document, "Demo", "Echo"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert main_screen(app).selected == TreeItem(document, "Demo", "Echo")
        assert "/echo" in main_screen(app).query_one("#url", Input).value


# --- the command line ------------------------------------------------------------------------


def build_full_parser() -> argparse.ArgumentParser:
    from workbench.cli import build_parser

    return build_parser()


@pytest.mark.parametrize(
    ("arguments", "tui"),
    [
        ([], True),
        (["workspaces/demo.toml"], True),
        (["workspaces/"], True),
        (["--env", "live"], True),
        (["--open", "Demo/List users", "demo.toml"], True),
        (["somefile"], True),  # not a command: a path (that may not exist)
        (["run", "x.toml", "Demo/List users"], False),
        (["demo"], False),
        (["--help"], False),
        (["--version"], False),
    ],
)
def test_tui_form_is_told_from_the_commands(arguments: list[str], tui: bool) -> None:
    from workbench.commands.tui import is_tui_form

    assert is_tui_form(arguments, build_full_parser) is tui


def test_help_lists_the_commands_and_the_tui_form() -> None:
    result = workbench_here("--help")
    assert result.returncode == 0
    for text in ("run", "secret", "demo", "the TUI", "--open", "--base-url", "F1"):
        assert text in result.stdout, text


def test_tui_needs_a_terminal() -> None:
    result = workbench("workspaces/demo.toml", cwd=ROOT)
    assert result.returncode == 2
    assert "needs a terminal" in result.stderr


def test_workspace_files(
    tmp_path: Path, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workbench.commands.common import CommandFailed
    from workbench.commands.tui import workspace_files

    monkeypatch.chdir(tmp_path)
    default = workspace_files(None)  # no ./workspaces/: the user's own, created empty
    assert default == [isolated_home / "workspaces" / "default.toml"]
    assert WorkspaceDocument.load(default[0]).workspace.providers == ()
    assert workspace_files(None) == default  # and not created twice

    folder = tmp_path / "workspaces"
    folder.mkdir()
    assert workspace_files(None) == []  # an empty folder opens as it is: w creates one there
    shutil.copy(ROOT / "workspaces" / "demo.toml", folder / "b.toml")
    (folder / "a.toml").write_text('format = 1\nname = "A"\n')
    assert workspace_files(None) == [Path("workspaces/a.toml"), Path("workspaces/b.toml")]
    with pytest.raises(CommandFailed, match="no workspace file or folder"):
        workspace_files(Path("nope"))
    with pytest.raises(CommandFailed, match="no workspace file or folder"):
        workspace_files(Path("no-such-folder/new.toml"))
    assert workspace_files(Path("my-api.toml")) == [Path("my-api.toml")]  # created, empty
    assert WorkspaceDocument.load(Path("my-api.toml")).workspace.name == "My Api"


def test_open_and_env_are_checked_before_starting(tmp_path: Path) -> None:
    from workbench.commands.common import CommandFailed
    from workbench.commands.tui import run_tui

    demo = ROOT / "workspaces" / "demo.toml"
    with pytest.raises(CommandFailed, match="no call 'Demo/Nope'"):
        run_tui([demo], open_call="Demo/Nope")
    with pytest.raises(CommandFailed, match="no environment 'staging'"):
        run_tui([demo], environment="staging")
    broken = tmp_path / "broken.toml"
    broken.write_text("format = 1\n")
    with pytest.raises(CommandFailed, match="broken.toml"):
        run_tui([broken])


async def test_initialized_calls_are_marked(workspace: Path, demo_url: str) -> None:
    from dataclasses import replace

    from workbench.core.shape.infer import infer_shape
    from workbench.core.workspace.editing import replace_call

    document = WorkspaceDocument.load(workspace, base_url=demo_url)
    provider = document.workspace.providers[0]
    for call in provider.calls:
        shape = None if call.name == "Echo" else infer_shape({"id": 1})
        edited = replace_call(
            document.workspace, provider.name, call.name, replace(call, shape=shape)
        )
        document.update(edited.workspace)
    app = WorkbenchApp([document])
    async with app.run_test(size=SIZE):
        text = screen_text(app)
        assert "●·GET  List users" in text and "○·POST Echo" in text


async def test_a_folder_of_workspaces(workspace: Path, demo_url: str) -> None:
    other = workspace.with_name("other.toml")
    other.write_text(workspace.read_text().replace('name = "Demo"\n', 'name = "Other"\n', 1))
    documents = [WorkspaceDocument.load(p, base_url=demo_url) for p in (workspace, other)]
    app = WorkbenchApp(documents, problems=["broken.toml:1: not valid TOML"])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "▼ Demo" in text and "broken.toml:1: not valid TOML" in text
        await pilot.press("ctrl+g", *"echo (other")
        await palette_searched(pilot, "echo (other")
        await pilot.press("enter")
        await pilot.pause()
        assert main_screen(app).selected == TreeItem(documents[1], "Demo", "Echo")


async def test_a_call_that_cannot_be_built_shows_the_problem(
    workspace: Path, demo_url: str
) -> None:
    from dataclasses import replace

    from workbench.core.workspace.editing import replace_call

    document = WorkspaceDocument.load(workspace, base_url=demo_url)
    call = document.workspace.provider("Demo").call("Get user")  # type: ignore[union-attr]
    assert call is not None
    without_id = replace(call, parameters=())  # the URL still says [id]
    document.update(replace_call(document.workspace, "Demo", "Get user", without_id).workspace)
    app = WorkbenchApp([document], selected=TreeItem(document, "Demo", "Get user"))
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, app)
        assert isinstance(app.screen, MainScreen) and app.is_running
        text = screen_text(app)
        assert "Not sent" in text and "placeholder [id]" in text
        assert "Traceback" not in text
        assert document.workspace.provider("Demo").call("Get user") == without_id  # type: ignore[union-attr]
