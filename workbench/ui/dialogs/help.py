"""The help screen: every key binding of the workbench, with what it does and where it works.

It lists the app's keys (those that work everywhere, the command palette's
included) first, then the main screen's, the tree's, the editors' and the
response view's, and the dialogs'; above them, what the tree's marks mean.
Textual's own keys (cursor keys, focus next...) work as in any Textual app and are
not listed: they would push the workbench's off the page.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

from workbench.ui.widgets.workspace_tree import MARKS


@dataclass(frozen=True)
class HelpRow:
    """One action: where it works, its keys and what it does."""

    section: str
    keys: str
    description: str


EVERYWHERE = "Everywhere"


def _legend(title: str, marks: Sequence[tuple[str, str]]) -> str:
    """`marks` explained, two to a line (as many as 80 columns hold), under each other."""
    lines = [
        "   ".join(f"{mark} {meaning}" for mark, meaning in marks[start : start + 2])
        for start in range(0, len(marks), 2)
    ]
    indent = "\n" + " " * (len(title) + 1)
    return f"{title} {indent.join(lines)}"


TREE_LEGEND = _legend("Tree marks:", MARKS)


def _rows(app: App[Any], section: str, bindings: Iterable[Binding]) -> list[HelpRow]:
    """One row per action, its keys joined ("ctrl+j, f5"), skipping undescribed bindings."""
    keys: dict[tuple[str, str], list[str]] = {}
    for binding in bindings:
        # The tooltip says more than the footer's one-word description, when there is one.
        description = binding.tooltip or binding.description
        if description:
            keys.setdefault((binding.action, description), []).append(app.get_key_display(binding))
    return [
        HelpRow(section, ", ".join(dict.fromkeys(k)), description)
        for (_, description), k in keys.items()
    ]


def app_rows(screen: Screen[object]) -> list[HelpRow]:
    """The app's keys as a key press reaches them on `screen` (the palette's key included)."""
    bindings = [a.binding for a in screen.active_bindings.values() if isinstance(a.node, App)]
    return _rows(screen.app, EVERYWHERE, bindings)


def class_rows(app: App[Any], section: str, bindings: Sequence[BindingType]) -> list[HelpRow]:
    """The rows of a class's own `BINDINGS` (for widgets and dialogs that are not on screen)."""
    return _rows(app, section, Binding.make_bindings(bindings))


def help_rows(screen: Screen[Any]) -> list[HelpRow]:
    """Every row of the help, those active on `screen` first."""
    # Imported here: the help lists the keys of the screens that open it.
    from workbench.ui.dialogs.choice import ChoiceScreen
    from workbench.ui.dialogs.login_prompt import LoginScreen
    from workbench.ui.dialogs.name_prompt import NamePromptScreen
    from workbench.ui.dialogs.sample_prompt import SamplePromptScreen
    from workbench.ui.dialogs.secret_prompt import PrivateValuePromptScreen
    from workbench.ui.dialogs.shape_review import ShapeReviewScreen
    from workbench.ui.dialogs.shape_view import SavedShapeScreen
    from workbench.ui.dialogs.type_pick import TypePickScreen
    from workbench.ui.screens.main import MainScreen
    from workbench.ui.widgets.body_view import BodyView
    from workbench.ui.widgets.json_tree import JsonTree
    from workbench.ui.widgets.private_input import PrivateInput
    from workbench.ui.widgets.response_view import ResponseView
    from workbench.ui.widgets.rows_editor import RowsEditor
    from workbench.ui.widgets.workspace_tree import WorkspaceTree

    sections: list[tuple[str, type[DOMNode]]] = [
        ("Main screen", MainScreen),
        ("Tree", WorkspaceTree),
        ("Table rows", RowsEditor),
        ("Private field", PrivateInput),
        ("Response", ResponseView),
        ("JSON tree", JsonTree),
        ("Body", BodyView),
        ("Questions", ChoiceScreen),
        ("Name dialog", NamePromptScreen),
        ("Secret dialog", PrivateValuePromptScreen),
        ("Login dialog", LoginScreen),
        ("Shape dialog", ShapeReviewScreen),
        ("Type list", TypePickScreen),
        ("Saved shape", SavedShapeScreen),
        ("Sample dialog", SamplePromptScreen),
        ("Help", HelpScreen),
    ]
    # The app's keys, then the workbench's own keys by part of the screen (a class's own
    # `BINDINGS`, without those it inherits from Textual's widgets).
    rows = app_rows(screen)
    for section, owner in sections:
        rows += class_rows(screen.app, section, owner.BINDINGS)
    return rows


class HelpScreen(ModalScreen[None]):
    """A scrollable table of keys; escape, F1 or q closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,q", "close", "Close help"),
    ]

    def __init__(self, rows: Sequence[HelpRow]) -> None:
        super().__init__(classes="dialog-screen")
        # A key the focused widget and the screen both bind is listed once, where it acts.
        seen: set[tuple[str, str]] = set()
        self._rows = []
        for row in rows:
            if (row.keys, row.description) not in seen:
                seen.add((row.keys, row.description))
                self._rows.append(row)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help"):
            yield Static("Keys", classes="dialog-title")
            yield Static(TREE_LEGEND, classes="dialog-text help-legend", markup=False)
            yield DataTable(cursor_type="row", zebra_stripes=True)
            yield Static("escape: close   up/down, page up/down: scroll", classes="dialog-hint")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Where", "Key", "Action")
        for row in self._rows:
            table.add_row(row.section, row.keys, row.description)
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)
