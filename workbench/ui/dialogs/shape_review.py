"""The shape dialog of initializing: review a learned shape, exclude fields, set types, keep it.

It lists the shape one field a line (path, type with its `|null` and `?`
marks, excluded and pinned fields marked) in a table moved with the arrow
keys (`ShapeTable`, which the saved shape view shares). On reinitialize the
drift from the saved shape comes first, in lines (`format_drift`), and the
fields that drifted are marked in the table. The user's edits are made on
the shape: exclude a field (`Shape.exclude`), give it the next type or one
picked from a list (`Shape.set_type`), mark it optional or nullable
(`Shape.mark`). Accepting dismisses with the edited shape, escape with None
(the saved shape stays).
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from workbench.core.shape import Drift, Field, FieldType, Learned, Shape, format_drift
from workbench.core.terminal_text import visible
from workbench.ui.dialogs.type_pick import TypePickScreen
from workbench.ui.widgets.shape_table import ShapeTable

TYPES = tuple(FieldType)


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


class ShapeReviewScreen(ModalScreen[Shape | None]):
    """Review `learned.shape` for the call `name`; dismisses with the shape to keep (the
    user's edits in it) or None to keep the saved one. `source` says where the data came
    from ("response" or "sample")."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x,space", "toggle_excluded", "Exclude / include the field"),
        Binding("t", "cycle_type(1)", "Next type for the field"),
        Binding("T", "cycle_type(-1)", "Previous type for the field"),
        Binding("p", "pick_type", "Pick the field's type from a list"),
        Binding("o", "toggle_mark('optional')", "Mark the field optional (?) or not"),
        Binding("n", "toggle_mark('nullable')", "Mark the field nullable (|null) or not"),
        Binding("enter,a", "accept", "Accept the shape", priority=True),
        Binding("escape", "cancel", "Keep the saved shape (cancel)"),
    ]

    def __init__(self, name: str, learned: Learned, source: str = "response") -> None:
        super().__init__(classes="dialog-screen")
        self.call_name = name
        self.learned = learned
        self.source = source
        self.shape = learned.shape

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
        return (
            "↑↓ move  x exclude/include  t/T next/previous type  p pick a type\n"
            f"o optional (?)  n nullable (|null)  enter accept  esc {keep}"
        )

    # --- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog shape-review"):
            yield Static(visible(self.heading), classes="dialog-title", markup=False)
            yield Static(self.summary(), id="shape-summary", markup=False)
            if self.learned.drifted:
                with VerticalScroll(id="shape-drift"):
                    yield Static(self._drift_text(), markup=False)
            yield ShapeTable(id="shape-fields")
            yield Static(self.hint(), classes="dialog-hint", markup=False)

    def _drift_text(self) -> Text:
        colours = {"+": "green", "-": "red", "~": "yellow", "?": "cyan"}
        text = Text()
        for index, line in enumerate(format_drift(self.learned.drift)):
            text.append(("\n" if index else "") + visible(line), style=colours.get(line[:1], ""))
        return text

    def on_mount(self) -> None:
        table = self.query_one(ShapeTable)
        table.show(self.shape, drift_marks(self.learned.drift))
        table.focus()

    # --- the user's edits --------------------------------------------------------------------

    def current_path(self) -> str | None:
        """The path of the field under the cursor."""
        return self.query_one(ShapeTable).current_path

    def current_field(self) -> Field | None:
        """The field under the cursor."""
        path = self.current_path()
        return self.shape.get(path) if path is not None else None

    def action_toggle_excluded(self) -> None:
        f = self.current_field()
        if f is not None:
            self._edited(self.shape.include(f.path) if f.excluded else self.shape.exclude(f.path))

    def action_cycle_type(self, step: int) -> None:
        f = self.current_field()
        if f is not None:
            chosen = TYPES[(TYPES.index(f.type) + step) % len(TYPES)]
            self._retyped(self.shape.set_type(f.path, chosen), f.path)

    def action_pick_type(self) -> None:
        f = self.current_field()
        if f is None:
            return

        def picked(chosen: FieldType | None) -> None:
            if chosen is not None and chosen is not f.type:
                self._retyped(self.shape.set_type(f.path, chosen), f.path)

        self.app.push_screen(TypePickScreen(f.label, f.type), picked)

    def action_toggle_mark(self, mark: str) -> None:
        f = self.current_field()
        if f is None:
            return
        if mark == "optional":
            self._retyped(self.shape.mark(f.path, optional=not f.optional), f.path)
        elif f.type is FieldType.NULL:
            self.notify(
                "A null field is always null: give it another type first (t or p).",
                severity="warning",
            )
        else:
            self._retyped(self.shape.mark(f.path, nullable=not f.nullable), f.path)

    def _retyped(self, shape: Shape, path: str) -> None:
        """Take a shape whose field at `path` got another type or marks: pinned, unless it is
        back to what was learned, which is then learned again next time."""
        f, learned = shape.get(path), self.learned.shape.get(path)
        if f is not None and learned is not None and not learned.pinned:
            if replace(f, excluded=False, pinned=False) == replace(learned, excluded=False):
                shape = shape.unpin(path)
        self._edited(shape)

    def _edited(self, shape: Shape) -> None:
        """Take the edited shape and redraw the rows it changed."""
        self.query_one(ShapeTable).redraw(self.shape, shape)
        self.shape = shape

    def action_accept(self) -> None:
        self.dismiss(self.shape)

    def action_cancel(self) -> None:
        self.dismiss(None)
