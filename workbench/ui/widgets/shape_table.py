"""A call's response shape as a table: one field a row, its path, type text and the user's choices.

The shape dialog of initializing (which edits the shape) and the saved shape
view (which only shows it) both draw a shape with this table. Each row is
keyed by the field's path; a first column holds a mark the dialog gives
(the drift of the field), the type column the type with its `|null` and
`?` marks, the last what the user chose (excluded, pinned).
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import RowDoesNotExist

from workbench.core.shape import Field, Shape
from workbench.core.terminal_text import visible

COLUMNS = ("mark", "field", "type", "note")


def field_note(shape: Shape, f: Field) -> str:
    """What the user chose for the field: `excluded`, `pinned`, or that it is hidden because a
    field it lies in is excluded."""
    notes = [note for note, on in (("excluded", f.excluded), ("pinned", f.pinned)) if on]
    if not f.excluded and shape.is_excluded(f.path):
        notes.insert(0, "in excluded")
    return ", ".join(notes)


def field_cells(shape: Shape, f: Field, mark: str) -> tuple[Text, Text, Text, Text]:
    """The table cells of one field; excluded fields are struck through, those inside one dim."""
    style = "strike dim" if f.excluded else "dim" if shape.is_excluded(f.path) else ""
    return (
        Text(mark, style="bold"),
        Text(visible(f.label), style=style),  # the server's keys: control characters shown
        Text(f.type_text, style=style),
        Text(field_note(shape, f), style="italic"),
    )


class ShapeTable(DataTable[Text]):
    """The fields of a shape, moved through with the arrow keys (a row cursor)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, id=id)
        self._marks: Mapping[str, str] = {}

    def show(self, shape: Shape, marks: Mapping[str, str] | None = None) -> None:
        """Fill the table with `shape`; `marks` gives some fields a mark in the first column."""
        self._marks = marks or {}
        self.clear(columns=True)
        for column in COLUMNS:
            self.add_column("" if column == "mark" else column.capitalize(), key=column)
        for f in shape:
            self.add_row(*field_cells(shape, f, self._marks.get(f.path, "")), key=f.path)

    def redraw(self, before: Shape, after: Shape) -> None:
        """Redraw the rows `after` changes from `before` (a field excluded or included changes
        the rows inside it too)."""
        for f in after:
            if before.get(f.path) == f and before.is_excluded(f.path) == after.is_excluded(f.path):
                continue
            cells = field_cells(after, f, self._marks.get(f.path, ""))
            try:
                for column, cell in zip(COLUMNS, cells, strict=True):
                    self.update_cell(f.path, column, cell, update_width=True)
            except RowDoesNotExist:
                continue

    @property
    def current_path(self) -> str | None:
        """The path of the field under the cursor (None in an empty table)."""
        if not self.row_count:
            return None
        row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        return row_key.value
