"""A workspace file open in the TUI: its current model, what was last saved, and its session.

Pure Python (no Textual), so saving, reloading and "changed on disk" are
tested without a screen. The file's size, modification time and hash are
remembered at load and at each save: if the file differs when saving, the
save is refused with `ChangedOnDisk` until the user chooses to overwrite or
reload, so an edit made in another editor (or pulled from git) is never
overwritten silently.
"""

from __future__ import annotations

import hashlib
import shlex
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.core.secrets import (
    SecretAddress,
    SecretResolver,
    SecretStore,
    addresses_in_use,
    move_to_ids,
)
from workbench.core.workspace import (
    Defaults,
    EnvironmentRename,
    SecretChange,
    SecretCopy,
    SecretMove,
    SecretRemoval,
    Workspace,
    load_workspace,
    new_workspace_id,
    save_workspace,
)

if TYPE_CHECKING:
    from workbench.core.sending import Session

DEFAULT_WORKSPACE_NAME = "My workspace"


class ChangedOnDisk(Exception):
    """The file was changed (or removed) by someone else since it was loaded or saved."""

    def __init__(self, path: Path, *, removed: bool) -> None:
        self.path = path
        what = "was removed" if removed else "was changed by another program"
        super().__init__(f"{path} {what} since it was loaded.")


@dataclass(frozen=True)
class Fingerprint:
    """What a file looked like: modification time and size (quick check) and content hash."""

    mtime_ns: int
    size: int
    sha256: str

    @classmethod
    def of(cls, path: Path) -> Fingerprint | None:
        """The file's fingerprint, or None when it does not exist."""
        try:
            stat = path.stat()
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except FileNotFoundError:
            return None
        return cls(stat.st_mtime_ns, stat.st_size, digest)

    def matches(self, path: Path) -> bool:
        """Whether the file still has this content (a touched but unchanged file matches)."""
        try:
            stat = path.stat()
        except FileNotFoundError:
            return False
        if (stat.st_mtime_ns, stat.st_size) == (self.mtime_ns, self.size):
            return True
        current = Fingerprint.of(path)
        return current is not None and current.sha256 == self.sha256


class WorkspaceDocument:
    """One workspace file being edited.

    `workspace` is the current (possibly unsaved) model; `saved` the one the
    file holds. Private values move in the secret store as soon as a provider
    or call is renamed, and are copied as soon as one is duplicated (so a
    renamed or duplicated call can be sent before saving); the moves and
    copies are remembered until the next save so that discarding or reloading
    undoes them. The values of a deleted provider or call are removed only
    when the workspace is saved, so discarding the delete keeps them.
    """

    def __init__(
        self,
        path: Path,
        workspace: Workspace,
        secrets: SecretResolver,
        *,
        base_url: str | None,
        defaults: Defaults | None = None,
    ) -> None:
        self.path = path
        self.workspace = workspace
        self.saved = workspace
        self.secrets = secrets
        self.base_url = base_url  # replaces every provider's base URL when sending
        # What the workspace leaves unset (timeout, size cap, confirm_actions): the user's config.
        self.defaults = defaults or Defaults()
        self._fingerprint = Fingerprint.of(path)
        self._moves: list[SecretMove | SecretCopy | EnvironmentRename] = []  # `discard` undoes
        self._removals: list[SecretAddress] = []  # made by `save`
        self._session: Session | None = None
        # What loading did that the user should hear of (values moved to ids), said once.
        self.notices: tuple[str, ...] = ()

    @classmethod
    def load(
        cls,
        path: Path,
        *,
        store: SecretStore | None = None,
        base_url: str | None = None,
        defaults: Defaults | None = None,
    ) -> WorkspaceDocument:
        """Load a workspace file; raises `WorkspaceError` naming what is wrong with it, and
        `SecretStoreError` when the secret store cannot be read (before any screen shows)."""
        workspace = load_workspace(path)
        store = store or SecretStore()
        notices = move_to_ids(store, workspace)
        resolver = SecretResolver(workspace.id, store, workspace_path=shlex.quote(str(path)))
        resolver.reload()
        document = cls(path, workspace, resolver, base_url=base_url, defaults=defaults)
        document.notices = notices
        return document

    @staticmethod
    def create_empty(path: Path, name: str = DEFAULT_WORKSPACE_NAME) -> None:
        """Write a new workspace with no providers (the user's first one)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        save_workspace(Workspace(id=new_workspace_id(), name=name), path)

    @property
    def dirty(self) -> bool:
        """Whether the workspace has edits that are not in the file."""
        return self.workspace != self.saved

    @property
    def title(self) -> str:
        """The workspace's name, marked when unsaved."""
        return f"{self.workspace.name} *" if self.dirty else self.workspace.name

    def update(self, workspace: Workspace, moves: Iterable[SecretChange] = ()) -> None:
        """Take an edited workspace; `moves` carry stored private values along with renames,
        copy them for duplicates and forget them (at the next save) for deletes."""
        for move in moves:
            match move:
                case SecretMove(old, new):
                    self._move(old, new)
                    self._moves.append(move)
                case SecretCopy(source, copy):
                    self.secrets.copy(source, copy)
                    self._moves.append(move)
                case SecretRemoval(address):
                    self._removals.append(address)
                case EnvironmentRename(old, new):
                    self.secrets.rename_environment(old, new)
                    self._moves.append(move)
        self.workspace = workspace

    def restore(self, workspace: Workspace, removals: Iterable[SecretChange]) -> None:
        """Undo a delete: take `workspace` (as it was before) back, and keep the private values
        that the delete's `removals` would have forgotten at the next save."""
        kept = {change.address for change in removals if isinstance(change, SecretRemoval)}
        self._removals = [address for address in self._removals if address not in kept]
        self.workspace = workspace

    def _move(self, old: SecretAddress, new: SecretAddress) -> None:
        """Move a private value, and with a renamed provider the origins approved for it."""
        self.secrets.rename(old, new)
        store = self.secrets.store
        if old.provider != new.provider and store is not None:
            from workbench.core.secrets import TrustBook

            TrustBook(store.home).rename_provider(self.workspace.id, old.provider, new.provider)

    def ensure_id(self) -> bool:
        """Before storing a private value: write the ids the file lacks (the workspace's, its
        providers' and calls', one added line each), so the value is found next time even
        after a rename; True when it did.

        Raises `WorkspaceError` (nothing written) when the file cannot be changed. A file
        changed on disk meanwhile is left alone: saving writes the id with the rest.
        """
        from workbench.core.workspace import give_id

        if self.changed_on_disk():
            return False
        if not give_id(self.path, self.saved):
            return False
        self._fingerprint = Fingerprint.of(self.path)  # our own change, not someone else's
        return True

    def changed_on_disk(self) -> bool:
        """Whether the file differs from what was loaded or last saved here."""
        if self._fingerprint is None:
            return self.path.exists()
        return not self._fingerprint.matches(self.path)

    def save(self, *, overwrite: bool = False) -> None:
        """Write the workspace atomically.

        Raises `ChangedOnDisk` (writing nothing) when the file changed since it
        was loaded, unless `overwrite`; `WorkspaceError` when it cannot be written.
        """
        if not overwrite and self.changed_on_disk():
            raise ChangedOnDisk(self.path, removed=not self.path.exists())
        save_workspace(self.workspace, self.path)
        self.saved = self.workspace
        self._fingerprint = Fingerprint.of(self.path)
        self._moves.clear()
        # A later edit may have put values back at a removed address (a new call of the
        # deleted one's name, a rename onto it): those belong to the saved workspace.
        in_use = addresses_in_use(self.workspace)
        for address in dict.fromkeys(self._removals):
            if address not in in_use:
                self.secrets.delete_all(address)
        self._removals.clear()

    def reload(self) -> None:
        """Drop unsaved edits and read the file again; raises `WorkspaceError` if it is broken."""
        workspace = load_workspace(self.path)
        self.discard()
        self.workspace = self.saved = workspace
        self._fingerprint = Fingerprint.of(self.path)

    def discard(self) -> None:
        """Forget unsaved edits: put moved private values back under their saved names,
        drop copied ones, and keep those of deleted providers and calls."""
        for move in reversed(self._moves):
            if isinstance(move, SecretMove):
                self._move(move.new, move.old)
            elif isinstance(move, EnvironmentRename):
                self.secrets.rename_environment(move.new, move.old)
            else:
                self.secrets.delete_all(move.copy)
        self._moves.clear()
        self._removals.clear()
        self.workspace = self.saved

    def session(self) -> Session:
        """The long-lived session that sends this document's calls, made at the first send.

        Importing the session imports httpx, which is kept off the start-up path.
        """
        if self._session is None:
            from workbench.core.sending import Session

            self._session = Session(
                self.workspace,
                self.path,
                self.secrets,
                base_url=self.base_url,
                defaults=self.defaults,
            )
        self._session.workspace = self.workspace
        return self._session

    async def aclose(self) -> None:
        """Close the session's connections, if a call was ever sent."""
        if self._session is not None:
            await self._session.aclose()
            self._session = None
