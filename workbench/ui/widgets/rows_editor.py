"""An editable list of headers or parameters, one line per row.

`RowsEditor` and `RowEditor` hold everything both tables share: the rows,
adding, deleting and moving them, name, value and private flag. The
parameter table adds its own columns; the header table only names its
columns and its secret field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, ClassVar, Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalGroup
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Static

from workbench.core.desk import PrivateValueAccess
from workbench.core.secrets import Owner, SecretAddress
from workbench.core.terminal_text import visible
from workbench.core.workspace import Header, Parameter, ValueSlot
from workbench.ui.own_values import own_note
from workbench.ui.widgets.private_input import PrivateInput
from workbench.ui.widgets.value_input import ValueInput

# How a table's rows are addressed in the secret store (`RowsEditor.address_of`).
AddressOf = Callable[[Owner, str, Owner | None], SecretAddress]

RowModel = TypeVar("RowModel", Header, Parameter)


@dataclass(frozen=True)
class RowContext:
    """What the rows of one table share: where private values live, which environment is shown."""

    provider: Owner
    call: Owner | None  # None for a provider's shared headers and parameters
    environment: str
    secrets: PrivateValueAccess
    address_of: AddressOf  # `SecretAddress.parameter` or `SecretAddress.header`
    own: frozenset[str] = frozenset()  # rows whose value here is the person's own (local)

    def address(self, name: str) -> SecretAddress | None:
        """The secret address of the row called `name`; None while it has no name."""
        return self.address_of(self.provider, name, self.call) if name else None


class RowEditor(Horizontal, Generic[RowModel]):
    """One row: name, value (masked when private) and the private flag; a header is just that."""

    def __init__(self, model: RowModel, context: RowContext) -> None:
        super().__init__(classes="row")
        self._model: RowModel = model
        self._row_context = context
        # Made here and kept, so the row reads its fields without querying the DOM.
        self._name_input = Input(model.name, placeholder="name", compact=True, classes="row-name")
        self._value_input = ValueInput(
            model.value,
            environment=context.environment,
            placeholder="value",
            compact=True,
            classes="row-value",
        )
        self._private_input = PrivateInput(
            context.address(model.name),
            secrets=context.secrets,
            environment=context.environment,
            compact=True,
            classes="row-private-value",
        )
        self._private_checkbox = Checkbox(
            value=model.private,
            compact=True,
            classes="row-private",
            tooltip="Private: the value is kept in the secret store, never in the workspace",
        )
        self.set_class(model.private, "-private")
        if model.name in context.own:
            self._value_input.add_class("-own")
            self._value_input.tooltip = "Yours only (local): an edit changes your own value"

    def compose(self) -> ComposeResult:
        yield self._name_input
        yield self._value_input
        yield self._private_input
        yield self._private_checkbox
        yield from self.compose_flags()

    def compose_flags(self) -> ComposeResult:
        """The columns after the private flag (none for headers)."""
        yield from ()

    def flags(self) -> dict[str, Any]:
        """The model fields of the columns after the private flag, as edited."""
        return {}

    def to_model(self) -> RowModel:
        """The row as edited (a private row has no value); fields it does not show pass through."""
        if not self.is_mounted:
            # Until its inputs are on screen, nobody can have changed them.
            return self._model
        private = self._private_checkbox.value
        return replace(
            self._model,
            name=self._name_input.value,
            value="" if private else self._value_input.to_model(),
            private=private,
            **self.flags(),
        )

    def focus_name(self) -> None:
        """Put the focus on the row's name."""
        self._name_input.focus()

    @on(Checkbox.Changed, ".row-private")
    def _private_changed(self, event: Checkbox.Changed) -> None:
        self.set_class(event.value, "-private")
        text = self._value_input.value
        if event.value and text:
            # Made private, the value typed goes to the secret store, not away.
            self._private_input.take_over(text)
            self._value_input.value = ""

    @on(Input.Blurred)
    def _scrolled_back(self, event: Input.Blurred) -> None:
        # A cell is narrow: typing at the end of "per_page" scrolls it to "er_page", and it
        # would stay so after the cursor left. Once left, a cell shows its value's start.
        event.input.scroll_to(x=0, animate=False, immediate=True)

    @on(Input.Blurred, ".row-name")
    def _named(self, event: Input.Blurred) -> None:
        # A value made private before the row had a name waited in the masked input: it
        # has an address now. (Focused, the input stores it itself when left.)
        private = self._private_input
        if self._private_checkbox.value and not private.has_focus:
            private.take_over(private.value)

    @on(Input.Changed, ".row-name")
    def _renamed(self, event: Input.Changed) -> None:
        # The private value follows the name it is stored under.
        self._private_input.address = self._row_context.address(event.value)


class RowsEditor(Widget, Generic[RowModel]):
    """An editable list of rows, kept in the order the user gives them."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority, so that they win over the keys of the input that has focus. None of them
        # is a text-editing key (ctrl+d deletes a character, as in readline).
        Binding("ctrl+n", "add_row", "Add a row", priority=True, id="rows_add"),
        Binding("ctrl+delete", "delete_row", "Delete the row", priority=True, id="rows_delete"),
        Binding("ctrl+z", "undo_delete", "Bring back the deleted row", id="rows_undo"),
        Binding("alt+up", "move_row(-1)", "Move the row up", priority=True, id="rows_move_up"),
        Binding("alt+down", "move_row(1)", "Move the row down", priority=True, id="rows_move_down"),
    ]

    # (heading, CSS class of the column), in the order of the row's widgets.
    COLUMNS: ClassVar[tuple[tuple[str, str], ...]] = ()
    NOUN: ClassVar[str] = "row"

    class RowsChanged(Message):
        """Rows were added, deleted or moved."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: list[RowEditor[RowModel]] = []
        self._row_context: RowContext | None = None
        self._deleted: list[tuple[int, RowModel]] = []  # for ctrl+z, the latest last

    def compose(self) -> ComposeResult:
        with Horizontal(classes="rows-heading"):
            for heading, column in self.COLUMNS:
                yield Label(heading, classes=column)
        yield VerticalGroup(classes="rows")
        yield Button(f"+ Add {self.NOUN}", compact=True, classes="rows-add")
        yield Static("", classes="rows-own", markup=False)

    def new_row(self, model: RowModel, context: RowContext) -> RowEditor[RowModel]:
        """A row editor for `model`."""
        raise NotImplementedError

    def empty_model(self) -> RowModel:
        """The model of a freshly added row."""
        raise NotImplementedError

    def address_of(self, provider: Owner, name: str, call: Owner | None) -> SecretAddress:
        """Where the private value of the row called `name` is stored."""
        raise NotImplementedError

    def load(
        self,
        rows: Iterable[RowModel],
        *,
        provider: Owner,
        call: Owner | None,
        environment: str,
        secrets: PrivateValueAccess,
        own: Mapping[ValueSlot, str] | None = None,
    ) -> None:
        """Show `rows` of `provider` (or of its `call`; None for its shared rows). `own`: the
        rows whose value is the person's own in `environment`, with where it comes from
        (marked, and said)."""
        own = own or {}
        names = frozenset(slot.name for slot in own)
        self._row_context = RowContext(provider, call, environment, secrets, self.address_of, names)
        note = self.query_one(".rows-own", Static)
        note.update("\n".join(map(visible, own_note(own, edited_here=True).splitlines())))
        note.display = bool(own)
        self._deleted.clear()  # rows of another call or provider cannot come back here
        self._rows = [self.new_row(model, self._row_context) for model in rows]
        # Through the message queue, one load after the other: removing rows
        # that are still being mounted would break them.
        self.call_later(self._show_rows, self._rows)

    async def _show_rows(self, rows: list[RowEditor[RowModel]]) -> None:
        if rows is not self._rows:
            return  # a later load replaced them before they were shown
        box = self.query_one(".rows", VerticalGroup)
        # A row added meanwhile (ctrl+n) is already shown: keep it.
        await box.remove_children([child for child in box.children if child not in rows])
        await box.mount_all([row for row in rows if row.parent is None])

    def to_model(self) -> tuple[RowModel, ...]:
        """The rows as edited; a row without a name is not a header or parameter yet."""
        models = (row.to_model() for row in self._rows)
        return tuple(model for model in models if model.name)

    async def action_add_row(self) -> None:
        current = self._focused_row()
        index = len(self._rows) if current is None else self._rows.index(current) + 1
        await self._insert_row(index, self.empty_model())

    async def _insert_row(self, index: int, model: RowModel) -> None:
        if self._row_context is None:
            return
        row = self.new_row(model, self._row_context)
        box = self.query_one(".rows", VerticalGroup)
        if index < len(self._rows):
            await box.mount(row, before=self._rows[index])
        else:
            await box.mount(row)
        self._rows.insert(index, row)
        row.focus_name()
        self.post_message(self.RowsChanged())

    def action_delete_row(self) -> None:
        row = self._focused_row()
        if row is None:
            return
        index = self._rows.index(row)
        self._deleted.append((index, row.to_model()))
        self._rows.remove(row)
        row.remove()
        if self._rows:
            self._rows[min(index, len(self._rows) - 1)].focus_name()
        else:
            self.query_one(".rows-add", Button).focus()
        self.post_message(self.RowsChanged())
        self.notify(f"Deleted the {self.NOUN}; ctrl+z brings it back.", timeout=3)

    async def action_undo_delete(self) -> None:
        if self._deleted:
            index, model = self._deleted.pop()
            await self._insert_row(min(index, len(self._rows)), model)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # With no row to bring back, ctrl+z goes on to the screen (a deleted call).
        return action != "undo_delete" or bool(self._deleted)

    def action_move_row(self, offset: int) -> None:
        row = self._focused_row()
        if row is None:
            return
        index = self._rows.index(row)
        target = index + offset
        if not 0 <= target < len(self._rows):
            return
        neighbour = self._rows[target]
        self._rows[index], self._rows[target] = neighbour, row
        box = self.query_one(".rows", VerticalGroup)
        if offset < 0:
            box.move_child(row, before=neighbour)
        else:
            box.move_child(row, after=neighbour)
        row.scroll_visible()
        self.post_message(self.RowsChanged())

    @on(Button.Pressed, ".rows-add")
    async def _add_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        await self.action_add_row()

    def _focused_row(self) -> RowEditor[RowModel] | None:
        focused = self.screen.focused
        if focused is None:
            return None
        return next((row for row in self._rows if row in focused.ancestors_with_self), None)
