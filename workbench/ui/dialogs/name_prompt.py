"""A modal asking for a name: of a new provider or call, or the new name in a rename.

The caller passes a `check` that returns why a name is refused (or None);
the dialog stays open and shows the reason, so a bad name costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from workbench.core.terminal_text import visible


class NamePromptScreen(ModalScreen[str | None]):
    """Dismisses with the accepted name, or None on escape."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, value: str, check: Callable[[str], str | None]) -> None:
        super().__init__(classes="dialog-screen")
        self._title = title
        self._value = value
        self._check = check

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(visible(self._title), classes="dialog-title", markup=False)
            yield Input(self._value, select_on_focus=True, id="name")
            yield Static("", classes="dialog-error", id="problem", markup=False)
            yield Static("enter: OK   escape: cancel", classes="dialog-hint")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        problem = self._check(event.value)
        if problem is None:
            self.dismiss(event.value.strip())
        else:
            self.query_one("#problem", Static).update(visible(problem))

    def action_cancel(self) -> None:
        self.dismiss(None)
