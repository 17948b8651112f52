"""Editing the tree: new provider or call, rename, duplicate, delete and move.

Each edit asks what it needs (a name, a confirmation), then applies one
function of `workbench.core.workspace.editing` to the selected document.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from workbench.core.desk.ask import confirm
from workbench.core.desk.items import TreeItem
from workbench.core.interop import CurlError, import_curl
from workbench.core.workspace import editing
from workbench.core.workspace.editing import EditError, Renamed

if TYPE_CHECKING:
    from workbench.core.desk.desk import Desk

# Applies a name to the current workspace: the edit and the item to select afterwards.
NamedEdit = Callable[[str], tuple[Renamed, TreeItem]]


class TreeEdits:
    """The edits of providers and calls that the tree's keys start."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    def _selected(self, what: str) -> TreeItem | None:
        """The selected item, if it is a provider or call (else a notice says so)."""
        item = self.desk.selected
        if item is None or item.provider is None:
            self.desk.ask.tell(f"Select a provider or a call to {what}.", severity="warning")
            return None
        return item

    async def _ask_name(self, title: str, value: str, edit: NamedEdit) -> None:
        def problem(name: str) -> str | None:
            try:
                edit(name)
            except EditError as error:
                return str(error)
            return None

        name = await self.desk.ask.name(title, value, problem)
        if name is not None:
            renamed, selected = edit(name)
            self.desk.apply_edit(selected.document, renamed, selected)

    async def new_provider(self) -> None:
        item = self.desk.selected
        document = item.document if item else self.desk.current_document()
        if document is None:
            return
        after = item.provider if item else None

        def edit(name: str) -> tuple[Renamed, TreeItem]:
            workspace = editing.add_provider(document.workspace, name, after=after)
            return Renamed(workspace), TreeItem(document, name.strip())

        taken = [p.name for p in document.workspace.providers]
        await self._ask_name("New provider", editing.unique_name("New provider", taken), edit)

    async def new_call(self) -> None:
        item = self.desk.selected
        provider = item.provider_model if item else None
        if item is None or provider is None:
            self.desk.ask.tell("Select a provider first (N makes a new one).", severity="warning")
            return
        document, after = item.document, item.call

        def edit(name: str) -> tuple[Renamed, TreeItem]:
            workspace = editing.add_call(document.workspace, provider.name, name, after=after)
            return Renamed(workspace), TreeItem(document, provider.name, name.strip())

        taken = [c.name for c in provider.calls]
        title = f"New call in {provider.name}"
        await self._ask_name(title, editing.unique_name("New call", taken), edit)

    async def rename(self) -> None:
        selected = self.desk.selected
        if selected is not None and selected.provider is None:
            await self.desk.files.rename_workspace(selected.document)
            return
        item = self._selected("rename")
        if item is None or item.provider is None:
            return
        document, provider, call = item.document, item.provider, item.call
        if call is None:

            def edit(name: str) -> tuple[Renamed, TreeItem]:
                renamed = editing.rename_provider(document.workspace, provider, name)
                return renamed, TreeItem(document, name.strip())

            await self._ask_name(f"Rename provider {provider}", provider, edit)
            return

        def edit_call(name: str) -> tuple[Renamed, TreeItem]:
            renamed = editing.rename_call(document.workspace, provider, call, name)
            return renamed, TreeItem(document, provider, name.strip())

        await self._ask_name(f"Rename call {provider}/{call}", call, edit_call)

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
        self.desk.apply_edit(document, duplicated, selected)

    async def delete(self) -> None:
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
                self.desk.ask.tell(str(error), severity="warning")
                return None

        if delete() is None:  # a refused delete says why at once, without asking first
            return
        if not await confirm(self.desk.ask, "Delete?", question):
            return
        deleted = delete()  # again: the workspace may have changed while the question was open
        if deleted is None:
            return
        selected = TreeItem(document) if call is None else TreeItem(document, provider)
        what = f"the provider {provider}" if call is None else f"the call {provider}/{call}"
        self.desk.apply_edit(document, deleted, selected, undo=what)
        self.desk.ask.tell(
            "Deleted. ctrl+z brings it back; the file changes when you save (ctrl+s).", timeout=3
        )

    def move(self, offset: int) -> None:
        """Move the selected provider or call `offset` places (negative: up)."""
        item = self._selected("move")
        if item is None or item.provider is None:
            return
        workspace = item.document.workspace
        if item.call is None:
            moved = editing.move_provider(workspace, item.provider, offset)
        else:
            moved = editing.move_call(workspace, item.provider, item.call, offset)
        self.desk.apply_edit(item.document, Renamed(moved), item, reload_editor=False)

    def paste_curl(self, item: TreeItem, command: str) -> None:
        """A curl command pasted into `item`'s URL: the call becomes what the command sends
        (its name and place kept; ctrl+z brings the call back as it was); a credential in it
        becomes a private header of the call, stored in the secret store."""
        if item.provider is None or item.call is None:
            return
        try:
            imported = import_curl(
                item.document.workspace, command, item.provider, replacing=item.call
            )
        except CurlError as error:
            self.desk.ask.tell(str(error), title="Not a curl command", severity="warning")
            return
        self.desk.apply_edit(
            item.document, Renamed(imported.workspace), item, undo=f"the call {item.path}"
        )
        kept = self.desk.private_values(item.document)
        for address, value in imported.secrets:
            kept.set(address, value)
        told = [f"{item.path} now sends what the curl command sends.", *imported.notes]
        self.desk.ask.tell(" ".join(told))
