"""A masked input for a private value, which lives only in the secret store.

Focused, the input holds the stored value, masked, the cursor at its end:
typing edits it rather than replacing it. What was typed is handed over (on
enter, or when focus leaves) to the `PrivateValueAccess` the editor was
given: the desk's, which stores it and says so. Left, the input shows the
mask and whether a value is set, and where from when a source that wins over
the store gives it (an environment variable, a command or a .env file of the
user's config). Nothing here runs a command. ctrl+r is the one explicit way to
see a value.
"""

from __future__ import annotations

from typing import Any, ClassVar

import rich.repr
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input

from workbench.core.desk import PrivateValueAccess
from workbench.core.secrets import MASK, Secret, SecretAddress, SourceKind, ValueSource
from workbench.core.terminal_text import plain_line_breaks


class PrivateValueStored(Message):
    """A private value typed into a masked input was saved to the secret store."""

    def __init__(self, address: SecretAddress) -> None:
        super().__init__()
        self.address = address


class _WithoutValue:
    """For the input's own messages: a repr without the text, so it never reaches a log."""

    input: Input

    def __repr__(self) -> str:
        return f"{type(self).__qualname__}({self.input!r})"

    def __rich_repr__(self) -> rich.repr.Result:
        yield self.input


# Where a value comes from when a source that wins over the store gives it, short enough for a
# table's value column; the tooltip says it in full.
_SHORT = {SourceKind.ENVIRONMENT: "$VAR", SourceKind.COMMAND: "cmd", SourceKind.DOTENV: ".env"}


class PrivateInput(Input):
    """A masked `Input` that hands what is typed over, to be kept under one secret address."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "toggle_reveal", "Reveal or hide the private value"),
    ]

    class Changed(_WithoutValue, Input.Changed):
        """The text changed (repr without the text)."""

    class Submitted(_WithoutValue, Input.Submitted):
        """Enter was pressed (repr without the text)."""

    class Blurred(_WithoutValue, Input.Blurred):
        """Focus left (repr without the text)."""

    def __init__(
        self,
        address: SecretAddress | None,
        *,
        secrets: PrivateValueAccess,
        environment: str,
        multiline: bool = False,
        **kwargs: Any,
    ) -> None:
        # Focus puts the cursor after the stored value: selecting it all (Textual's way)
        # would make the first key typed replace it.
        super().__init__(password=True, select_on_focus=False, **kwargs)
        self._address = address
        self._secrets = secrets
        self._environment = environment
        self._multiline = multiline
        # The stored value the input was given to edit: handing it back would be noise.
        self._loaded_text = ""
        self.show_state()

    @property
    def address(self) -> SecretAddress | None:
        """Where the value is stored; None while it has nowhere to go (a row without a name)."""
        return self._address

    @address.setter
    def address(self, address: SecretAddress | None) -> None:
        self._address = address
        self.show_state()

    @property
    def is_set(self) -> bool:
        """Whether a source has a value for the current environment (no command is run)."""
        return self._source() is not None

    def store(self) -> None:
        """Hand the typed text over to be stored; an empty input leaves the stored value as is."""
        text = self.value
        if text and text != self._loaded_text and self._address is not None:
            self._secrets.set(self._address, text, environment=None)
            self._loaded_text = text
            self.post_message(PrivateValueStored(self._address))
        self.show_state()

    def take_over(self, text: str) -> None:
        """Keep `text`, typed elsewhere (a row's plain value made private), as this value."""
        self.value = text
        self._store_and_mask()

    def action_toggle_reveal(self) -> None:
        """Show the value being edited (the stored one until something is typed), or mask it."""
        if self.password:
            self._load_stored()
        self.password = not self.password

    async def action_submit(self) -> None:
        self.store()
        await super().action_submit()

    def on_focus(self, event: events.Focus) -> None:
        self._load_stored()

    def on_blur(self, event: events.Blur) -> None:
        self._store_and_mask()

    def _on_paste(self, event: events.Paste) -> None:
        # `Input` keeps only the first line of a paste; a PEM key needs all of them, with
        # the LF line breaks PEM readers take (terminals paste CR).
        if self._multiline and event.text:
            event.prevent_default()
            event.stop()
            self.insert_text_at_cursor(plain_line_breaks(event.text))

    @property
    def _value(self) -> Text:
        # `Input` draws its value on one line; a revealed PEM key shows its line breaks as ⏎
        # (one cell for one character, so the cursor stays where it is).
        if self.password or "\n" not in self.value:
            return super()._value
        return Text(self.value.replace("\n", "⏎"), no_wrap=True, overflow="ignore", end="")

    def _load_stored(self) -> None:
        """Put the stored value into the empty input, to be edited from its end. A value a
        command of the user's config gives is not fetched: focus runs nothing."""
        source = self._source()
        if self.value or source is None or source.kind is SourceKind.COMMAND:
            return
        if (secret := self._stored()) is None:
            return
        self._loaded_text = self.value = secret.reveal()
        self.cursor_position = len(self.value)

    def _store_and_mask(self) -> None:
        self.store()
        self.password = True
        if self._address is not None:  # else what was typed waits for the row's name
            self.value = ""
            self._loaded_text = ""

    def _stored(self) -> Secret | None:
        if self._address is None:
            return None
        return self._secrets.get(self._address, self._environment)

    def _source(self) -> ValueSource | None:
        if self._address is None:
            return None
        return self._secrets.source_of(self._address, self._environment)

    def show_state(self) -> None:
        """Say whether a value is set (also after it was stored elsewhere, e.g. at a prompt)."""
        source = self._source()
        self.set_class(source is not None, "-set")
        self.tooltip = None
        if self._address is None:
            self.placeholder = "name it first"
        elif source is None:
            self.placeholder = "not set"
        elif source.kind in (SourceKind.STORE, SourceKind.KEYRING):
            self.placeholder = f"{MASK} set"
        else:  # what is typed here is stored, but this source wins over the store
            self.placeholder = f"{MASK} {_SHORT[source.kind]}"
            self.tooltip = f"From {source}"
