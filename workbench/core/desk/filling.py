"""Setting the private values a workspace still needs, one by one (a teammate's first day).

`fill_missing` asks, with the masked private-value prompt, for each value the selected
workspace's calls need that no source has in its environment (`secrets.missing_values`: a
command or a .env file of the person's config counts as having it); escape stops. `tell_missing`
says at start, in one notice per workspace, how many are missing and which key asks for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbench.core.desk.private_values import keep_typed_value
from workbench.core.errors import SecretStoreError, WorkspaceError
from workbench.core.secrets.needed import PrivateValue, missing_values

if TYPE_CHECKING:
    from workbench.core.desk.desk import Desk
    from workbench.core.workspace.document import WorkspaceDocument

FILL_KEY = "shift+F7"


class FillFlow:
    """What shift+F7 ("Set missing private values") starts, and the notice at start."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    def missing(self, document: WorkspaceDocument) -> list[PrivateValue]:
        """The values `document`'s calls still need in its environment (none when the store
        cannot be read: sending says why)."""
        try:
            return missing_values(
                document.workspace, document.secrets, self.desk.environment_of(document)
            )
        except SecretStoreError:
            return []

    def tell_missing(self) -> None:
        """One notice per open workspace that misses private values, naming the key."""
        for document in self.desk.documents:
            missing = self.missing(document)
            if missing:
                count = f"{len(missing)} private value{'s are' if len(missing) > 1 else ' is'}"
                self.desk.ask.tell(
                    f"{count} not set for {self.desk.environment_of(document)}: {FILL_KEY} "
                    "asks for each.",
                    title=document.workspace.name,
                )

    async def fill_missing(self) -> int:
        """Ask for each value the selected workspace still needs; the number stored."""
        desk = self.desk
        item = desk.selected
        if item is None:
            desk.ask.tell("Open a workspace first.", severity="warning")
            return 0
        document = item.document
        environment = desk.environment_of(document)
        missing = self.missing(document)
        if not missing:
            desk.ask.tell(
                f"Every private value the calls of {document.workspace.name} need is set "
                f"for {environment}."
            )
            return 0
        stored = 0
        for index, value in enumerate(missing, 1):
            answer = await desk.ask.private_value(
                value.address, f"{value.description}; {index} of {len(missing)}", environment
            )
            if answer is None:
                break
            try:
                keep_typed_value(document, desk.ask, value.address, answer)
            except (SecretStoreError, WorkspaceError) as error:
                desk.ask.tell(str(error), title="Not stored", severity="error")
                break
            stored += 1
        desk.publish_private_values()
        left = len(missing) - stored
        said = f"Stored {stored} of {len(missing)} private values for {environment}."
        if left:
            said += f" {left} still missing: {FILL_KEY} asks again."
        desk.ask.tell(said, severity="warning" if left else "information")
        return stored
