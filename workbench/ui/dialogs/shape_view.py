"""The saved shape of a call, read-only: the fields the workspace knows, their types and marks.

The same table as the shape dialog of initializing (`ShapeTable`), with
nothing to edit: changing a shape is initializing the call again (F6).
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from workbench.core.shape import Shape
from workbench.core.terminal_text import visible
from workbench.ui.widgets.shape_table import ShapeTable


class SavedShapeScreen(ModalScreen[None]):
    """Show `shape`, the saved shape of the call `name`, until escape (or F12) closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f12,q", "close", "Close the shape"),
    ]

    def __init__(self, name: str, shape: Shape) -> None:
        super().__init__(classes="dialog-screen")
        self.call_name = name
        self.shape = shape

    def summary(self) -> str:
        fields = len(self.shape)
        return (
            f'{fields} field{"" if fields == 1 else "s"}. "|null": may be null, "?": may be '
            "missing. To change the shape, initialize the call again (F6)."
        )

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog shape-review"):
            title = visible(f"Shape of {self.call_name}")
            yield Static(title, classes="dialog-title", markup=False)
            yield Static(self.summary(), id="shape-summary", markup=False)
            yield ShapeTable(id="shape-fields")
            yield Static("↑↓ move  esc close", classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        table = self.query_one(ShapeTable)
        table.show(self.shape)
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)
