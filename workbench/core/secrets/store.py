"""The secret store: private values kept outside workspace files, and the masked `Secret` type.

A private value is addressed by workspace id + provider + field, optionally
per environment. Fields are named like `auth.value`, `param.api_key`,
`header.X-Api-Key`, or `Create user/param.token` for a call's own values. That
is its name, for people and environment variables; the store file keeps it under
the provider's and the call's ids instead (`SecretAddress.key`), so a rename keeps it.

Values are looked up, first match wins:
1. the environment variable for the environment, e.g. `WORKBENCH_SECRET__DEMO__AUTH_VALUE__LIVE`;
2. the environment variable for all environments, `WORKBENCH_SECRET__DEMO__AUTH_VALUE`;
3. the person's own sources named in their config file, asked by those two names: commands,
   then `.env` files (`workbench.core.secrets.sources`);
4. the store entry for the environment, then the one for all environments (the OS keyring's
   first when the person chose it, `workbench.core.secrets.keyring_store`).

The store file is JSON in workbench's data directory (`$WORKBENCH_HOME`, else the `workbench`
folder of the user's data directory), mode 0600 in a folder only the user can write. Every
change re-reads it under a lock and replaces it atomically, so parallel processes lose nothing;
a store that cannot be read (corrupt, or written by a newer workbench) is never rewritten (see
`workbench.core.secrets.private_files`). A resolver notices when another process changed the
file and reads it again at its next lookup.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from workbench.core.errors import SecretMissing, SecretStoreError
from workbench.core.secrets.private_files import LockedJson, check_private_directory
from workbench.core.secrets.sources import (
    PersonalSources,
    SourceAnswer,
    SourceKind,
    ValueSource,
)

HOME_VARIABLE = "WORKBENCH_HOME"
ENV_PREFIX = "WORKBENCH_SECRET"
ALL_ENVIRONMENTS = "*"
MASK = "••••••"
STORE_FORMAT = 1


# Every private value this process has held, so that any text shown or printed (an error
# message, an echoed response) can be masked even where the `Secret` itself is out of reach.
_KNOWN: set[str] = set()


def known_values() -> frozenset[str]:
    """Every private value made into a `Secret` in this process (for masking output)."""
    return frozenset(_KNOWN)


def remember(value: str) -> None:
    """Know `value` as private (masked in output) without making a `Secret` of it: a
    credential a library derived and sent for us, such as client_secret_basic's base64."""
    if value:
        _KNOWN.add(value)


def forget_known_values() -> None:
    """Forget every known private value (tests start each case clean)."""
    _KNOWN.clear()


class Secret:
    """A private value at run time. `repr` and `str` never show it; `reveal()` does.

    `bound`: whether the value may go only to origins approved for its provider (see
    `workbench.core.secrets.trust`). Values from the store and tokens are bound; a value given for
    this run by whoever runs the process (an environment variable, `--param`) is not.
    """

    __slots__ = ("_value", "bound")

    def __init__(self, value: str, *, bound: bool = True) -> None:
        self._value = value
        self.bound = bound
        remember(value)

    def reveal(self) -> str:
        """The value itself: call only where it is really sent or explicitly revealed."""
        return self._value

    def __repr__(self) -> str:
        return f"Secret({MASK!r})"

    def __str__(self) -> str:
        return MASK

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


class Owner(Protocol):
    """What a private value belongs to: a provider or a call (`workspace.model`)."""

    @property
    def name(self) -> str: ...

    @property
    def key(self) -> str: ...


@dataclass(frozen=True)
class SecretAddress:
    """Where a private value lives: provider + field (environment chosen at lookup).

    `provider` and `field` name it as people see it (`Demo/auth.value`, `Demo/Create
    user/param.token`): in messages, `workbench secret set`, environment variable names.
    `key` is where the store keeps it: the provider's and the call's ids in place of their
    names (`k3x9q2mf/auth.value`), so a rename in git keeps the value; "" for the name itself
    (a provider or call built in memory without an id).
    """

    provider: str
    field: str
    key: str = ""

    def __str__(self) -> str:
        return f"{self.provider}/{self.field}"

    @property
    def store_key(self) -> str:
        """The key of the value in the store file."""
        return self.key or str(self)

    # The one place that knows how each kind of private value is addressed.

    @classmethod
    def auth(cls, provider: Owner | str, setting: str) -> SecretAddress:
        """A private setting of the provider's authentication, like `Demo/auth.value`."""
        return cls._of(provider, None, auth_field(setting))

    @classmethod
    def header(
        cls, provider: Owner | str, name: str, call: Owner | str | None = None
    ) -> SecretAddress:
        """A private header, provider-wide or of one call, like `Demo/List/header.X-Sig`."""
        return cls._of(provider, call, f"header.{name}")

    @classmethod
    def parameter(
        cls, provider: Owner | str, name: str, call: Owner | str | None = None
    ) -> SecretAddress:
        """A private parameter, provider-wide or of one call, like `Demo/List/param.key`."""
        return cls._of(provider, call, f"param.{name}")

    @classmethod
    def token(cls, provider: Owner | str) -> SecretAddress:
        """The provider's cached OAuth2 token."""
        return cls.auth(provider, "token")

    @classmethod
    def _of(cls, provider: Owner | str, call: Owner | str | None, field: str) -> SecretAddress:
        """The address of `field` of `provider` (of its `call`); a name given as text has no id."""
        names = [_name(provider), *([_name(call)] if call is not None else []), field]
        keys = [_key(provider), *([_key(call)] if call is not None else []), field]
        key = "/".join(keys)
        return cls(names[0], "/".join(names[1:]), "" if key == "/".join(names) else key)

    @classmethod
    def parse(cls, text: str) -> SecretAddress:
        """Parse `Provider/field` (the field may itself contain `/`, as in `Call/param.x`): the
        name people type; the workspace knows its key (`needed.address_named`)."""
        provider, sep, field = text.partition("/")
        if not sep or not provider or not field:
            raise SecretStoreError(
                f"{text!r} is not a secret name: expected PROVIDER/FIELD, "
                "e.g. 'Demo/auth.value' or 'Demo/Create user/param.token'"
            )
        return cls(provider, field)


def _name(owner: Owner | str) -> str:
    return owner if isinstance(owner, str) else owner.name


def _key(owner: Owner | str) -> str:
    return owner if isinstance(owner, str) else owner.key


def auth_field(setting: str) -> str:
    """The field name of a private authentication setting."""
    return f"auth.{setting}"


def environment_variable(address: SecretAddress, environment: str | None = None) -> str:
    """The environment variable that can carry this private value (for CI)."""
    parts = [ENV_PREFIX, _env_part(address.provider), _env_part(address.field)]
    if environment:
        parts.append(_env_part(environment))
    return "__".join(parts)


def _env_part(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").upper()


def default_home() -> Path:
    """The directory holding the secret store: `$WORKBENCH_HOME`, else the user's data dir."""
    override = os.environ.get(HOME_VARIABLE)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir("workbench", appauthor=False))


# The values of one workspace in the store: address -> environment (or '*') -> value.
Entries = dict[str, dict[str, str]]


def _fresh_store() -> dict[str, Any]:
    return {"format": STORE_FORMAT, "workspaces": {}}


def _valid_store(data: dict[str, Any]) -> bool:
    """Whether a format-1 document has the store's layout (workspace -> address -> env -> text)."""
    workspaces = data.get("workspaces")
    return isinstance(workspaces, dict) and all(map(_valid_entries, workspaces.values()))


def _valid_entries(entries: object) -> bool:
    """Whether `entries` has the layout of one workspace's values (address -> env -> text)."""
    return isinstance(entries, dict) and all(
        isinstance(per_env, dict) and all(isinstance(v, str) for v in per_env.values())
        for per_env in entries.values()
    )


def _put(entries: Entries, address: str, environment: str, value: str) -> None:
    entries.setdefault(address, {})[environment] = value


def _remove(entries: Entries, address: str, environment: str | None) -> bool:
    """Forget the address's value for one environment key, or (None) for all; True if any."""
    per_env = entries.get(address, {})
    if environment is None:
        removed = bool(per_env)
        per_env.clear()
    else:
        removed = per_env.pop(environment, None) is not None
    if not per_env:
        entries.pop(address, None)
    return removed


def _carry(entries: Entries, source: str, target: str, *, move: bool) -> bool:
    """Copy (or move) every environment's value of `source` to `target`; True if any."""
    per_env = entries.pop(source, None) if move else entries.get(source)
    if not per_env:
        return False
    entries.setdefault(target, {}).update(per_env)
    return True


def _rename_environment(entries: Entries, old: str, new: str) -> None:
    """Every address's value for environment `old` is now `new`'s."""
    for per_env in entries.values():
        if old in per_env:
            per_env[new] = per_env.pop(old)


class SecretStore:
    """The secret store file: a JSON document keyed by workspace id, address and environment."""

    FILE_NAME = "secrets.json"
    label = "the secret store"  # where `set` keeps values, in messages

    def __init__(self, home: Path | None = None) -> None:
        self.home = home if home is not None else default_home()
        self.path = self.home / self.FILE_NAME
        # Why values go to this file although the person's config asked for the keyring.
        self.fallback_notice: str | None = None
        self._file = LockedJson(
            self.path,
            what="the secret store",
            format=STORE_FORMAT,
            fresh=_fresh_store,
            valid=_valid_store,
        )

    def stamp(self) -> tuple[int, int, int] | None:
        """What the file looks like now: when this changes, another process wrote it."""
        return self._file.stamp()

    def locked(self) -> AbstractContextManager[None]:
        """Hold the store's lock, e.g. while renewing a token that is saved in it."""
        return self._file.locked()

    def values(self, workspace_id: str) -> Entries:
        """All stored values of a workspace: address -> environment (or '*') -> value."""
        if os.path.lexists(self.home):
            # Values from a folder others can write to could be theirs (a missing one is
            # made, and checked, at the first write).
            check_private_directory(self.home)
        entries = self._file.read()["workspaces"].get(workspace_id, {})
        return {str(k): dict(v) for k, v in entries.items()}

    def source_of(self, workspace_id: str, address: str, environment: str) -> ValueSource:
        """Where the stored value of `address` for `environment` (or '*') is kept."""
        return ValueSource(SourceKind.STORE, str(self.path))

    def set(
        self, workspace_id: str, address: SecretAddress, value: str, environment: str | None = None
    ) -> None:
        """Store a value, for one environment or (environment None) for all of them."""
        with self._file.update() as data:
            entries = data["workspaces"].setdefault(workspace_id, {})
            _put(entries, address.store_key, environment or ALL_ENVIRONMENTS, value)

    def delete(
        self,
        workspace_id: str,
        address: SecretAddress,
        environment: str | None = None,
        *,
        every_environment: bool = False,
    ) -> bool:
        """Forget a value (or, with `every_environment`, all of the address's); True if any."""
        key = None if every_environment else environment or ALL_ENVIRONMENTS
        with self._file.update() as data:
            entries = data["workspaces"].get(workspace_id, {})
            removed = _remove(entries, address.store_key, key)
            if not entries:
                data["workspaces"].pop(workspace_id, None)
        return removed

    def rename(self, workspace_id: str, old: SecretAddress, new: SecretAddress) -> bool:
        """Move every environment's value of `old` to `new` (after a rename); True if any."""
        with self._file.update() as data:
            entries = data["workspaces"].get(workspace_id, {})
            return _carry(entries, old.store_key, new.store_key, move=True)

    def copy(self, workspace_id: str, source: SecretAddress, target: SecretAddress) -> bool:
        """Copy every environment's value of `source` to `target` (a duplicate); True if any."""
        with self._file.update() as data:
            entries = data["workspaces"].get(workspace_id, {})
            return _carry(entries, source.store_key, target.store_key, move=False)

    def move_keys(self, workspace_id: str, keys: Mapping[str, str]) -> list[str]:
        """Move the values kept under each old key of `keys` to its new key when nothing is
        there yet; the old keys moved. The file is written only when something moves."""
        if not any(old in keys for old in self.values(workspace_id)):
            return []
        moved = []
        with self._file.update() as data:
            entries = data["workspaces"].get(workspace_id, {})
            for old, new in keys.items():
                if old in entries and new not in entries:
                    entries[new] = entries.pop(old)
                    moved.append(old)
        return moved

    def rename_environment(self, workspace_id: str, old: str, new: str) -> None:
        """Move the workspace's values stored for environment `old` to `new`."""
        with self._file.update() as data:
            _rename_environment(data["workspaces"].get(workspace_id, {}), old, new)


class SecretResolver:
    """Looks up the private values of one workspace from the environment, the person's own
    sources (`sources`: commands and `.env` files of their config) and the store.

    The store is read at the first lookup and again whenever the file changed on disk (a
    cheap `lstat` per lookup), so a value set, deleted or renewed by another process (a
    `workbench secret set` in another terminal, a parallel run's token) is used at the next
    send. Changes made through the resolver go to the store file; without a store they are
    kept in memory only.
    """

    def __init__(
        self,
        workspace_id: str,
        store: SecretStore | None = None,
        environ: Mapping[str, str] | None = None,
        workspace_path: str = "WORKSPACE",
        sources: PersonalSources | None = None,
    ) -> None:
        self.workspace_id = workspace_id
        self.store = store
        self.environ = os.environ if environ is None else environ
        self.workspace_path = workspace_path
        self.sources = sources
        self._stored: Entries = {}
        self._read = False
        self._stamp: tuple[int, int, int] | None = None

    def _entries(self) -> Entries:
        """The stored values, read again when the file changed since the last read."""
        if self.store is not None:
            # The stamp is taken before reading: a write in between makes the next lookup
            # read once more, never miss it.
            stamp = self.store.stamp()
            if not self._read or stamp != self._stamp:
                self._stored = self.store.values(self.workspace_id)
                self._read, self._stamp = True, stamp
        return self._stored

    def reload(self) -> None:
        """Read the store now, whatever the file looks like (after a change made here, or
        holding the store's lock); `SecretStoreError` when it cannot be read."""
        self._read = False
        self._entries()

    def get(self, address: SecretAddress, environment: str) -> Secret | None:
        """The value for `environment`, or None when it is set nowhere. `SecretStoreError`
        when the source that has it cannot give it (a command fails)."""
        answer = next(self._answers(address, environment), None)
        if answer is None:
            return None
        if answer.value is not None:
            value = answer.value
        else:
            assert self.sources is not None  # only a person's command gives no value at once
            value = self.sources.value(answer)
        # A value given for this run by whoever runs the process is not bound to approved
        # origins; one from the person's config sources or the store is.
        return Secret(value, bound=answer.source.kind is not SourceKind.ENVIRONMENT)

    async def run_commands(self, addresses: Iterable[SecretAddress], environment: str) -> None:
        """Run, in a thread, the commands of the person's config that give `addresses` their
        values (each once a process), so that the event loop (the TUI) goes on meanwhile;
        `SecretStoreError` when one fails."""
        sources = self.sources
        if sources is None or not sources.settings.commands:
            return
        answers = [next(self._answers(address, environment), None) for address in addresses]
        to_run = [a for a in answers if a is not None and a.command is not None]
        if to_run:
            import asyncio

            await asyncio.to_thread(lambda: [sources.value(answer) for answer in to_run])

    def source_of(self, address: SecretAddress, environment: str) -> ValueSource | None:
        """Where the value for `environment` comes from (no command is run), or None."""
        answer = next(self._answers(address, environment), None)
        return None if answer is None else answer.source

    def sources_of(self, address: SecretAddress, environment: str) -> list[ValueSource]:
        """Every source that has a value for `environment`, the one used first."""
        return [answer.source for answer in self._answers(address, environment)]

    def _answers(self, address: SecretAddress, environment: str) -> Iterator[SourceAnswer]:
        """Every source with a value for `address` in `environment`, first match first."""
        variables = (environment_variable(address, environment), environment_variable(address))
        for variable in variables:
            if variable in self.environ:
                yield SourceAnswer(
                    ValueSource(SourceKind.ENVIRONMENT, variable),
                    variable,
                    value=self.environ[variable],
                )
        if self.sources is not None:
            yield from self.sources.answers(variables)
        entries = self._entries()
        # Under the name when nothing is under the ids: a value stored before the provider
        # had an id, until `name_keys.move_to_ids` moves it.
        stored = address.store_key if address.store_key in entries else str(address)
        per_env = entries.get(stored, {})
        for key in (environment, ALL_ENVIRONMENTS):
            if key in per_env:
                where = (
                    self.store.source_of(self.workspace_id, stored, key)
                    if self.store is not None
                    else ValueSource(SourceKind.STORE, "(in memory)")
                )
                yield SourceAnswer(where, variables[0], value=per_env[key])

    def require(self, address: SecretAddress, environment: str) -> Secret:
        """The value for `environment`; raises `SecretMissing` naming how to set it."""
        secret = self.get(address, environment)
        if secret is None:
            raise SecretMissing(
                address,
                set_command=f'workbench secret set {self.workspace_path} "{address}"',
                env_var=environment_variable(address),
            )
        return secret

    def set(self, address: SecretAddress, value: str, environment: str | None = None) -> None:
        """Store a value (in the store file when there is one, else only in memory)."""
        if self.store is None:
            _put(self._stored, address.store_key, environment or ALL_ENVIRONMENTS, value)
            return
        self.store.set(self.workspace_id, address, value, environment)
        self.reload()

    def delete_all(self, address: SecretAddress, environment: str | None = None) -> bool:
        """Forget the address's value for one environment, or (None) for every environment."""
        if self.store is None:
            return _remove(self._stored, address.store_key, environment)
        removed = self.store.delete(
            self.workspace_id, address, environment, every_environment=environment is None
        )
        self.reload()
        return removed

    def rename(self, old: SecretAddress, new: SecretAddress) -> None:
        """Move the stored values of `old` to `new`, e.g. when a provider or call is renamed.

        Environment variables are the user's own and stay as they are.
        """
        if self.store is None:
            _carry(self._stored, old.store_key, new.store_key, move=True)
            return
        self.store.rename(self.workspace_id, old, new)
        self.reload()

    def copy(self, source: SecretAddress, target: SecretAddress) -> None:
        """Copy the stored values of `source` to `target`, e.g. when a call is duplicated.

        Environment variables are the user's own and are not copied.
        """
        if self.store is None:
            _carry(self._stored, source.store_key, target.store_key, move=False)
            return
        self.store.copy(self.workspace_id, source, target)
        self.reload()

    def rename_environment(self, old: str, new: str) -> None:
        """Move the values stored for environment `old` to `new` (it was renamed)."""
        if self.store is None:
            _rename_environment(self._stored, old, new)
            return
        self.store.rename_environment(self.workspace_id, old, new)
        self.reload()

    def stored_addresses(self) -> Iterator[tuple[str, list[str]]]:
        """Addresses that have a value in the store, with the environments they are set for."""
        for address, per_env in sorted(self._entries().items()):
            yield address, sorted(per_env)
