"""The TUI with a person's own values (`NAME.local.toml`): they are marked "(local)" in the
editors and the request view, a send uses them, an edit of one changes the local file, and
saving leaves the shared file byte-identical."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from textual.widgets import DataTable

from tests.test_local_overrides import WORKSPACE_ID, git, local_file, team_workspace
from tests.test_ui_editors import type_into
from tests.ui_app import SIZE, main_screen, notified, screen_text, send
from tests.ui_keys import type_text
from tests.ui_wait import wait_for
from workbench.core.desk import Answered, TreeItem
from workbench.core.workspace import WorkspaceDocument
from workbench.ui.app import WorkbenchApp
from workbench.ui.dialogs.name_prompt import NamePromptScreen
from workbench.ui.screens.main import MainScreen
from workbench.ui.widgets.parameter_table import ParameterTable


def local_team_workspace(tmp_path: Path, demo_url: str) -> Path:
    path = team_workspace(tmp_path)
    local_file(
        path,
        f"""[providers.Demo]
base_url = "{demo_url}"

[providers.Demo.calls."List users".parameters]
page = "2"
""",
    )
    return path


def app_on(path: Path, item: tuple[str, ...]) -> WorkbenchApp:
    document = WorkspaceDocument.load(path)
    return WorkbenchApp([document], selected=TreeItem(document, *item))


async def test_local_values_are_marked_sent_and_edited_apart(tmp_path: Path, demo_url: str) -> None:
    path = local_team_workspace(tmp_path, demo_url)
    shared_before = path.read_bytes()
    app = app_on(path, ("Demo", "List users"))
    async with app.run_test(size=SIZE) as pilot:
        table = main_screen(app).query_one(ParameterTable)
        await wait_for(pilot, lambda: len(table.query(".row")) == 1, what="the parameters")
        assert "(local) page: yours only, from team.local.toml" in screen_text(app)
        await send(pilot, app)
        desk = main_screen(app).desk
        assert isinstance(desk.response, Answered)
        assert desk.response.result.exchange.request.url == f"{demo_url}/users?per_page=10&page=2"
        await pilot.press("f4", "4")  # the Request tab
        await wait_for(
            pilot,
            lambda: "(local) base URL, page: from team.local.toml" in screen_text(app),
            what="the request view's note",
        )
        await type_into(pilot, table.query(".row .row-value").first(), "3")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "team.local.toml (yours only)" in notified(app))
        assert path.read_bytes() == shared_before
        assert 'page = "3"' in path.with_name("team.local.toml").read_text(encoding="utf-8")


async def test_the_base_url_is_marked_in_the_provider_editor_and_another_edit_is_shared(
    tmp_path: Path, demo_url: str
) -> None:
    path = local_team_workspace(tmp_path, demo_url)
    shared_before = path.read_text(encoding="utf-8")
    local_before = path.with_name("team.local.toml").read_bytes()
    app = app_on(path, ("Demo",))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(
            pilot,
            lambda: "(local) base URL: yours only, from team.local.toml" in screen_text(app),
            what="the base URL's note",
        )
        assert "An edit here changes yours, not the shared one." in screen_text(app)
        screen = main_screen(app)
        document = screen.desk.documents[0]
        provider = document.workspace.providers[0]
        screen.desk.edit_provider(
            TreeItem(document, "Demo"), replace(provider, notes="Ask Ada for access.")
        )
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: f"Saved {path}" in notified(app))
    after = path.read_text(encoding="utf-8")
    assert WORKSPACE_ID in after and demo_url not in after
    assert after.replace('notes = "Ask Ada for access."\n', "") == shared_before
    assert path.with_name("team.local.toml").read_bytes() == local_before


async def test_shift_f2_makes_a_value_ones_own_and_the_local_file_stays_out_of_git(
    tmp_path: Path, demo_url: str
) -> None:
    repository = tmp_path / "repo"
    repository.mkdir()
    git(repository, "init", "-q")
    path = team_workspace(repository)
    git(repository, "add", "team.toml")
    git(repository, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "t")
    shared_before = path.read_bytes()
    app = app_on(path, ("Demo", "List users"))
    async with app.run_test(size=SIZE) as pilot:
        table = main_screen(app).query_one(ParameterTable)
        await wait_for(pilot, lambda: len(table.query(".row")) == 1, what="the parameters")
        value = table.query(".row .row-value").first()
        value.focus()
        await pilot.press("shift+f2")
        await wait_for(pilot, lambda: "yours only now" in notified(app))
        await wait_for(
            pilot,
            lambda: "(local) page: yours only, from team.local.toml" in screen_text(app),
            what="the mark",
        )
        await type_into(pilot, table.query(".row .row-value").first(), "3")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "Added *.local.toml to" in notified(app))
    assert path.read_bytes() == shared_before
    assert 'page = "3"' in path.with_name("team.local.toml").read_text(encoding="utf-8")
    assert git(repository, "status", "--porcelain").splitlines() == ["?? .gitignore"]


async def test_an_environment_of_ones_own_is_marked_and_its_values_stay_local(
    tmp_path: Path, demo_url: str
) -> None:
    path = team_workspace(tmp_path)
    local_file(path, 'environments = ["mine"]\n')
    shared_before = path.read_bytes()
    app = app_on(path, ())
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        await pilot.press("f3")
        environments = screen.query_one("#environments", DataTable)
        await wait_for(pilot, lambda: environments.row_count == 3, what="the environments")
        rows = [str(environments.get_row_at(i)[0]) for i in range(environments.row_count)]
        assert rows == ["development (default)", "live", "mine (local)"]
        values = screen.query_one("#values", DataTable)
        values.focus()
        values.move_cursor(row=0, column=3)  # the base URL, in mine
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, NamePromptScreen))
        await pilot.press("ctrl+u")
        await type_text(pilot, demo_url)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "team.local.toml (yours only)" in notified(app))
    assert path.read_bytes() == shared_before
    local = path.with_name("team.local.toml").read_text(encoding="utf-8")
    assert f'mine = "{demo_url}"' in local
