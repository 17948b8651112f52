"""The workspace editor (F3 on a workspace): name and settings, environments, per-environment
values, all with keys."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Checkbox, DataTable, Input

from tests.ui_app import SIZE, main_screen, open_app, screen_text
from tests.ui_keys import type_text
from tests.ui_wait import wait_for
from workbench.core.desk import TreeItem
from workbench.core.workspace import PerEnvironment, WorkspaceDocument
from workbench.ui.app import WorkbenchApp
from workbench.ui.dialogs.choice import ChoiceScreen
from workbench.ui.dialogs.jump import JumpScreen
from workbench.ui.dialogs.name_prompt import NamePromptScreen
from workbench.ui.screens.main import MainScreen


async def test_a_workspace_is_renamed_its_environments_and_values_edited_and_saved(
    demo_workspace: Path, demo_url: str
) -> None:
    app = open_app(demo_workspace, demo_url)
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        document = screen.documents[0]
        await pilot.press("f3")
        name = screen.query_one("#workspace-name", Input)
        await wait_for(pilot, lambda: name.has_focus, what="the workspace's name")
        await pilot.press("end")  # the name is selected on focus: typing would replace it
        await type_text(pilot, " API")
        await wait_for(pilot, lambda: document.workspace.name == "Demo API")
        screen.query_one("#confirm", Checkbox).toggle()
        await wait_for(pilot, lambda: not document.workspace.settings.confirm_actions)

        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, JumpScreen))
        await pilot.press("e")
        environments = screen.query_one("#environments", DataTable)
        await wait_for(pilot, lambda: environments.has_focus, what="the environments")
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, NamePromptScreen))
        await type_text(pilot, "staging")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "staging" in document.workspace.environments)
        rows = [str(environments.get_row_at(i)[0]) for i in range(environments.row_count)]
        assert rows == ["development (default)", "live", "staging"]

        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, JumpScreen))
        await pilot.press("v")
        values = screen.query_one("#values", DataTable)
        await wait_for(pilot, lambda: values.has_focus, what="the values")
        values.move_cursor(row=0, column=3)  # the base URL, in staging
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, NamePromptScreen))
        await pilot.press("ctrl+u")
        await type_text(pilot, "https://staging.test")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        assert document.workspace.providers[0].base_url == PerEnvironment(
            {
                "development": "http://127.0.0.1:8400",
                "live": "http://127.0.0.1:8400",
                "staging": "https://staging.test",
            }
        )
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not document.dirty, what="saved")
        saved = WorkspaceDocument.load(demo_workspace).workspace
        assert saved.name == "Demo API" and saved.environments[-1] == "staging"


async def test_an_environment_is_renamed_made_default_and_removed_with_undo(
    demo_workspace: Path, demo_url: str
) -> None:
    app = open_app(demo_workspace, demo_url)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = main_screen(app)
        document = screen.documents[0]
        await pilot.press("f3", "ctrl+o", "e")
        environments = screen.query_one("#environments", DataTable)
        await wait_for(pilot, lambda: environments.has_focus, what="the environments")
        await pilot.press("down", "r")  # live
        await wait_for(pilot, lambda: isinstance(app.screen, NamePromptScreen))
        await pilot.press("ctrl+u")
        await type_text(pilot, "production")
        await pilot.press("enter")
        await wait_for(pilot, lambda: document.workspace.environments[1] == "production")
        await pilot.press("d")  # the cursor stays on it: now the default
        await wait_for(pilot, lambda: document.workspace.default_environment == "production")
        assert screen.environment == "development"  # chosen before: still where calls go
        await pilot.press("delete")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: "production" not in document.workspace.environments)
        await pilot.press("ctrl+z")
        await wait_for(pilot, lambda: "production" in document.workspace.environments)


async def test_an_empty_folder_opens_and_w_makes_a_workspace_o_opens_one_r_renames(
    tmp_path: Path, demo_workspace: Path
) -> None:
    folder = tmp_path / "team"
    folder.mkdir()
    app = WorkbenchApp([], folder=folder)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = main_screen(app)
        assert "no workspace yet: w makes a new one" in screen_text(app)
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, NamePromptScreen))
        await type_text(pilot, "payments")
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(screen.documents) == 1)
        assert screen.documents[0].path == folder / "payments.toml"
        assert WorkspaceDocument.load(folder / "payments.toml").workspace.name == "Payments"

        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, NamePromptScreen))
        await type_text(pilot, str(demo_workspace))
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(screen.documents) == 2)
        assert screen.desk.selected == TreeItem(screen.documents[1])

        await pilot.press("r")  # on a workspace: its name
        await wait_for(pilot, lambda: isinstance(app.screen, NamePromptScreen))
        await pilot.press("ctrl+u")
        await type_text(pilot, "Demo API")
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.documents[1].workspace.name == "Demo API")
