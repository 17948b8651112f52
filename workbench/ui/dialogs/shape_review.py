"""The shape dialog of initializing: review a learned shape, exclude fields, set types, keep it.

It lists the shape one field a line (path, type with its `|null` and `?`
marks, excluded and pinned fields marked) in a table moved with the arrow
keys. On reinitialize the drift from the saved shape comes first, in lines
(`format_drift`), and the fields that drifted are marked in the table. The
user's exclusions and type changes are made on the shape (`Shape.exclude`,
`Shape.set_type`); accepting dismisses with the edited shape, escape with
None (the saved shape stays).
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static
from textual.widgets.data_table import RowDoesNotExist

from workbench.core.shape import Drift, Field, FieldType, Learned, Shape, format_drift
from workbench.core.terminal_text import visible

TYPES = tuple(FieldType)
COLUMNS = ("mark", "field", "type", "note")


def drift_marks(drift: Drift) -> dict[str, str]:
    """The mark of each drifted field in the table: `+` added, `~` type changed, `?` its
    optional or nullable mark changed (as in the drift lines)."""
    marks: dict[str, str] = {}
    for path in (
        *drift.now_optional,
        *drift.no_longer_optional,
        *drift.now_nullable,
        *drift.no_longer_nullable,
    ):
        marks[path] = "?"
    marks.update((change.path, "~") for change in drift.changed)
    marks.update((f.path, "+") for f in drift.added)
    return marks


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


class ShapeReviewScreen(ModalScreen[Shape | None]):
    """Review `learned.shape` for the call `name`; dismisses with the shape to keep (the
    user's edits in it) or None to keep the saved one. `source` says where the data came
    from ("response" or "sample")."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x,space", "toggle_excluded", "Exclude / include the field"),
        Binding("t", "cycle_type(1)", "Next type for the field"),
        Binding("T", "cycle_type(-1)", "Previous type for the field"),
        Binding("enter,a", "accept", "Accept the shape", priority=True),
        Binding("escape", "cancel", "Keep the saved shape (cancel)"),
    ]

    def __init__(self, name: str, learned: Learned, source: str = "response") -> None:
        super().__init__(classes="dialog-screen")
        self.call_name = name
        self.learned = learned
        self.source = source
        self.shape = learned.shape
        self._marks = drift_marks(learned.drift)

    # --- what the dialog says ----------------------------------------------------------------

    @property
    def heading(self) -> str:
        verb = "Initialize" if self.learned.is_first else "Reinitialize"
        return f"{verb} {self.call_name}"

    def summary(self) -> str:
        fields = len(self.learned.shape)
        learned = f"{fields} field{'' if fields == 1 else 's'} learned from the {self.source}"
        if self.learned.is_first:
            return f"{learned}. Exclude the fields you do not need, set types, then accept."
        if self.learned.drifted:
            changes = len(format_drift(self.learned.drift))
            return (
                f"The {self.source} drifted from the saved shape "
                f"({changes} change{'' if changes == 1 else 's'}). Accept the new shape, "
                "or escape to keep the saved one."
            )
        return f"No drift: the {self.source} matches the saved shape ({learned})."

    def hint(self) -> str:
        keep = "keep saved" if not self.learned.is_first else "cancel"
        return f"↑↓ move  x exclude/include  t/T type  enter accept  esc {keep}"

    # --- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog shape-review"):
            yield Static(visible(self.heading), classes="dialog-title", markup=False)
            yield Static(self.summary(), id="shape-summary", markup=False)
            if self.learned.drifted:
                with VerticalScroll(id="shape-drift"):
                    yield Static(self._drift_text(), markup=False)
            yield DataTable(cursor_type="row", zebra_stripes=True, id="shape-fields")
            yield Static(self.hint(), classes="dialog-hint", markup=False)

    def _drift_text(self) -> Text:
        colours = {"+": "green", "-": "red", "~": "yellow", "?": "cyan"}
        text = Text()
        for index, line in enumerate(format_drift(self.learned.drift)):
            text.append(("\n" if index else "") + visible(line), style=colours.get(line[:1], ""))
        return text

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for column in COLUMNS:
            table.add_column("" if column == "mark" else column.capitalize(), key=column)
        for f in self.shape:
            table.add_row(*field_cells(self.shape, f, self._marks.get(f.path, "")), key=f.path)
        table.focus()

    # --- the user's edits --------------------------------------------------------------------

    def current_path(self) -> str | None:
        """The path of the field under the cursor."""
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return row_key.value

    def action_toggle_excluded(self) -> None:
        path = self.current_path()
        f = self.shape.get(path) if path is not None else None
        if f is None:
            return
        self._edited(self.shape.include(f.path) if f.excluded else self.shape.exclude(f.path))

    def action_cycle_type(self, step: int) -> None:
        path = self.current_path()
        f = self.shape.get(path) if path is not None else None
        if f is None:
            return
        chosen = TYPES[(TYPES.index(f.type) + step) % len(TYPES)]
        shape = self.shape.set_type(f.path, chosen)
        learned = self.learned.shape.get(f.path)
        if learned is not None and chosen is learned.type and not learned.pinned:
            shape = shape.unpin(f.path)  # back to the learned type: learn it again next time
        self._edited(shape)

    def _edited(self, shape: Shape) -> None:
        """Take the edited shape and redraw the rows it changed (a field excluded or
        included changes the rows inside it too)."""
        table = self.query_one(DataTable)
        for f in shape:
            before = self.shape.get(f.path)
            if before == f and self.shape.is_excluded(f.path) == shape.is_excluded(f.path):
                continue
            cells = field_cells(shape, f, self._marks.get(f.path, ""))
            try:
                for column, cell in zip(COLUMNS, cells, strict=True):
                    table.update_cell(f.path, column, cell, update_width=True)
            except RowDoesNotExist:
                continue
        self.shape = shape

    def action_accept(self) -> None:
        self.dismiss(self.shape)

    def action_cancel(self) -> None:
        self.dismiss(None)
