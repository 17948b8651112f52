"""The secret store: private values kept outside workspace files, and the masked `Secret` type.

A private value is addressed by workspace id + provider + field, optionally
per environment. Fields are named like `auth.value`, `param.api_key`,
`header.X-Api-Key`, or `Create user/param.token` for a call's own values.

Values are looked up, first match wins:
1. the environment variable for the environment, e.g. `WORKBENCH_SECRET__DEMO__AUTH_VALUE__LIVE`;
2. the environment variable for all environments, `WORKBENCH_SECRET__DEMO__AUTH_VALUE`;
3. the store file entry for the environment, then the one for all environments.

The store file is JSON in the user's data directory (or `$WORKBENCH_HOME`),
mode 0600 inside a 0700 directory, replaced atomically on every write.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.core.errors import SecretMissing, SecretStoreError
from workbench.core.files import atomic_write

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


def forget_known_values() -> None:
    """Forget every known private value (tests start each case clean)."""
    _KNOWN.clear()


class Secret:
    """A private value at run time. `repr` and `str` never show it; `reveal()` does.

    `bound`: whether the value may go only to origins approved for its provider (see
    `workbench.core.trust`). Values from the store and tokens are bound; a value given for
    this run by whoever runs the process (an environment variable, `--param`) is not.
    """

    __slots__ = ("_value", "bound")

    def __init__(self, value: str, *, bound: bool = True) -> None:
        self._value = value
        self.bound = bound
        if value:
            _KNOWN.add(value)

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


@dataclass(frozen=True)
class SecretAddress:
    """Where a private value lives: provider + field (environment chosen at lookup)."""

    provider: str
    field: str

    def __str__(self) -> str:
        return f"{self.provider}/{self.field}"

    @classmethod
    def parse(cls, text: str) -> SecretAddress:
        """Parse `Provider/field` (the field may itself contain `/`, as in `Call/param.x`)."""
        provider, sep, field = text.partition("/")
        if not sep or not provider or not field:
            raise SecretStoreError(
                f"{text!r} is not a secret name: expected PROVIDER/FIELD, "
                "e.g. 'Demo/auth.value' or 'Demo/Create user/param.token'"
            )
        return cls(provider, field)


def auth_field(setting: str) -> str:
    """The field name of a private authentication setting."""
    return f"auth.{setting}"


def parameter_field(name: str, call: str | None = None) -> str:
    """The field name of a private parameter, provider-wide or of one call."""
    return f"{call}/param.{name}" if call else f"param.{name}"


def header_field(name: str, call: str | None = None) -> str:
    """The field name of a private header, provider-wide or of one call."""
    return f"{call}/header.{name}" if call else f"header.{name}"


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


class SecretStore:
    """The secret store file: a JSON document keyed by workspace id, address and environment."""

    FILE_NAME = "secrets.json"

    def __init__(self, home: Path | None = None) -> None:
        self.home = home if home is not None else default_home()
        self.path = self.home / self.FILE_NAME

    def _read(self) -> dict[str, Any]:
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {"format": STORE_FORMAT, "workspaces": {}}
        except OSError as error:
            raise SecretStoreError(
                f"Cannot read the secret store {self.path}: {error.strerror}"
            ) from None
        try:
            data = json.loads(raw)
        except json.JSONDecodeError:
            raise SecretStoreError(
                f"The secret store {self.path} is not valid JSON. Move it aside and set the "
                "values again with `workbench secret set`."
            ) from None
        if not isinstance(data, dict) or not isinstance(data.get("workspaces"), dict):
            raise SecretStoreError(f"The secret store {self.path} has an unexpected layout.")
        return data

    def _write(self, data: dict[str, Any]) -> None:
        try:
            self.home.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.chmod(self.home, 0o700)
            atomic_write(self.path, json.dumps(data, indent=2, sort_keys=True).encode(), mode=0o600)
        except OSError as error:
            raise SecretStoreError(
                f"Cannot write the secret store {self.path}: {error.strerror}"
            ) from None

    def values(self, workspace_id: str) -> dict[str, dict[str, str]]:
        """All stored values of a workspace: address -> environment (or '*') -> value."""
        entries = self._read()["workspaces"].get(workspace_id, {})
        return {str(k): dict(v) for k, v in entries.items()}

    def set(
        self, workspace_id: str, address: SecretAddress, value: str, environment: str | None = None
    ) -> None:
        """Store a value, for one environment or (environment None) for all of them."""
        data = self._read()
        entries = data["workspaces"].setdefault(workspace_id, {})
        entries.setdefault(str(address), {})[environment or ALL_ENVIRONMENTS] = value
        self._write(data)

    def delete(
        self,
        workspace_id: str,
        address: SecretAddress,
        environment: str | None = None,
        *,
        every_environment: bool = False,
    ) -> bool:
        """Forget a value (or, with `every_environment`, all of the address's); True if any."""
        data = self._read()
        entries = data["workspaces"].get(workspace_id, {})
        per_env = entries.get(str(address), {})
        if every_environment:
            removed = bool(per_env)
            per_env.clear()
        else:
            removed = per_env.pop(environment or ALL_ENVIRONMENTS, None) is not None
        if not per_env:
            entries.pop(str(address), None)
        if not entries:
            data["workspaces"].pop(workspace_id, None)
        if removed:
            self._write(data)
        return removed

    def rename(self, workspace_id: str, old: SecretAddress, new: SecretAddress) -> bool:
        """Move every environment's value of `old` to `new` (after a rename); True if any."""
        data = self._read()
        entries = data["workspaces"].get(workspace_id, {})
        per_env = entries.pop(str(old), None)
        if not per_env:
            return False
        entries.setdefault(str(new), {}).update(per_env)
        self._write(data)
        return True

    def copy(self, workspace_id: str, source: SecretAddress, target: SecretAddress) -> bool:
        """Copy every environment's value of `source` to `target` (a duplicate); True if any."""
        data = self._read()
        entries = data["workspaces"].get(workspace_id, {})
        per_env = entries.get(str(source))
        if not per_env:
            return False
        entries.setdefault(str(target), {}).update(per_env)
        self._write(data)
        return True


class SecretResolver:
    """Looks up the private values of one workspace from the environment and the store.

    The store is read once, when the resolver is made; values set later
    through `set` are seen by this resolver too.
    """

    def __init__(
        self,
        workspace_id: str,
        store: SecretStore | None = None,
        environ: Mapping[str, str] | None = None,
        workspace_path: str = "WORKSPACE",
    ) -> None:
        self.workspace_id = workspace_id
        self.store = store
        self.environ = os.environ if environ is None else environ
        self.workspace_path = workspace_path
        self._stored = store.values(workspace_id) if store is not None else {}

    def get(self, address: SecretAddress, environment: str) -> Secret | None:
        """The value for `environment`, or None when it is set nowhere."""
        for variable in (
            environment_variable(address, environment),
            environment_variable(address),
        ):
            if variable in self.environ:
                return Secret(self.environ[variable], bound=False)
        per_env = self._stored.get(str(address), {})
        for key in (environment, ALL_ENVIRONMENTS):
            if key in per_env:
                return Secret(per_env[key])
        return None

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
        if self.store is not None:
            self.store.set(self.workspace_id, address, value, environment)
        self._stored.setdefault(str(address), {})[environment or ALL_ENVIRONMENTS] = value

    def delete_all(self, address: SecretAddress, environment: str | None = None) -> bool:
        """Forget the address's value for one environment, or (None) for every environment."""
        per_env = self._stored.get(str(address), {})
        if environment is None:
            removed = bool(per_env)
            per_env.clear()
        else:
            removed = per_env.pop(environment, None) is not None
        if not per_env:
            self._stored.pop(str(address), None)
        if self.store is not None:
            removed = (
                self.store.delete(
                    self.workspace_id, address, environment, every_environment=environment is None
                )
                or removed
            )
        return removed

    def rename(self, old: SecretAddress, new: SecretAddress) -> None:
        """Move the stored values of `old` to `new`, e.g. when a provider or call is renamed.

        Environment variables are the user's own and stay as they are.
        """
        per_env = self._stored.pop(str(old), None)
        if per_env:
            self._stored.setdefault(str(new), {}).update(per_env)
        if self.store is not None:
            self.store.rename(self.workspace_id, old, new)

    def copy(self, source: SecretAddress, target: SecretAddress) -> None:
        """Copy the stored values of `source` to `target`, e.g. when a call is duplicated.

        Environment variables are the user's own and are not copied.
        """
        per_env = self._stored.get(str(source))
        if per_env:
            self._stored.setdefault(str(target), {}).update(per_env)
        if self.store is not None:
            self.store.copy(self.workspace_id, source, target)

    def stored_addresses(self) -> Iterator[tuple[str, list[str]]]:
        """Addresses that have a value in the store, with the environments they are set for."""
        for address, per_env in sorted(self._stored.items()):
            yield address, sorted(per_env)
