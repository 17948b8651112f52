"""The TUI asks once before a stored private value goes somewhere new, and remembers a yes."""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile import Recorder, recording_server
from test_trust_files import upload_workspace
from test_ui_app import KEY_ADDRESS, ROOT, SIZE, main_screen, screen_text

from tests.ui_wait import wait_for, workers_done
from workbench.core.desk import TreeItem
from workbench.core.secrets.store import SecretStore
from workbench.core.secrets.trust import TrustBook, origin_of
from workbench.core.workspace.document import WorkspaceDocument
from workbench.ui.app import WorkbenchApp
from workbench.ui.dialogs.choice import ChoiceScreen
from workbench.ui.widgets.body_view import BodyView


@pytest.fixture
def attacker() -> Iterator[tuple[str, Recorder]]:
    with recording_server() as server:
        yield server


async def test_a_changed_base_url_is_asked_about_once(
    tmp_path: Path, demo_url: str, attacker: tuple[str, Recorder]
) -> None:
    attacker_url, recorder = attacker
    path = tmp_path / "demo.toml"
    shutil.copy(ROOT / "workspaces" / "demo.toml", path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("http://127.0.0.1:8400", attacker_url), encoding="utf-8")
    document = WorkspaceDocument.load(path)
    value = f"key-{secrets.token_hex(8)}"
    document.secrets.set(KEY_ADDRESS, value)  # stored when the workspace pointed at the demo
    demo_origin = origin_of(demo_url)
    assert demo_origin is not None
    TrustBook(SecretStore().home).approve_origins(document.workspace.id, "Demo", [demo_origin])

    app = WorkbenchApp([document], selected=TreeItem(document, "Demo", "Check API key"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+j")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        question = screen_text(app)
        assert attacker_url in question and demo_url in question
        await pilot.press("enter")  # "No" has the focus: Enter out of habit sends nothing
        await wait_for(pilot, lambda: not isinstance(app.screen, ChoiceScreen))
        assert recorder.requests == []
        assert "workbench trust" in screen_text(app)

        await pilot.press("ctrl+j")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: len(recorder.requests) == 1)
        await workers_done(app)

        await pilot.press("ctrl+j")  # approved: sent without asking again
        await wait_for(pilot, lambda: len(recorder.requests) == 2)
        assert not isinstance(app.screen, ChoiceScreen)
        assert value not in screen_text(app)


async def test_the_redirects_followed_are_shown_with_the_final_url(
    tmp_path: Path, demo_url: str
) -> None:
    path = tmp_path / "redirects.toml"
    path.write_text(
        f"""format = 1
id = "6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d"
name = "Redirects"

[[providers]]
name = "Demo"
base_url = "{demo_url}"

[[providers.calls]]
name = "Follow"
use_as = "data"
method = "GET"
url = "/redirect/2"
""",
        encoding="utf-8",
    )
    opened = WorkspaceDocument.load(path)
    app = WorkbenchApp([opened], selected=TreeItem(opened, "Demo", "Follow"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+j")
        await wait_for(pilot, lambda: "2 redirects" in screen_text(app))
        await workers_done(app)
        main_screen(app).response_view.action_show_tab("request")
        await wait_for(pilot, lambda: "Redirects followed" in screen_text(app), timeout=5)
        assert f"302 from {demo_url}/redirect/2" in screen_text(app)
        # The last lines are below the pane's fold at 80x24: read them from the view.
        document = app.screen.query_one("#response-request", BodyView).document
        assert document is not None
        lines = [document.line(i) for i in range(document.line_count)]
        assert lines[-1] == f"Answered by {demo_url}/echo"


async def test_cookies_kept_are_listed_and_sent_back_masked(tmp_path: Path, demo_url: str) -> None:
    path = tmp_path / "cookies.toml"
    path.write_text(
        f"""format = 1
id = "7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e"
name = "Cookies"

[[providers]]
name = "Demo"
base_url = "{demo_url}"

[[providers.calls]]
name = "Log in"
use_as = "data"
method = "POST"
url = "/cookies/login"
""",
        encoding="utf-8",
    )
    opened = WorkspaceDocument.load(path)
    app = WorkbenchApp([opened], selected=TreeItem(opened, "Demo", "Log in"))
    async with app.run_test(size=SIZE) as pilot:
        view = main_screen(app).response_view

        def request_lines() -> list[str]:
            document = app.screen.query_one("#response-request", BodyView).document
            if document is None:
                return []
            return [document.line(i) for i in range(document.line_count)]

        for _ in range(2):  # the second login sends the first one's cookie back
            await pilot.press("ctrl+j")
            await wait_for(pilot, lambda: "200 OK" in screen_text(app))
            await workers_done(app)
        view.action_show_tab("request")
        await wait_for(pilot, lambda: "Cookies kept" in "\n".join(request_lines()), timeout=5)
        lines = request_lines()
        assert "Cookie: demo_session=••••••" in lines
        assert lines[-1].startswith("  demo_session (127.0.0.1/cookies, ")


async def test_a_file_outside_the_workspace_folder_is_asked_about_before_upload(
    tmp_path: Path, demo_url: str
) -> None:
    outside = tmp_path / "notes.txt"
    outside.write_text("not the workspace's to send")
    path = upload_workspace(tmp_path / "team", "../notes.txt", demo_url)
    document = WorkspaceDocument.load(path)
    app = WorkbenchApp([document], selected=TreeItem(document, "Demo", "Upload"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+j")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        question = app.screen
        assert isinstance(question, ChoiceScreen)  # the long path wraps on screen: read the text
        assert "Upload" in question._question and "outside the workspace's" in question._question
        await pilot.press("y")
        await wait_for(pilot, lambda: "200 OK" in screen_text(app))
        await workers_done(app)
        await pilot.press("ctrl+j")  # remembered: no second question
        await workers_done(app)
        await pilot.pause()
        assert not isinstance(app.screen, ChoiceScreen)
        assert "200 OK" in screen_text(app)
