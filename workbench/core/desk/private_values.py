"""The private values the editors show and take, kept by the desk, never by a widget.

A masked input needs to know whether its value is set (to say so), to show
it when the user asks (ctrl+r), and to hand over what was typed. The editors
get a `PrivateValueAccess` for that; the screen gives them the desk's, which
writes the ids the file lacks first (so the value is found at the next load)
and says what it stored or why it could not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from workbench.core.errors import SecretStoreError, WorkspaceError

if TYPE_CHECKING:
    from workbench.core.desk.ask import Ask
    from workbench.core.secrets.store import Secret, SecretAddress
    from workbench.core.workspace.document import WorkspaceDocument


class PrivateValueAccess(Protocol):
    """Reading and keeping the private values of one workspace (a `SecretResolver` is one)."""

    def get(self, address: SecretAddress, environment: str) -> Secret | None: ...

    def set(self, address: SecretAddress, value: str, environment: str | None = None) -> None: ...


class KeptByDesk:
    """A document's private values as the editors see them."""

    def __init__(self, document: WorkspaceDocument, ask: Ask) -> None:
        self.document = document
        self.ask = ask

    def get(self, address: SecretAddress, environment: str) -> Secret | None:
        return self.document.secrets.get(address, environment)

    def set(self, address: SecretAddress, value: str, environment: str | None = None) -> None:
        document = self.document
        try:
            give_id(document, self.ask)
            document.secrets.set(address, value, environment)
        except (SecretStoreError, WorkspaceError) as error:
            self.ask.tell(str(error), title="Not stored", severity="error")
            return
        self.ask.tell(f"Stored {address} in the secret store.")


def give_id(document: WorkspaceDocument, ask: Ask) -> None:
    """Before storing a private value (or a token): write the ids the file lacks, so the value
    is found at the next load, and say so. Raises `WorkspaceError` when the file cannot be
    changed."""
    if document.ensure_id():
        ask.tell(
            f"Gave {document.path.name} the ids it lacked (one added line each); commit them "
            "so your teammates' values match."
        )
