"""What can be selected on the desk: a workspace, one of its providers, or one of its calls."""

from __future__ import annotations

from dataclasses import dataclass

from workbench.core.workspace.document import WorkspaceDocument
from workbench.core.workspace.model import Call, Provider


@dataclass(frozen=True)
class TreeItem:
    """A line of the workspace tree: a workspace, one of its providers, or a call.

    Items name providers and calls, so they stay valid across edits that
    replace the models (a rename makes a new item).
    """

    document: WorkspaceDocument
    provider: str | None = None
    call: str | None = None

    @property
    def is_call(self) -> bool:
        return self.call is not None

    @property
    def is_provider(self) -> bool:
        return self.provider is not None and self.call is None

    @property
    def provider_model(self) -> Provider | None:
        """The provider in the document's current workspace (None if gone or not a provider)."""
        return self.document.workspace.provider(self.provider) if self.provider else None

    @property
    def call_model(self) -> Call | None:
        """The call in the document's current workspace (None if gone or not a call)."""
        provider = self.provider_model
        return provider.call(self.call) if provider and self.call else None

    @property
    def path(self) -> str:
        """`Provider/Call` (or the provider's or workspace's name) as the user types it."""
        if self.provider is None:
            return self.document.workspace.name
        return self.provider if self.call is None else f"{self.provider}/{self.call}"

    def still_there(self) -> bool:
        """Whether what the item names is still in its document's workspace."""
        if self.call is not None:
            return self.call_model is not None
        return self.provider is None or self.provider_model is not None
