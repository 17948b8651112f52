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
    from workbench.core.desk.ask import Ask, PrivateValueAnswer
    from workbench.core.secrets.sources import ValueSource
    from workbench.core.secrets.store import Secret, SecretAddress
    from workbench.core.workspace.document import WorkspaceDocument


class PrivateValueAccess(Protocol):
    """Reading and keeping the private values of one workspace (a `SecretResolver` is one)."""

    def get(self, address: SecretAddress, environment: str) -> Secret | None: ...

    def source_of(self, address: SecretAddress, environment: str) -> ValueSource | None: ...

    def set(self, address: SecretAddress, value: str, environment: str | None = None) -> None: ...


class KeptByDesk:
    """A document's private values as the editors see them."""

    def __init__(self, document: WorkspaceDocument, ask: Ask) -> None:
        self.document = document
        self.ask = ask

    def get(self, address: SecretAddress, environment: str) -> Secret | None:
        return self.document.secrets.get(address, environment)

    def source_of(self, address: SecretAddress, environment: str) -> ValueSource | None:
        return self.document.secrets.source_of(address, environment)

    def set(self, address: SecretAddress, value: str, environment: str | None = None) -> None:
        document = self.document
        try:
            give_id(document, self.ask)
            document.secrets.set(address, value, environment)
        except (SecretStoreError, WorkspaceError) as error:
            self.ask.tell(str(error), title="Not stored", severity="error")
            return
        store = document.secrets.store
        self.ask.tell(f"Stored {address} in {store.label if store else 'the secret store'}.")


def keep_typed_value(
    document: WorkspaceDocument, ask: Ask, address: SecretAddress, answer: PrivateValueAnswer
) -> None:
    """Store a value the user typed when asked for it (the workspace given an id first). They
    typed it for the workspace they see: the provider's first value fixes where its values may
    go. Raises `SecretStoreError` or `WorkspaceError` when it cannot be kept."""
    give_id(document, ask)
    document.secrets.set(address, answer.value, answer.environment)
    provider = document.workspace.provider(address.provider)
    if provider is not None:
        document.session().record_first_origins(provider, answer.environment)


def give_id(document: WorkspaceDocument, ask: Ask) -> None:
    """Before storing a private value (or a token): write the ids the file lacks, so the value
    is found at the next load, and say so. Raises `WorkspaceError` when the file cannot be
    changed."""
    if document.ensure_id():
        ask.tell(
            f"Gave {document.path.name} the ids it lacked (one added line each); commit them "
            "so your teammates' values match."
        )
