"""The editor of a workspace: its name and settings, its environments, and every value that
can differ per environment, side by side.

The widget shows and reports; the desk edits (`Desk.workspace`). The
environments and values are tables with the cursor on a row or a cell:
their keys post a message saying what the user asked for.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Checkbox, DataTable, Input, Label, Static, TabbedContent, TabPane

from workbench.core.terminal_text import visible
from workbench.core.workspace import (
    Defaults,
    Value,
    ValueSlot,
    Workspace,
    WorkspaceSettings,
    value_in,
    value_slots,
)
from workbench.ui.own_values import MARK

MEGABYTE = 1024 * 1024
LABEL_WIDTH = 30  # of the values' names: longer ones are cut, so the values show at 80 columns


class EnvironmentTable(DataTable[Text]):
    """The environments, the default first; keys to add, rename, remove, make default."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n,a", "ask('add')", "Add", tooltip="Add an environment"),
        Binding("enter,r", "ask('rename')", "Rename", tooltip="Rename the environment"),
        Binding("delete", "ask('remove')", "Remove", tooltip="Remove the environment"),
        Binding("d", "ask('default')", "Make default", tooltip="Make it the default"),
    ]

    class Asked(Message):
        """The user asked to `what` ("add", "rename", "remove", "default") `environment`."""

        def __init__(self, what: str, environment: str) -> None:
            super().__init__()
            self.what, self.environment = what, environment

    names: tuple[str, ...] = ()  # the environments of the rows, in order

    def action_ask(self, what: str) -> None:
        row = self.cursor_row
        environment = self.names[row] if 0 <= row < len(self.names) else ""
        self.post_message(self.Asked(what, environment))


class ValueTable(DataTable[Text]):
    """One row per value, one column per environment; enter edits the cell."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "edit_cell", "Edit", tooltip="Give the value in this environment"),
    ]

    class EditAsked(Message):
        def __init__(self, row: int, column: int) -> None:
            super().__init__()
            self.row, self.column = row, column

    def action_edit_cell(self) -> None:
        row, column = self.cursor_coordinate
        self.post_message(self.EditAsked(row, max(column, 1)))


class WorkspaceEditor(Widget):
    """Edits one workspace; posts `SettingsEdited` as its name and settings are typed."""

    class SettingsEdited(Message):
        def __init__(self, name: str, settings: WorkspaceSettings) -> None:
            super().__init__()
            self.name, self.settings = name, settings

    class ValueEditAsked(Message):
        """The user asked to give `slot` a value in `environment` (shown as `current`)."""

        def __init__(self, slot: ValueSlot, environment: str, current: str) -> None:
            super().__init__()
            self.slot, self.environment, self.current = slot, environment, current

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._workspace: Workspace | None = None
        self._defaults = Defaults()
        self._own: tuple[str, ...] = ()  # environments of the person's own (local)
        self._slots: list[tuple[ValueSlot, Value]] = []
        self._loading = False
        self._focus_on_mount = False

    def compose(self) -> ComposeResult:
        with TabbedContent(id="workspace-tabs"):
            with TabPane("Workspace", id="workspace-main"), VerticalScroll(can_focus=False):
                with Horizontal(classes="workspace-line"):
                    yield Label("Name", classes="field-label")
                    yield Input(compact=True, id="workspace-name")
                yield Checkbox("Ask before sending an action call", compact=True, id="confirm")
                with Horizontal(classes="workspace-line"):
                    yield Label("Largest response read (MB)", classes="field-label")
                    yield Input(compact=True, id="max-response", type="integer")
            with TabPane("Environments", id="workspace-environments"):
                yield EnvironmentTable(id="environments", cursor_type="row")
                yield Static(
                    "a add · r rename · del remove · d make default (the first is the default)",
                    classes="workspace-keys",
                )
            with TabPane("Values", id="workspace-values"):
                yield ValueTable(id="values", cursor_type="cell", zebra_stripes=True)

    def focus(self, scroll_visible: bool = True) -> WorkspaceEditor:
        """Focus the name; an editor mounted just now does it once its fields exist."""
        names = self.query("#workspace-name")
        if names:
            names.first().focus(scroll_visible)
        else:
            self._focus_on_mount = True
        return self

    def load(self, workspace: Workspace, defaults: Defaults, own: tuple[str, ...] = ()) -> None:
        """Show `workspace` (again, after an edit: the cursor stays where it was), with the
        settings it leaves unset as `defaults` gives them; `own`: the environments that are
        the person's own (NAME.local.toml), marked "(local)"."""
        self._workspace, self._defaults, self._own = workspace, defaults, own
        if self.is_mounted:
            self._show(workspace)

    def on_mount(self) -> None:
        if self._workspace is not None:
            self._show(self._workspace)
        if self._focus_on_mount:
            self.call_after_refresh(self.focus)

    def _show(self, workspace: Workspace) -> None:
        self._loading = True
        name = self.query_one("#workspace-name", Input)
        if name.value != workspace.name:
            name.value = workspace.name
        defaults = self._defaults
        self.query_one("#confirm", Checkbox).value = defaults.confirms_actions(workspace)
        size = str(defaults.size_cap_of(workspace) // MEGABYTE)
        maximum = self.query_one("#max-response", Input)
        if maximum.value != size:
            maximum.value = size
        environments = self.query_one(EnvironmentTable)
        row = environments.cursor_row
        before = environments.names
        labels = [visible(e) for e in workspace.environments]
        labels[0] += " (default)"
        labels = [
            f"{label} {MARK}" if name in self._own else label
            for label, name in zip(labels, workspace.environments, strict=True)
        ]
        environments.clear(columns=True)
        # A width given: after `clear` the table measures only the rows added later.
        environments.add_column("Environment", width=max(map(len, labels)))
        environments.add_rows([Text(label)] for label in labels)
        environments.names = workspace.environments
        # The cursor stays on the environment it was on, wherever it moved to.
        if 0 <= row < len(before) and before[row] in workspace.environments:
            row = workspace.environments.index(before[row])
        environments.move_cursor(row=min(row, environments.row_count - 1))
        self._show_values(workspace)
        self.call_after_refresh(setattr, self, "_loading", False)

    def _show_values(self, workspace: Workspace) -> None:
        """One row per value, a column per environment; after an edit that keeps the rows
        and columns, only the cells change (rebuilt, the table would lose its scroll)."""
        table = self.query_one(ValueTable)
        slots = list(value_slots(workspace))
        rows = [
            [Text(visible(slot.label))]
            + [Text(visible(value_in(value, e))) for e in workspace.environments]
            for slot, value in slots
        ]
        same_shape = [s for s, _ in slots] == [s for s, _ in self._slots] and (
            table.ordered_columns
            and [str(c.label) for c in table.ordered_columns[1:]]
            == [visible(e) for e in workspace.environments]
        )
        self._slots = slots
        if same_shape:
            for row, cells in enumerate(rows):
                for column, cell in enumerate(cells):
                    table.update_cell_at(Coordinate(row, column), cell)
            return
        headers = ["Value", *map(visible, workspace.environments)]
        widths = [max(len(cell) for cell in column) for column in zip(headers, *rows, strict=True)]
        widths[0] = min(widths[0], LABEL_WIDTH)
        table.clear(columns=True)
        for header, width in zip(headers, widths, strict=True):
            table.add_column(header, width=width)
        table.add_rows(rows)

    @on(Input.Changed, "#workspace-name, #max-response")
    @on(Checkbox.Changed, "#confirm")
    def _settings_changed(self, event: Message) -> None:
        event.stop()
        if self._loading or self._workspace is None:
            return
        own, defaults = self._workspace.settings, self._defaults
        name = self.query_one("#workspace-name", Input).value
        size = self.query_one("#max-response", Input).value
        maximum = int(size) * MEGABYTE if size.isdigit() and int(size) > 0 else None
        confirm = self.query_one("#confirm", Checkbox).value
        # A setting the workspace leaves to the user's defaults stays unset while it shows them.
        settings = WorkspaceSettings(
            confirm_actions=(
                None
                if own.confirm_actions is None and confirm == defaults.confirm_actions
                else confirm
            ),
            max_response_bytes=(
                own.max_response_bytes
                if maximum is None or maximum == defaults.size_cap_of(self._workspace)
                else maximum
            ),
            history=own.history,  # not edited here: kept as the file says
        )
        self.post_message(self.SettingsEdited(name, settings))

    @on(ValueTable.EditAsked)
    def _edit_value(self, event: ValueTable.EditAsked) -> None:
        event.stop()
        if self._workspace is None or not 0 <= event.row < len(self._slots):
            return
        slot, value = self._slots[event.row]
        environment = self._workspace.environments[event.column - 1]
        current = value_in(value, environment)
        self.post_message(self.ValueEditAsked(slot, environment, current))
