"""Saving, reloading and quitting, never losing an edit silently.

Saving writes each unsaved document atomically. A file changed on disk
since it was loaded is never overwritten without asking (overwrite / reload
/ cancel); quitting with unsaved edits asks too (save / discard / cancel).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbench.core.desk.ask import Choice, confirm
from workbench.core.desk.items import TreeItem
from workbench.core.errors import WorkspaceError
from workbench.core.workspace.document import ChangedOnDisk, WorkspaceDocument

if TYPE_CHECKING:
    from workbench.core.desk.desk import Desk

CHANGED_ON_DISK_CHOICES = (
    Choice("o", "Overwrite", "overwrite", "error"),
    Choice("r", "Reload", "reload"),
    Choice("c", "Cancel", "cancel", "primary"),
)
UNSAVED_CHOICES = (
    Choice("s", "Save", "save", "primary"),
    Choice("d", "Discard", "discard", "error"),
    Choice("c", "Cancel", "cancel"),
)


class SaveFlow:
    """Save, reload and quit for the desk's documents."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    def unsaved(self) -> list[WorkspaceDocument]:
        return [d for d in self.desk.documents if d.dirty]

    async def save(self) -> bool:
        """Save every unsaved document, asking about files changed on disk; False if any was
        not saved."""
        documents = self.unsaved()
        if not documents:
            self.desk.ask.tell("Nothing to save.", timeout=2)
            return True
        return await self.save_documents(documents)

    async def save_documents(self, documents: list[WorkspaceDocument]) -> bool:
        for document in documents:
            if not await self._save(document):
                return False
        return True

    async def _save(self, document: WorkspaceDocument) -> bool:
        desk = self.desk
        shared_before, local_before = document.saved, document.saved_local
        told = None
        try:
            try:
                told = document.save()
            except ChangedOnDisk as changed:
                question = (
                    f"{changed} Overwrite it with your version, or reload it from disk "
                    "(losing your unsaved edits)?"
                )
                answer = await desk.ask.choose("Changed on disk", question, CHANGED_ON_DISK_CHOICES)
                if answer == "overwrite":
                    told = document.save(overwrite=True)
                elif answer == "reload":
                    self.reload_document(document)
                    return False
                else:
                    desk.ask.tell("Not saved.", severity="warning", timeout=3)
                    return False
        except WorkspaceError as error:
            desk.ask.tell(str(error), title="Not saved", severity="error")
            return False
        desk.publish_tree()
        saved = [str(document.path)] if document.saved is not shared_before else []
        if document.saved_local is not local_before:
            saved.append(f"your own values in {document.local_path.name} (yours only)")
        desk.ask.tell(f"Saved {' and '.join(saved) or document.path}", timeout=3)
        if told:
            desk.ask.tell(told, timeout=8)
        return True

    async def quit(self) -> bool:
        """Whether to quit now, asking first when there are unsaved edits."""
        documents = self.unsaved()
        if not documents:
            return True
        names = ", ".join(d.workspace.name for d in documents)
        question = f"Unsaved edits in {names}. Save them before quitting?"
        answer = await self.desk.ask.choose("Quit", question, UNSAVED_CHOICES)
        if answer == "save":
            return await self.save_documents(documents)
        if answer == "discard":
            for document in documents:
                document.discard()
            return True
        return False

    async def reload(self) -> None:
        """Read the current document's file again, asking first if that drops edits."""
        document = self.desk.current_document()
        if document is None:
            return
        if document.dirty:
            question = f"Reload {document.path} from disk and lose your unsaved edits?"
            if not await confirm(self.desk.ask, "Reload?", question):
                return
        self.reload_document(document)

    def reload_document(self, document: WorkspaceDocument) -> None:
        desk = self.desk
        try:
            document.reload()
        except WorkspaceError as error:
            desk.ask.tell(str(error), title="Not reloaded", severity="error")
            return
        item = desk.selected
        keep = item is not None and item.document is document and item.still_there()
        desk.reselect(item if keep and item is not None else TreeItem(document))
        desk.ask.tell(f"Reloaded {document.path}", timeout=2)
