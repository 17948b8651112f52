"""Saving, reloading and quitting from the main screen, never losing an edit silently.

Saving writes each unsaved document atomically. A file changed on disk
since it was loaded is never overwritten without asking (overwrite / reload
/ cancel); quitting with unsaved edits asks too (save / discard / cancel).
The questions are asked in a dialog worker, so that a sequence of them
reads as one function.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbench.core.desk import TreeItem
from workbench.core.errors import WorkspaceError
from workbench.core.workspace import ChangedOnDisk, WorkspaceDocument
from workbench.ui.screens.confirm import Choice, ChoiceScreen, confirm

if TYPE_CHECKING:
    from workbench.ui.screens.main import MainScreen

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
    """Save (ctrl+s), reload (ctrl+l) and quit (ctrl+q) for the screen's documents."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen

    def unsaved(self) -> list[WorkspaceDocument]:
        self.screen.sync_editor()
        return [d for d in self.screen.documents if d.dirty]

    def save(self) -> None:
        documents = self.unsaved()
        if not documents:
            self.screen.notify("Nothing to save.", timeout=2)
            return
        self.screen.run_dialog(lambda: self.save_documents(documents))

    def quit(self) -> None:
        """Quit, asking first when there are unsaved edits."""
        self.screen.run_dialog(self._quit)

    async def save_documents(self, documents: list[WorkspaceDocument]) -> bool:
        """Save each document, asking about files changed on disk; False if any was not saved."""
        for document in documents:
            if not await self._save(document):
                return False
        return True

    async def _save(self, document: WorkspaceDocument) -> bool:
        screen = self.screen
        try:
            try:
                document.save()
            except ChangedOnDisk as changed:
                question = (
                    f"{changed} Overwrite it with your version, or reload it from disk "
                    "(losing your unsaved edits)?"
                )
                dialog = ChoiceScreen("Changed on disk", question, CHANGED_ON_DISK_CHOICES)
                answer = await screen.app.push_screen_wait(dialog)
                if answer == "overwrite":
                    document.save(overwrite=True)
                elif answer == "reload":
                    self.reload_document(document)
                    return False
                else:
                    screen.notify("Not saved.", severity="warning", timeout=3)
                    return False
        except WorkspaceError as error:
            screen.notify(str(error), title="Not saved", severity="error")
            return False
        screen.refresh_workspaces()
        screen.notify(f"Saved {document.path}", timeout=2)
        return True

    async def _quit(self) -> None:
        documents = self.unsaved()
        if documents:
            names = ", ".join(d.workspace.name for d in documents)
            question = f"Unsaved edits in {names}. Save them before quitting?"
            dialog = ChoiceScreen("Quit", question, UNSAVED_CHOICES)
            answer = await self.screen.app.push_screen_wait(dialog)
            if answer == "save":
                if not await self.save_documents(documents):
                    return
            elif answer == "discard":
                for document in documents:
                    document.discard()
            else:
                return
        self.screen.app.exit()

    def reload(self) -> None:
        """Read the current document's file again, asking first if that drops edits."""
        document = self.screen.current_document()
        if document is None or document not in self.unsaved():
            if document is not None:
                self.reload_document(document)
            return

        def answered(answer: str | None) -> None:
            if answer == "yes":
                self.reload_document(document)

        question = f"Reload {document.path} from disk and lose your unsaved edits?"
        self.screen.app.push_screen(confirm("Reload?", question), answered)

    def reload_document(self, document: WorkspaceDocument) -> None:
        screen = self.screen
        try:
            document.reload()
        except WorkspaceError as error:
            screen.notify(str(error), title="Not reloaded", severity="error")
            return
        item = screen.selected
        keep = item is not None and item.document is document and _still_there(item)
        screen.selected = item if keep else TreeItem(document)
        screen.refresh_workspaces()
        screen.load_editor()
        screen.notify(f"Reloaded {document.path}", timeout=2)


def _still_there(item: TreeItem) -> bool:
    if item.call is not None:
        return item.call_model is not None
    return item.provider is None or item.provider_model is not None
