"""The TUI on a teammate's first day: it says which private values are missing, and shift+F7
(or the palette's "Set missing private values") asks for each with the masked prompt; a
value from a command of their config arrives while the TUI goes on."""

from __future__ import annotations

import hashlib
import json
import secrets
import shutil
import sys
from pathlib import Path

import pytest
from textual.widgets import Input

from tests.ui_app import SIZE, main_screen, notified, open_app, screen_text, send
from tests.ui_keys import paste, type_text
from tests.ui_wait import palette_searched, settle, wait_for
from workbench.core.config import Config, load_config
from workbench.core.desk import Answered, InFlight, TreeItem
from workbench.core.secrets import PersonalSources
from workbench.core.secrets.store import SecretAddress, SecretStore
from workbench.core.workspace import WorkspaceDocument
from workbench.ui.app import WorkbenchApp
from workbench.ui.dialogs.secret_prompt import PrivateValuePromptScreen
from workbench.ui.screens.main import MainScreen

ROOT = Path(__file__).resolve().parents[1]
KEY = SecretAddress("Demo", "Check API key/param.X-Api-Key")
TOKEN = SecretAddress("Demo", "Echo/param.X-Token")


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """The demo with a second private value: a header of Echo."""
    path = tmp_path / "demo.toml"
    shutil.copy(ROOT / "workspaces" / "demo.toml", path)
    text = path.read_text(encoding="utf-8")
    message = """    { name = "message", value = 'héllo "world"' },\n"""
    token = """    { name = "X-Token", private = true, in = "header" },\n"""
    path.write_text(text.replace(message, message + token, 1), encoding="utf-8")
    return path


def stored_names(path: Path, store: SecretStore) -> set[str]:
    """The names (as people write them) of the workspace's values in `store`, which keeps
    them under the providers' and calls' ids."""
    from workbench.core.secrets import private_values
    from workbench.core.workspace import load_workspace

    workspace = load_workspace(path)
    names = {value.address.store_key: str(value.address) for value in private_values(workspace)}
    return {names.get(key, key) for key in store.values(workspace.id)}


async def test_missing_values_are_told_at_start_and_filled_one_by_one(
    workspace: Path, demo_url: str, isolated_home: Path
) -> None:
    key, token = f"key-{secrets.token_hex(6)}", f"token-{secrets.token_hex(6)}"
    app = open_app(workspace, demo_url, on="Demo/Check API key", config=Config(isolated_home))
    async with app.run_test(size=SIZE) as pilot:
        # At start, a notice, not a dialog: the user may have other plans.
        assert isinstance(app.screen, MainScreen)
        assert "2 private values are not set for development: shift+F7 asks for each." in (
            notified(app)
        )

        await pilot.press("ctrl+p")
        await paste(pilot, "set missing private values")
        await palette_searched(pilot, "set missing private values")
        assert "key: shift+f7" in screen_text(app)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, PrivateValuePromptScreen))
        assert "param.X-Api-Key" in screen_text(app) and "; 1 of" in screen_text(app)
        await type_text(pilot, key)
        assert key not in screen_text(app)  # masked as it is typed
        await pilot.press("enter")

        await wait_for(pilot, lambda: "Echo/param.X-Token" in screen_text(app))
        assert "; 2 of" in screen_text(app)
        await type_text(pilot, token)
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Stored 2 of 2 private values" in notified(app))
        assert isinstance(app.screen, MainScreen)

        # Kept where the prompt at a send keeps them; the call sends the value typed.
        stored = stored_names(workspace, SecretStore(isolated_home))
        assert stored == {str(KEY), str(TOKEN)}
        await send(pilot, app)
        response = main_screen(app).desk.response
        assert isinstance(response, Answered)
        assert response.result.data["sha256"] == hashlib.sha256(key.encode()).hexdigest()

        await pilot.press("shift+f7")
        await wait_for(pilot, lambda: "Every private value the calls of Demo" in notified(app))
        assert isinstance(app.screen, MainScreen)


async def test_escape_stops_filling_and_says_what_is_left(
    workspace: Path, demo_url: str, isolated_home: Path
) -> None:
    app = open_app(workspace, demo_url, on="Demo/Echo")
    async with app.run_test(size=SIZE) as pilot:
        # Without the user's config (tests, screenshots) nothing is told at start.
        assert "not set" not in notified(app)
        await pilot.press("shift+f7")
        await wait_for(pilot, lambda: isinstance(app.screen, PrivateValuePromptScreen))
        await type_text(pilot, "abc")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Echo/param.X-Token" in screen_text(app))
        assert app.screen.query_one("#value", Input).value == ""
        await pilot.press("escape")
        await settle(pilot, app)

        assert isinstance(app.screen, MainScreen)
        assert "Stored 1 of 2 private values for development. 1 still missing" in notified(app)
        stored = stored_names(workspace, SecretStore(isolated_home))
        assert stored == {str(KEY)}


async def test_a_command_runs_while_the_tui_goes_on(
    workspace: Path, demo_url: str, isolated_home: Path, tmp_path: Path
) -> None:
    """The command prints its value only once the test, which runs on the TUI's event loop,
    has seen the call in flight: a command run on the loop would wait in vain, and fail."""
    go, key = tmp_path / "go", f"key-{secrets.token_hex(6)}"
    waits = tmp_path / "wait_for_go.py"
    waits.write_text(
        "import pathlib, sys, time\n"
        f"go = pathlib.Path({str(go)!r})\n"
        "deadline = time.monotonic() + 20\n"
        "while not go.exists():\n"
        "    if time.monotonic() > deadline:\n"
        "        sys.exit('no go')\n"
        "    time.sleep(0.01)\n"
        f"print({key!r})\n",
        encoding="utf-8",
    )
    variable = "WORKBENCH_SECRET__DEMO__CHECK_API_KEY_PARAM_X_API_KEY"
    (isolated_home / "config.toml").write_text(
        f"[secrets.commands]\n{variable} = {json.dumps([sys.executable, str(waits)])}\n",
        encoding="utf-8",
    )
    sources = PersonalSources(load_config().secrets)
    document = WorkspaceDocument.load(workspace, base_url=demo_url, sources=sources)
    app = WorkbenchApp([document], selected=TreeItem(document, "Demo", "Check API key"))
    async with app.run_test(size=SIZE) as pilot:
        # The editor says where the value comes from, without running the command.
        await wait_for(pilot, lambda: "•••••• cmd" in screen_text(app))
        await pilot.press("ctrl+j")
        await wait_for(pilot, lambda: isinstance(main_screen(app).desk.response, InFlight))
        await pilot.press("ctrl+b")  # the tree hides: keys are handled meanwhile
        go.touch()
        await wait_for(pilot, lambda: isinstance(main_screen(app).desk.response, Answered))

        response = main_screen(app).desk.response
        assert isinstance(response, Answered)
        assert response.result.data["sha256"] == hashlib.sha256(key.encode()).hexdigest()
        assert key not in screen_text(app)
