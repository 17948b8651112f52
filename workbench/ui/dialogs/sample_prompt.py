"""The sample dialog of initializing: paste a response to learn a call's shape without sending it.

The user pastes a sample response (JSON, XML or text, as the call's response
type) into a text area; `manual_data` reads it as the call's response would
be read. A sample that does not parse shows why, and the dialog stays open
with the text as it was, so nothing pasted or typed is lost.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static, TextArea

from workbench.core.desk import Sample
from workbench.core.sending import ResponseDataError
from workbench.core.shape import manual_data
from workbench.core.terminal_text import visible
from workbench.core.workspace import Call


class SamplePromptScreen(ModalScreen[Sample | None]):
    """Ask for a sample response of `call` (named `name`); dismisses with it read as data, or
    None on escape. `text` fills the text area (a sample pasted earlier)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # priority: the text area binds F6 to "select line"; here it is the Initialize key.
        Binding("f6", "learn", "Learn the shape of the pasted sample", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, name: str, call: Call, text: str = "") -> None:
        super().__init__(classes="dialog-screen")
        self._call_name = name
        self._call = call
        self._text = text
        self.draft = text  # what the text area held when the dialog closed

    @property
    def text(self) -> str:
        """The text in the text area now."""
        return self.query_one(TextArea).text

    def compose(self) -> ComposeResult:
        kind = self._call.response_type.value.upper()
        with Vertical(classes="dialog sample-prompt"):
            yield Static(
                visible(f"Initialize {self._call_name} from a sample"),
                classes="dialog-title",
                markup=False,
            )
            yield Static(
                f"Paste a sample {kind} response (your terminal's paste). Nothing is sent.",
                classes="dialog-text",
                markup=False,
            )
            yield TextArea(self._text, soft_wrap=False, show_line_numbers=True, id="sample")
            yield Static("", classes="dialog-error", id="problem", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Static("f6: learn the shape   esc: cancel", classes="dialog-hint")
                yield Button("Learn the shape", variant="primary", compact=True, id="learn")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    @on(Button.Pressed, "#learn")
    def _learn_pressed(self) -> None:
        self.action_learn()

    def action_learn(self) -> None:
        text = self.text
        try:
            data = manual_data(self._call, text)
        except ResponseDataError as error:
            self.query_one("#problem", Static).update(f"Not learned: {error}")
            return
        self.dismiss(Sample(text, data))

    def action_cancel(self) -> None:
        self.draft = self.text
        self.dismiss(None)
