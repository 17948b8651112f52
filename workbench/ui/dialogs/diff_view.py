"""The differences between two past JSON responses, a line each, by path (read-only)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from workbench.core.history import Change
from workbench.core.terminal_text import visible


class DiffScreen(ModalScreen[None]):
    """`changes` from the older response to the newer, under `title`, until escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close the comparison"),
    ]

    def __init__(self, title: str, changes: Sequence[Change]) -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.changes = changes

    def summary(self) -> str:
        if not self.changes:
            return "The two responses hold the same JSON."
        count = len(self.changes)
        return (
            f'{count} difference{"" if count == 1 else "s"}: "+" added, "-" removed, '
            '"~" changed (old -> new).'
        )

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog diff-view"):
            yield Static(visible(self.title_text), classes="dialog-title", markup=False)
            yield Static(self.summary(), id="diff-summary", markup=False)
            with VerticalScroll(id="diff-lines"):
                text = "\n".join(change.line() for change in self.changes)
                yield Static(visible(text, keep_newlines=True), markup=False)
            yield Static("↑↓ scroll  esc close", classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#diff-lines").focus()

    def action_close(self) -> None:
        self.dismiss(None)
