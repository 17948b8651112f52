"""Jump mode: a letter on every pane, tab and main field; the next key goes there.

The screen under it stays visible: this screen is transparent and draws only
the letters, each over the top-left corner of what it stands for. Any key that
is not a letter shown (escape included) closes it and goes nowhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.geometry import Offset
from textual.screen import ModalScreen
from textual.widgets import Label


class JumpScreen(ModalScreen[str | None]):
    """Shows `targets` (key → where its letter goes, in screen cells); dismisses with the
    key pressed, or None."""

    DEFAULT_CSS: ClassVar[str] = """
    JumpScreen {
        background: transparent;
    }
    JumpScreen > Label {
        position: absolute;
        background: $accent;
        color: $text;
        text-style: bold;
        padding: 0;
    }
    """

    def __init__(self, targets: Mapping[str, Offset]) -> None:
        super().__init__()
        self._targets = dict(targets)

    def compose(self) -> ComposeResult:
        for key, offset in self._targets.items():
            label = Label(key, markup=False, id=f"jump-{key}")
            label.styles.offset = (offset.x, offset.y)
            yield label

    def on_key(self, event: events.Key) -> None:
        event.stop()
        event.prevent_default()
        key = event.character if event.character in self._targets else None
        self.dismiss(key)
