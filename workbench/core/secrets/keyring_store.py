"""The OS keyring as the secret store, for people who choose it (`[secrets] store = "keyring"`).

Through the `keyring` library (macOS Keychain, Windows Credential Locker, the Secret Service of
GNOME or KDE). Each workspace's values are one keyring item, service `workbench`, user name the
workspace's id, holding the same layout as the store file's entry for it (address ->
environment -> value), so renames, copies and environment renames work as they do there.

Values already in the store file stay readable: the keyring's win, a value set again moves
into the keyring, a delete forgets both. Updates hold the store file's lock, so parallel
processes lose nothing; a value another process put in the keyring is read at the next
reload. Where no backend is available (over SSH, in a container) the store file is used, and
`fallback_notice` says so.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from workbench.core.errors import SecretStoreError
from workbench.core.secrets.sources import SecretSettings, SourceKind, ValueSource
from workbench.core.secrets.store import (
    ALL_ENVIRONMENTS,
    Entries,
    SecretAddress,
    SecretStore,
    _carry,
    _put,
    _remove,
    _rename_environment,
    _valid_entries,
)

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

SERVICE = "workbench"
ITEM_FORMAT = 1
T = TypeVar("T")


def open_store(settings: SecretSettings, home: Path | None = None) -> SecretStore:
    """The store the person's config chooses: the keyring when asked for and available, else
    the store file (whose `fallback_notice` then says why)."""
    if settings.store != "keyring":
        return SecretStore(home)
    import keyring

    backend = keyring.get_keyring()
    if _usable(backend):
        return KeyringStore(backend, home)
    store = SecretStore(home)
    store.fallback_notice = (
        "Your config asks for the keyring ([secrets] store), but no keyring backend is "
        f"available here; private values are kept in the store file {store.path}."
    )
    return store


def _usable(backend: KeyringBackend) -> bool:
    # keyring's "fail" and "null" backends (no keyring here) have a priority of 0 or less.
    return float(backend.priority) > 0


class KeyringStore(SecretStore):
    """The secret store in the OS keyring, over the store file (see the module's docstring)."""

    def __init__(self, backend: KeyringBackend, home: Path | None = None) -> None:
        super().__init__(home)
        self.backend = backend
        self._in_keyring: dict[str, Entries] = {}

    label = "your keyring"

    def values(self, workspace_id: str) -> Entries:
        entries = super().values(workspace_id)
        kept = self._read(workspace_id)
        self._in_keyring[workspace_id] = kept
        for address, per_env in kept.items():
            entries.setdefault(address, {}).update(per_env)
        return entries

    def source_of(self, workspace_id: str, address: str, environment: str) -> ValueSource:
        if environment in self._in_keyring.get(workspace_id, {}).get(address, {}):
            return ValueSource(SourceKind.KEYRING, self._shown_backend())
        return super().source_of(workspace_id, address, environment)

    def set(
        self, workspace_id: str, address: SecretAddress, value: str, environment: str | None = None
    ) -> None:
        key = environment or ALL_ENVIRONMENTS
        with self._changing(workspace_id) as entries:
            _put(entries, address.store_key, key, value)
        # A value set again moves out of the plain file.
        if key in super().values(workspace_id).get(address.store_key, {}):
            super().delete(workspace_id, address, environment)

    def delete(
        self,
        workspace_id: str,
        address: SecretAddress,
        environment: str | None = None,
        *,
        every_environment: bool = False,
    ) -> bool:
        key = None if every_environment else environment or ALL_ENVIRONMENTS
        with self._changing(workspace_id) as entries:
            removed = _remove(entries, address.store_key, key)
        in_file = super().delete(
            workspace_id, address, environment, every_environment=every_environment
        )
        return removed or in_file

    def rename(self, workspace_id: str, old: SecretAddress, new: SecretAddress) -> bool:
        with self._changing(workspace_id) as entries:
            moved = _carry(entries, old.store_key, new.store_key, move=True)
        return super().rename(workspace_id, old, new) or moved

    def copy(self, workspace_id: str, source: SecretAddress, target: SecretAddress) -> bool:
        with self._changing(workspace_id) as entries:
            copied = _carry(entries, source.store_key, target.store_key, move=False)
        return super().copy(workspace_id, source, target) or copied

    def move_keys(self, workspace_id: str, keys: Mapping[str, str]) -> list[str]:
        with self._changing(workspace_id) as entries:
            moved = [old for old, new in keys.items() if old in entries and new not in entries]
            for old in moved:
                entries[keys[old]] = entries.pop(old)
        return [*moved, *super().move_keys(workspace_id, keys)]

    def rename_environment(self, workspace_id: str, old: str, new: str) -> None:
        with self._changing(workspace_id) as entries:
            _rename_environment(entries, old, new)
        super().rename_environment(workspace_id, old, new)

    @contextmanager
    def _changing(self, workspace_id: str) -> Iterator[Entries]:
        """The workspace's item, changed by the body and written back when it changed; under
        the store file's lock, so that parallel processes lose nothing."""
        with self.locked():
            entries = self._read(workspace_id)
            before = json.dumps(entries, sort_keys=True)
            yield entries
            if json.dumps(entries, sort_keys=True) != before:
                self._write(workspace_id, entries)

    def _read(self, workspace_id: str) -> Entries:
        text = self._backend_call(
            "read from", lambda: self.backend.get_password(SERVICE, workspace_id)
        )
        if text is None:
            return {}
        try:
            data: Any = json.loads(text)
        except json.JSONDecodeError:
            data = None
        values = data.get("values") if isinstance(data, dict) else None
        if (
            not isinstance(values, dict)
            or not _valid_entries(values)
            or data.get("format") != ITEM_FORMAT
        ):
            raise SecretStoreError(
                f"The keyring item {SERVICE}/{workspace_id} is not one this workbench wrote "
                "(or was written by a newer one); it was left as it is. Remove it from your "
                "keyring to start afresh."
            )
        return {str(k): dict(v) for k, v in values.items()}

    def _write(self, workspace_id: str, entries: Entries) -> None:
        if not entries:
            self._backend_call("remove from", lambda: self._forget(workspace_id))
            return
        text = json.dumps({"format": ITEM_FORMAT, "values": entries}, sort_keys=True)
        self._backend_call(
            "write to", lambda: self.backend.set_password(SERVICE, workspace_id, text)
        )

    def _forget(self, workspace_id: str) -> None:
        from keyring.errors import PasswordDeleteError

        try:
            self.backend.delete_password(SERVICE, workspace_id)
        except PasswordDeleteError:
            pass  # already gone

    def _backend_call(self, doing: str, call: Callable[[], T]) -> T:
        """`call` on the backend; its failure a `SecretStoreError` (never showing a value)."""
        from keyring.errors import KeyringError

        try:
            return call()
        except KeyringError as error:
            raise SecretStoreError(
                f"Cannot {doing} your keyring ({self._shown_backend()}): "
                f'{type(error).__name__}. Set [secrets] store = "file" in your config file '
                "to keep values in the store file instead."
            ) from None

    def _shown_backend(self) -> str:
        return str(getattr(self.backend, "name", type(self.backend).__name__))
