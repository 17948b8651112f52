"""A modal question with a few answers, each on a key of its own (and a button).

Used to confirm sending an action call or deleting something (yes / no), and
for the three-way questions: save / discard / cancel on quit, overwrite /
reload / cancel when the file changed on disk. Escape always means cancel.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from workbench.core.desk import Choice
from workbench.core.terminal_text import visible


class ChoiceScreen(ModalScreen[str | None]):
    """Ask `question`; dismisses with the chosen `Choice.value`, or None on escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("left", "app.focus_previous", "Previous answer", show=False),
        Binding("right", "app.focus_next", "Next answer", show=False),
    ]

    def __init__(self, title: str, question: str, choices: Sequence[Choice]) -> None:
        super().__init__(classes="dialog-screen")
        self._title = title
        self._question = question
        self._choices = tuple(choices)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            # Questions name workspaces, calls and hosts: plain text, control characters shown.
            yield Static(visible(self._title), classes="dialog-title", markup=False)
            yield Static(
                visible(self._question, keep_newlines=True), classes="dialog-text", markup=False
            )
            with Horizontal(classes="dialog-buttons"):
                for choice in self._choices:
                    yield Button(
                        Content(f"{choice.label} [{choice.key}]"),
                        name=choice.value,
                        variant=choice.variant,
                        compact=True,
                    )

    def on_mount(self) -> None:
        self.query(Button).first().focus()

    def on_key(self, event: events.Key) -> None:
        choice = next((c for c in self._choices if c.key == event.key), None)
        if choice is not None:
            event.stop()
            self.dismiss(choice.value)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.name)

    def action_cancel(self) -> None:
        self.dismiss(None)
