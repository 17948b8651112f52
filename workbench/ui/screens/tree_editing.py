"""Editing the tree from the main screen: new, rename, duplicate, delete and move.

Each edit asks what it needs (a name, a confirmation), then applies one
function of `workbench.core.workspace.editing` to the selected document. The keys are
bound on the tree; the command palette runs the same actions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from workbench.core.desk import TreeItem
from workbench.core.workspace import EditError, Renamed, editing
from workbench.ui.screens.confirm import confirm
from workbench.ui.screens.name_prompt import NamePromptScreen

if TYPE_CHECKING:
    from workbench.ui.screens.main import MainScreen

# Applies a name to the current workspace: the edit and the item to select afterwards.
NamedEdit = Callable[[str], tuple[Renamed, TreeItem]]


class TreeEditing:
    """The edits of providers and calls that the tree's keys start."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen

    def _selected(self, what: str) -> TreeItem | None:
        """The selected item (after taking the editor's edits), if it is a provider or call."""
        self.screen.sync_editor()
        item = self.screen.selected
        if item is None or item.provider is None:
            self.screen.notify(f"Select a provider or a call to {what}.", severity="warning")
            return None
        return item

    def _ask_name(self, title: str, value: str, edit: NamedEdit) -> None:
        def problem(name: str) -> str | None:
            try:
                edit(name)
            except EditError as error:
                return str(error)
            return None

        def answered(name: str | None) -> None:
            if name is not None:
                renamed, selected = edit(name)
                self.screen.apply_edit(selected.document, renamed, selected)

        self.screen.app.push_screen(NamePromptScreen(title, value, problem), answered)

    def new_provider(self) -> None:
        self.screen.sync_editor()
        item = self.screen.selected
        document = item.document if item else self.screen.current_document()
        if document is None:
            return
        after = item.provider if item else None

        def edit(name: str) -> tuple[Renamed, TreeItem]:
            workspace = editing.add_provider(document.workspace, name, after=after)
            return Renamed(workspace), TreeItem(document, name.strip())

        taken = [p.name for p in document.workspace.providers]
        self._ask_name("New provider", editing.unique_name("New provider", taken), edit)

    def new_call(self) -> None:
        self.screen.sync_editor()
        item = self.screen.selected
        provider = item.provider_model if item else None
        if item is None or provider is None:
            self.screen.notify("Select a provider first (N makes a new one).", severity="warning")
            return
        document, after = item.document, item.call

        def edit(name: str) -> tuple[Renamed, TreeItem]:
            workspace = editing.add_call(document.workspace, provider.name, name, after=after)
            return Renamed(workspace), TreeItem(document, provider.name, name.strip())

        taken = [c.name for c in provider.calls]
        title = f"New call in {provider.name}"
        self._ask_name(title, editing.unique_name("New call", taken), edit)

    def rename(self) -> None:
        item = self._selected("rename")
        if item is None or item.provider is None:
            return
        document, provider, call = item.document, item.provider, item.call
        if call is None:

            def edit(name: str) -> tuple[Renamed, TreeItem]:
                renamed = editing.rename_provider(document.workspace, provider, name)
                return renamed, TreeItem(document, name.strip())

            self._ask_name(f"Rename provider {provider}", provider, edit)
            return

        def edit_call(name: str) -> tuple[Renamed, TreeItem]:
            renamed = editing.rename_call(document.workspace, provider, call, name)
            return renamed, TreeItem(document, provider, name.strip())

        self._ask_name(f"Rename call {provider}/{call}", call, edit_call)

    def duplicate(self) -> None:
        item = self._selected("duplicate")
        if item is None or item.provider is None:
            return
        document = item.document
        if item.call is None:
            duplicated, name = editing.duplicate_provider(document.workspace, item.provider)
            selected = TreeItem(document, name)
        else:
            duplicated, name = editing.duplicate_call(document.workspace, item.provider, item.call)
            selected = TreeItem(document, item.provider, name)
        self.screen.apply_edit(document, duplicated, selected)

    def delete(self) -> None:
        item = self._selected("delete")
        if item is None or item.provider is None:
            return
        document, provider, call = item.document, item.provider, item.call
        if call is None:
            count = len(item.provider_model.calls) if item.provider_model else 0
            question = f"Delete the provider {provider} and its {count} call(s)?"
        else:
            question = f"Delete the call {provider}/{call}?"

        def delete() -> Renamed | None:
            """The edit, or None (after saying why) when chained parameters need the item."""
            try:
                if call is None:
                    return editing.delete_provider(document.workspace, provider)
                return editing.delete_call(document.workspace, provider, call)
            except EditError as error:
                self.screen.notify(str(error), severity="warning")
                return None

        def answered(answer: str | None) -> None:
            deleted = delete() if answer == "yes" else None
            if deleted is None:
                return
            selected = TreeItem(document) if call is None else TreeItem(document, provider)
            self.screen.apply_edit(document, deleted, selected)
            self.screen.notify("Deleted. The file changes when you save (ctrl+s).", timeout=3)

        if delete() is not None:  # a refused delete says why at once, without asking first
            self.screen.app.push_screen(confirm("Delete?", question), answered)

    def move(self, offset: int) -> None:
        """Move the selected provider or call `offset` places (negative: up)."""
        item = self._selected("move")
        if item is None or item.provider is None:
            return
        if item.call is None:
            workspace = editing.move_provider(item.document.workspace, item.provider, offset)
        else:
            workspace = editing.move_call(item.document.workspace, item.provider, item.call, offset)
        self.screen.apply_edit(item.document, Renamed(workspace), item, reload_editor=False)
