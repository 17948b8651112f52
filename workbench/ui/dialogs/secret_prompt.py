"""A modal asking for a private value that a call needs and no source has (before a send, or
one by one with shift+F7).

The value is typed into a masked input (revealed only with an explicit key)
and goes straight to the secret store, never to the workspace file.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Static

from workbench.core.desk import PrivateValueAnswer
from workbench.core.secrets import SecretAddress
from workbench.core.terminal_text import visible


class PrivateValuePromptScreen(ModalScreen[PrivateValueAnswer | None]):
    """Ask for the value of `address`; dismisses with the answer, or None on escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+r", "reveal", "Show / hide the value"),
    ]

    def __init__(self, address: SecretAddress, description: str, environment: str) -> None:
        super().__init__(classes="dialog-screen")
        self._address = address
        self._description = description
        self._environment = environment

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Private value needed", classes="dialog-title")
            yield Static(
                visible(
                    f"{self._address} ({self._description}) is not set. It is kept in the "
                    "secret store, never in the workspace file."
                ),
                classes="dialog-text",
                markup=False,
            )
            yield Input(password=True, placeholder="value", id="value")
            # Content: a Checkbox reads a str as markup, and the name is the workspace's.
            only_this = Content(visible(f"only for environment {self._environment}"))
            yield Checkbox(only_this, id="only-this")
            yield Static("", classes="dialog-error", id="problem")
            yield Static("enter: store   ctrl+r: show   escape: cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#value", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if not event.value:
            self.query_one("#problem", Static).update("Type the value, or escape to cancel.")
            return
        only_this = self.query_one("#only-this", Checkbox).value
        self.dismiss(PrivateValueAnswer(event.value, self._environment if only_this else None))

    def action_reveal(self) -> None:
        field = self.query_one("#value", Input)
        field.password = not field.password

    def action_cancel(self) -> None:
        self.dismiss(None)
