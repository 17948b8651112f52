"""Editing a workspace itself: its name and settings, its environments, the values that
differ per environment.

Environment edits ask what they need (a name, a confirmation) and apply one
function of `workbench.core.workspace.environments`; the environment the
document's calls go to follows a rename and falls back to the default when
it is removed. A removed environment can be brought back with ctrl+z.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from workbench.core.desk.ask import NO, Choice
from workbench.core.desk.items import TreeItem
from workbench.core.workspace.editing import EditError, Renamed
from workbench.core.workspace.environments import (
    ValueSlot,
    add_environment,
    environment_problem,
    make_default,
    remove_environment,
    rename_environment,
    set_slot,
)
from workbench.core.workspace.model import Workspace, WorkspaceSettings

if TYPE_CHECKING:
    from workbench.core.desk.desk import Desk
    from workbench.core.workspace.document import WorkspaceDocument

REMOVE = Choice("y", "Remove it", "remove", "error")


class WorkspaceEdits:
    """The edits the workspace editor starts."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    def _apply(
        self, document: WorkspaceDocument, renamed: Renamed, undo: str | None = None
    ) -> None:
        if renamed.workspace != document.workspace:
            self.desk.apply_edit(
                document, renamed, TreeItem(document), reload_editor=False, undo=undo
            )

    def edit_settings(
        self, document: WorkspaceDocument, name: str, settings: WorkspaceSettings
    ) -> None:
        """The name and settings as typed in the editor (a blank name is not taken)."""
        if not name.strip():
            self.desk.ask.tell("A workspace needs a name: the old one is kept.", timeout=3)
            name = document.workspace.name
        edited = replace(document.workspace, name=name.strip(), settings=settings)
        self._apply(document, Renamed(edited))

    async def ask_value(
        self, document: WorkspaceDocument, slot: ValueSlot, environment: str, current: str
    ) -> None:
        """Ask `slot`'s text in `environment` (offered as `current`), then set it: the value
        differs per environment from then on if the environments no longer agree."""
        text = await self.desk.ask.name(f"{slot.label} in {environment}", current, _anything)
        if text is not None and text != current:
            self._apply(document, Renamed(set_slot(document.workspace, slot, environment, text)))
            self.desk.publish_editor()

    async def add_environment(self, document: WorkspaceDocument) -> None:
        workspace = document.workspace
        name = await self.desk.ask.name(
            "New environment", "", lambda text: environment_problem(workspace, text.strip())
        )
        if name is not None:
            self._apply(document, Renamed(add_environment(document.workspace, name.strip())))
            self.desk.publish_editor()

    async def rename_environment(self, document: WorkspaceDocument, old: str) -> None:
        workspace = document.workspace
        new = await self.desk.ask.name(
            f"Rename the environment {old}",
            old,
            lambda text: environment_problem(workspace, text.strip(), old),
        )
        if new is None or new.strip() == old:
            return
        chosen = self.desk.environment_of(document)
        self._apply(document, rename_environment(document.workspace, old, new.strip()))
        if chosen == old:
            self.desk.set_environment(document, new.strip())
        self.desk.publish_editor()

    async def remove_environment(self, document: WorkspaceDocument, name: str) -> None:
        question = (
            f"Remove the environment {name} and its values from the workspace? Its stored "
            "private values stay in the store (`workbench secret list`); ctrl+z brings it back."
        )
        answer = await self.desk.ask.choose(f"Remove {name}?", question, [REMOVE, NO])
        if answer != "remove":
            return
        try:
            workspace = remove_environment(document.workspace, name)
        except EditError as error:
            self.desk.ask.tell(str(error), severity="warning")
            return
        # The calls go to the default environment now if they went to this one.
        self._apply(document, Renamed(workspace), undo=f"the environment {name}")
        self.desk.publish_editor()

    def make_default(self, document: WorkspaceDocument, name: str) -> None:
        """`name` first in the list; the calls go on to the environment they went to (a new
        default must not send the next call somewhere else)."""
        chosen = self.desk.environment_of(document)
        workspace: Workspace = make_default(document.workspace, name)
        self._apply(document, Renamed(workspace))
        self.desk.set_environment(document, chosen)


def _anything(text: str) -> str | None:
    """Any text is a value (an empty one included)."""
    return None
