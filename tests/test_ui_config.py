"""The user's config file in the TUI (Pilot at 80x24, the demo API on loopback): the theme
chosen is remembered across runs, a [keymap] entry rebinds a key, the default timeout, size
cap and confirm_actions apply to workspaces that set none, and a bad file still starts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.widgets import Input

from tests.ui_app import SIZE, main_screen, open_app, screen_text, send
from tests.ui_keys import paste
from tests.ui_wait import palette_searched, settle, wait_for
from workbench.core.config import config_path
from workbench.demo.server import DemoServer
from workbench.ui.dialogs.choice import ChoiceScreen
from workbench.ui.dialogs.name_prompt import NamePromptScreen
from workbench.ui.user_config import load_user_config
from workbench.ui.widgets.call_editor import CallEditor

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    path = tmp_path / "demo.toml"
    shutil.copy(ROOT / "workspaces" / "demo.toml", path)
    return path


def write_config(text: str) -> Path:
    path = config_path()  # the test's own (the `isolated_home` fixture)
    path.write_text(text, encoding="utf-8")
    return path


async def test_the_theme_chosen_is_back_at_the_next_start(workspace: Path, demo_url: str) -> None:
    path = write_config("# my settings\ntimeout = 20\n")
    app = open_app(workspace, demo_url, config=load_user_config())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == "textual-dark"
        assert path.read_text() == "# my settings\ntimeout = 20\n"  # starting writes nothing
        app.theme = "nord"  # what the command palette's theme picker does
        await wait_for(pilot, lambda: "nord" in path.read_text(), what="the theme written")
    assert path.read_text() == '# my settings\ntimeout = 20\ntheme = "nord"\n'

    again = open_app(workspace, demo_url, config=load_user_config())
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert again.theme == "nord"


async def test_a_keymap_entry_rebinds_send(
    workspace: Path, demo_url: str, fresh_demo: DemoServer
) -> None:
    write_config('[keymap]\nsend = "f11"\n')
    app = open_app(workspace, demo_url, on="Demo/List users", config=load_user_config())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Not sent yet in development: F11 sends it." in screen_text(app)
        await pilot.press("ctrl+j")  # no longer sends
        await settle(pilot, app)
        assert fresh_demo.state.request_count("GET", "/users") == 0
        assert "f11 Send" in screen_text(app)  # the footer shows the new key
        await pilot.press("f11")
        await settle(pilot, app)
        assert fresh_demo.state.request_count("GET", "/users") == 1
        assert "200 OK" in screen_text(app)


async def test_hints_name_the_keys_of_the_keymap(workspace: Path, demo_url: str) -> None:
    write_config('[keymap]\nsend = "f11"\nsave = "ctrl+w,ctrl+s"\nhelp = "shift+f1"\n')
    app = open_app(workspace, demo_url, config=load_user_config())
    async with app.run_test(size=(140, 40)) as pilot:  # room for the whole hint
        await pilot.pause()
        text = screen_text(app)
        assert "F11 send · F8 env · ctrl+w save · ctrl+z undo" in text
        assert "ctrl+p commands · shift+F1 all" in text
        await pilot.press("ctrl+p")
        await paste(pilot, "send the selected")
        await palette_searched(pilot, "send the selected")
        assert "key: f11" in screen_text(app)  # the palette's help names the new key


async def test_the_default_timeout_applies_to_a_call_with_none_of_its_own(
    workspace: Path, demo_url: str
) -> None:
    write_config("timeout = 0.5\n")
    app = open_app(workspace, demo_url, on="Demo/Slow", config=load_user_config())
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, app)  # the demo answers after 3 s
        failure = main_screen(app).desk.response.result.exchange.failure  # type: ignore[union-attr]
        assert failure is not None and "within the call's 0.5 s deadline" in failure.message
        assert "Timed out" in screen_text(app)


async def test_the_default_size_cap_applies_to_a_workspace_with_none(
    workspace: Path, demo_url: str
) -> None:
    write_config("size_cap = 100000\n")
    app = open_app(workspace, demo_url, on="Demo/Large JSON", config=load_user_config())
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, app)
        assert "larger than the 97.7 KB cap" in screen_text(app)


async def test_confirm_actions_false_sends_an_action_of_a_workspace_that_sets_none(
    workspace: Path, demo_url: str, fresh_demo: DemoServer
) -> None:
    write_config("confirm_actions = false\n")
    app = open_app(workspace, demo_url, on="Demo/Create user", config=load_user_config())
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, app)
        assert fresh_demo.state.request_count("POST", "/users") == 1


async def test_the_workspace_setting_wins_over_the_config(
    workspace: Path, demo_url: str, fresh_demo: DemoServer
) -> None:
    text = workspace.read_text().replace(
        'name = "Demo"\n\n', 'name = "Demo"\n\n[settings]\nconfirm_actions = true\n\n', 1
    )
    workspace.write_text(text)
    write_config("confirm_actions = false\n")
    app = open_app(workspace, demo_url, on="Demo/Create user", config=load_user_config())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+j")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen), what="the question")
        await pilot.press("n")
        await settle(pilot, app)
        assert fresh_demo.state.request_count("POST", "/users") == 0


async def test_a_bad_config_file_starts_with_the_defaults_and_says_why(
    workspace: Path, demo_url: str
) -> None:
    path = write_config('theme = "nrod"\ntimeout = "soon"\n')
    app = open_app(workspace, demo_url, on="Demo/List users", config=load_user_config())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert f'{path}:1: theme: unknown theme "nrod"; did you mean "nord"?' in messages
        assert (
            f'{path}:2: timeout: expected a number of seconds; got "soon"; using the default'
            in messages
        )
        assert app.theme == "textual-dark"
        await send(pilot, app)
        assert "200 OK" in screen_text(app)


async def test_a_keymap_key_taken_from_another_binding_is_told(
    workspace: Path, demo_url: str, fresh_demo: DemoServer
) -> None:
    path = write_config('[keymap]\nsend = "ctrl+s"\n')
    app = open_app(workspace, demo_url, on="Demo/List users", config=load_user_config())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")  # the keymap's entry wins
        await settle(pilot, app)
        assert fresh_demo.state.request_count("GET", "/users") == 1
        told = [n.message for n in app._notifications if n.title == "Config file"]
        assert told == [
            f'{path}: keymap > send: "ctrl+s" is also the key of save (Save the workspace '
            "files), which loses it; give one of them another key"
        ]


async def test_a_theme_not_written_to_a_broken_file_says_why(
    workspace: Path, demo_url: str
) -> None:
    broken = 'theme = "nord\n'
    path = write_config(broken)
    app = open_app(workspace, demo_url, config=load_user_config())
    async with app.run_test(size=SIZE) as pilot:
        app.theme = "gruvbox"
        await wait_for(
            pilot,
            lambda: any(n.title == "Theme not remembered" for n in app._notifications),
            what="the notification",
        )
        [note] = [n.message for n in app._notifications if n.title == "Theme not remembered"]
        assert note.startswith(f"{path}: not valid TOML (")
        assert path.read_text() == broken


async def test_an_empty_timeout_field_is_the_default(workspace: Path, demo_url: str) -> None:
    """A call without a timeout of its own shows an empty field (its placeholder says
    "default"), and a field emptied gives the call back to the config's default."""
    app = open_app(workspace, demo_url, on="Demo/Slow")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        editor = main_screen(app).query_one(CallEditor)
        field = editor.query_one("#timeout", Input)
        assert (field.value, field.placeholder) == ("", "default")
        assert editor.to_model().options.timeout is None
        field.value = "12"
        assert editor.to_model().options.timeout == 12.0
        field.value = ""
        assert editor.to_model().options.timeout is None


async def test_a_keymap_entry_rebinds_a_key_of_the_tree_or_the_response(
    workspace: Path, demo_url: str
) -> None:
    """Any key, not only the main screen's: the tree's new call and the response's copy.
    The JSON tree's and the body's n (next match) act in different places: no clash."""
    write_config('[keymap]\ntree_new_call = "a"\nresponse_copy = "Y"\nbody_next_match = "m"\n')
    config = load_user_config()
    assert config.problems == ()
    app = open_app(workspace, demo_url, on="Demo/List users", config=config)
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        await send(pilot, app)
        await pilot.press("f4", "Y")
        await wait_for(pilot, lambda: app.clipboard.startswith("{"), what="copied with Y")
        screen.workspace_tree.focus()
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, NamePromptScreen), what="new call")
