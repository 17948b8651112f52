"""A small list of the shape's field types, to pick one for a field of the shape dialog.

Each type is shown with what it holds; the field's type is highlighted when
the list opens. Enter picks the highlighted type, escape keeps the field's.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from workbench.core.shape import FieldType
from workbench.core.terminal_text import visible

# What each type holds, in short (docs/initialize.md says more).
TYPE_HELP = {
    FieldType.TEXT: "a text",
    FieldType.NUMBER: "numbers with decimals (or mixed)",
    FieldType.INTEGER: "whole numbers",
    FieldType.BOOLEAN: "true or false",
    FieldType.NULL: "only ever null",
    FieldType.DATE: "a text like 2024-05-01",
    FieldType.DATE_TIME: "a text like 2024-05-01T09:30:00Z",
    FieldType.OBJECT: "named fields",
    FieldType.LIST: "items",
    FieldType.JSON_TEXT: "a text holding JSON",
    FieldType.BINARY: "a body that is not parsed",
    FieldType.ANY: "values of several kinds",
}


class TypePickScreen(ModalScreen[FieldType | None]):
    """Pick a type for the field `label` (its type now: `current`); dismisses with the type
    picked, or None on escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Keep the field's type"),
    ]

    def __init__(self, label: str, current: FieldType) -> None:
        super().__init__(classes="dialog-screen")
        self._label = label
        self._current = current

    def compose(self) -> ComposeResult:
        width = max(len(t) for t in FieldType)
        options = [
            Option(Text(f"{t:<{width}}  ") + Text(TYPE_HELP[t], style="dim"), id=t.value)
            for t in FieldType
        ]
        with Vertical(classes="dialog type-pick"):
            title = f"Type of {visible(self._label)}"
            yield Static(title, classes="dialog-title", markup=False)
            yield OptionList(*options, markup=False)
            yield Static("↑↓ move  enter pick  esc keep", classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = list(FieldType).index(self._current)
        options.focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(list(FieldType)[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)
