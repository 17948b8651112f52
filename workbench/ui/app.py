"""The Textual application: styles, app-wide keys, and the main screen on the open workspaces.

Kept small on purpose: the main screen and its dialogs do the work, and
`workbench.core` does everything that is not about the screen.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path, PurePath
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.notifications import SeverityLevel
from textual.theme import Theme

from workbench.core.config import Config, write_setting
from workbench.core.desk import TreeItem
from workbench.core.errors import ConfigError
from workbench.core.secrets import PersonalSources, shown_message
from workbench.core.workspace import WorkspaceDocument
from workbench.ui.dialogs.help import HelpScreen, help_rows
from workbench.ui.palette import WorkbenchActions
from workbench.ui.screens.main import MainScreen


class WorkbenchApp(App[None]):
    """A keyboard-driven API workbench on one or more workspace files."""

    TITLE = "workbench"
    # How long a thread may keep the GIL while another waits for it. Workers parse and
    # pretty-print big bodies next to the event loop; with Python's default of 5 ms the
    # loop waited up to 60 ms for its turn (measured by tests/bench/bench_app_send.py).
    SWITCH_INTERVAL = 0.001
    # One sheet per part of the screen, beside this file: the shell, the editors, the response.
    CSS_PATH: ClassVar[list[str | PurePath]] = ["app.tcss", "editor.tcss", "response.tcss"]
    COMMANDS = App.COMMANDS | {WorkbenchActions}
    BINDINGS: ClassVar[list[BindingType]] = [
        # Not in the footer, which keeps room for jump (ctrl+o): ctrl+c says how to quit.
        Binding(
            "ctrl+q",
            "quit",
            "Quit",
            tooltip="Quit (asks about unsaved edits)",
            priority=True,
            show=False,
            id="quit",
        ),
        # One id for both: a [keymap] entry `help = "f10"` replaces F1 and ?.
        Binding("f1", "help", "Help", tooltip="Show every key", id="help"),
        Binding("question_mark", "help", "Help", show=False, tooltip="Show every key", id="help"),
    ]

    def __init__(
        self,
        documents: Sequence[WorkspaceDocument],
        *,
        selected: TreeItem | None = None,
        environment: str | None = None,
        problems: Sequence[str] = (),
        folder: Path | None = None,
        config: Config | None = None,
    ) -> None:
        """`problems` are files that could not be opened, shown once the app is up; `folder`
        is where new workspace files go (the folder opened, even an empty one). `config`
        is the user's config file, already checked (`workbench.ui.user_config`): its theme and
        keymap apply, its problems are shown, and a theme chosen in the app is written there.
        None: no config file, nothing read or written (tests, the docs' screenshots)."""
        super().__init__()
        defaults = config.defaults if config is not None else None
        # For workspaces made or opened in an empty folder: the others share their documents'.
        sources = PersonalSources(config.secrets) if config is not None else None
        self._main = MainScreen(documents, selected, environment, folder, defaults, sources)
        self._problems = tuple(problems)
        # What opening the files did that the user should hear of (values moved to ids).
        self._notices = tuple(notice for document in documents for notice in document.notices)
        self._config = config
        if config is not None:
            if config.theme is not None:
                self.theme = config.theme
            self.set_keymap(config.keymap)

    def action_help_quit(self) -> None:
        """ctrl+c (outside a text field, where it copies the selection) says how to quit:
        Textual's own message is markup, which `notify` shows as typed."""
        self.notify(
            "ctrl+q quits (it asks about unsaved edits). In a text field, ctrl+c copies the "
            "selection.",
            title="Do you want to quit?",
        )

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification of the app (widgets' and screens' `notify` come here) as plain
        text: names and messages come from workspaces and servers, so they are not markup,
        their control characters are shown, not run, and known private values are masked
        (`markup` is accepted, as Textual's callers pass it, and not used)."""
        super().notify(
            shown_message(message),
            title=shown_message(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    async def on_mount(self) -> None:
        sys.setswitchinterval(self.SWITCH_INTERVAL)
        await self.push_screen(self._main)
        for problem in self._problems:
            self.notify(problem, title="Not opened", severity="error", timeout=30)
        for document in self._main.desk.documents:
            for warning in document.warnings:
                self.notify(warning, title="Your own values", severity="warning", timeout=30)
        for notice in self._notices:
            self.notify(notice, title="Private values", timeout=15)
        if self._config is not None:
            for problem in self._config.problems:
                self.notify(problem, title="Config file", severity="warning", timeout=30)
            # A real start (the user's config read): say what private values are missing.
            self._main.desk.filling.tell_missing()
            self.theme_changed_signal.subscribe(self, self._remember_theme)

    def _remember_theme(self, theme: Theme) -> None:
        """Write the theme chosen (in the command palette) to the config file, for next time."""
        config = self._config
        if config is None or theme.name == config.theme:
            return
        try:
            write_setting(config.path, "theme", theme.name)
        except ConfigError as error:
            self.notify(str(error), title="Theme not remembered", severity="warning")
            return
        self._config = replace(config, theme=theme.name)

    async def action_quit(self) -> None:
        if isinstance(self.screen, HelpScreen | CommandPalette):
            await self.pop_screen()  # nothing to answer there: close it and quit
        if self.screen is self._main:
            self._main.request_quit()
        else:
            # A question is open: it is answered (or escaped) first, never skipped.
            self.bell()

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(help_rows(self.screen)))
