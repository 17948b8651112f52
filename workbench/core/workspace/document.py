"""A workspace file open in the TUI: its current model, what was last saved, and its session.

Pure Python (no Textual), so saving, reloading and "changed on disk" are
tested without a screen. The file's size, modification time and hash are
remembered at load and at each save: if the file differs when saving, the
save is refused with `ChangedOnDisk` until the user chooses to overwrite or
reload, so an edit made in another editor (or pulled from git) is never
overwritten silently.

A person's own values (`NAME.local.toml`, the config file's overrides) are kept apart:
`workspace` is what the person uses, with their values laid on the shared one;
`shared` is what the workspace file gets, `local` what the local file gets. An edit of an
overridden value changes the local value (`overrides.separate`), so saving never moves a
person's value into the shared file.
"""

from __future__ import annotations

import hashlib
import shlex
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.core.secrets import (
    PersonalSources,
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
    new_workspace_id,
    save_workspace,
)
from workbench.core.workspace.environments import ValueSlot
from workbench.core.workspace.local_file import (
    ConfigOverrides,
    InUse,
    load_in_use,
    local_path,
    save_local,
)
from workbench.core.workspace.overrides import (
    Overrides,
    apply_overrides,
    combined,
    separate,
    slot_problem,
    slot_value,
)

if TYPE_CHECKING:
    from workbench.core.sending import Session

DEFAULT_WORKSPACE_NAME = "My workspace"


_PARTS_KEPT = 100  # edits ctrl+z can take back with the person's values as they were


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


def _changed(fingerprint: Fingerprint | None, path: Path) -> bool:
    """Whether the file at `path` differs from `fingerprint` (None: it did not exist)."""
    if fingerprint is None:
        return path.exists()
    return not fingerprint.matches(path)


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
        in_use: InUse | None = None,
        config: ConfigOverrides | None = None,
    ) -> None:
        """`workspace`: the shared file's; `in_use`: it with the person's own values (none
        when not given); `config`: the user's config file's overrides, read again on reload."""
        self.path = path
        self.local_path = local_path(path)
        self.config = config
        self._take(in_use or InUse(workspace, Overrides(), Overrides(), workspace, self.local_path))
        self.secrets = secrets
        self.base_url = base_url  # replaces every provider's base URL when sending
        # What the workspace leaves unset (timeout, size cap, confirm_actions): the user's config.
        self.defaults = defaults or Defaults()
        self._fingerprint = Fingerprint.of(path)
        self._local_fingerprint = Fingerprint.of(self.local_path)
        self._moves: list[SecretMove | SecretCopy | EnvironmentRename] = []  # `discard` undoes
        self._removals: list[SecretAddress] = []  # made by `save`
        self._session: Session | None = None
        # The shared and local parts of each workspace shown before an edit, for ctrl+z.
        self._parts: dict[int, tuple[Workspace, Workspace, Overrides]] = {}

    def _take(self, layers: InUse) -> None:
        """Take a freshly read workspace and the person's overrides."""
        self.shared = self.saved = layers.shared
        self.personal = layers.personal  # the config file's: read only here
        self.local = self.saved_local = layers.local
        self.workspace = layers.workspace
        self.warnings = layers.warnings  # overrides left out, and why

    @property
    def overrides(self) -> Overrides:
        """The person's own values laid on the shared workspace (config file and local file)."""
        return combined(self.shared, self.personal, self.local)

    def own_values(self, provider: str, call: str | None, environment: str) -> dict[ValueSlot, str]:
        """The person's own values `provider`'s calls (and `call`'s, when given) are sent with
        in `environment`: the base URL's and parameters' slots, each with where it comes from
        (the local file's name, or "your config file")."""
        found: dict[ValueSlot, str] = {}
        for slot in self.overrides.values:
            if slot.provider != provider or slot.call not in (None, call):
                continue
            if self.local.covers(slot, environment):
                found[slot] = self.local_path.name
            elif self.personal.covers(slot, environment):
                found[slot] = "your config file"
        return found

    def keep_own(self, slot: ValueSlot) -> str | None:
        """Make the value of `slot` the person's own, as it is now (in the local file at the
        next save): later edits of it change their value only. Why it cannot be, or None."""
        value = slot_value(self.workspace, slot)
        if value is None:
            return slot_problem(self.workspace, slot)
        if slot in self.local.values and self.local.values[slot] == value:
            return f"it is yours already (in {self.local_path.name})"
        self.local = Overrides(self.local.environments, {**self.local.values, slot: value})
        return None
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
        sources: PersonalSources | None = None,
        config: ConfigOverrides | None = None,
    ) -> WorkspaceDocument:
        """Load a workspace file and the person's own values for it (its local file, the
        `config` file's overrides); raises `WorkspaceError` naming what is wrong with either,
        and `SecretStoreError` when the secret store cannot be read (before any screen
        shows). `sources`: the person's own commands and .env files, asked before the store.
        Values stored under names (before providers and calls had ids) move to the ids."""
        layers = load_in_use(path, config)
        store = store or SecretStore()
        notices = move_to_ids(store, layers.shared)
        resolver = SecretResolver(
            layers.shared.id,
            store,
            workspace_path=shlex.quote(str(path)),
            sources=sources,
        )
        resolver.reload()
        document = cls(
            path,
            layers.shared,
            resolver,
            base_url=base_url,
            defaults=defaults,
            in_use=layers,
            config=config,
        )
        document.notices = notices
        return document

    @staticmethod
    def create_empty(path: Path, name: str = DEFAULT_WORKSPACE_NAME) -> None:
        """Write a new workspace with no providers (the user's first one)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        save_workspace(Workspace(id=new_workspace_id(), name=name), path)

    @property
    def dirty(self) -> bool:
        """Whether the workspace (or the person's own values) have edits that are not saved."""
        return self.shared != self.saved or self.local != self.saved_local

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
        self._parts[id(self.workspace)] = (self.workspace, self.shared, self.local)
        while len(self._parts) > _PARTS_KEPT:
            del self._parts[next(iter(self._parts))]
        if not self.overrides:
            self.shared = self.workspace = workspace
            return
        renames = [(m.old, m.new) for m in moves if isinstance(m, EnvironmentRename)]
        self.shared, self.local = separate(
            self.workspace, workspace, self.shared, self.overrides, self.local, renames
        )
        self.workspace = apply_overrides(self.shared, self.overrides)

    def restore(self, workspace: Workspace, removals: Iterable[SecretChange]) -> None:
        """Undo a delete: take `workspace` (as it was before) back, and keep the private values
        that the delete's `removals` would have forgotten at the next save."""
        kept = {change.address for change in removals if isinstance(change, SecretRemoval)}
        self._removals = [address for address in self._removals if address not in kept]
        parts = self._parts.get(id(workspace))
        if parts is not None and parts[0] is workspace:
            self.workspace, self.shared, self.local = parts
        else:
            self.update(workspace)

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
        return _changed(self._fingerprint, self.path)

    def save(self, *, overwrite: bool = False) -> str | None:
        """Write the workspace atomically, and the person's own values to the local file when
        they changed; returns what to tell about git when the local file was made (it was
        added to the folder's .gitignore), else None.

        The workspace file is left untouched when only the person's values changed. Raises
        `ChangedOnDisk` (writing nothing) when a file to write changed since it was loaded
        (the local file too: edited by hand meanwhile), unless `overwrite`; `WorkspaceError`
        when it cannot be written.
        """
        local_changed = self.local != self.saved_local
        shared_written = self.shared != self.saved or not local_changed
        if not overwrite:
            if shared_written and self.changed_on_disk():
                raise ChangedOnDisk(self.path, removed=not self.path.exists())
            if local_changed and _changed(self._local_fingerprint, self.local_path):
                raise ChangedOnDisk(self.local_path, removed=not self.local_path.exists())
        if shared_written:
            save_workspace(self.shared, self.path)
            self.saved = self.shared
            self._fingerprint = Fingerprint.of(self.path)
        told = None
        if local_changed:
            told = save_local(self.local_path, self.local, self.path.name)
            self.saved_local = self.local
            self._local_fingerprint = Fingerprint.of(self.local_path)
        self._moves.clear()
        # A later edit may have put values back at a removed address (a new call of the
        # deleted one's name, a rename onto it): those belong to the saved workspace.
        in_use = addresses_in_use(self.workspace)
        for address in dict.fromkeys(self._removals):
            if address not in in_use:
                self.secrets.delete_all(address)
        self._removals.clear()
        return told

    def reload(self) -> None:
        """Drop unsaved edits and read the file again; raises `WorkspaceError` if it is broken."""
        layers = load_in_use(self.path, self.config)
        self.discard()
        self._take(layers)
        self._fingerprint = Fingerprint.of(self.path)
        self._local_fingerprint = Fingerprint.of(self.local_path)

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
        self.shared, self.local = self.saved, self.saved_local
        self.workspace = apply_overrides(self.shared, self.overrides)

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
