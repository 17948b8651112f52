"""The per-person overrides' files: `NAME.local.toml` beside `NAME.toml`, and the
`[overrides."WORKSPACE-ID"]` tables of the user's config file.

Both have the same keys (docs/workspace-format.md, "Your own values"): environments of the
person's own, and providers' base URLs and parameter values, named by provider and call
names. A mistake in a key or a value stops loading with a message naming the file, the key
and what to do, like a workspace file's; an override of a provider, call, parameter or
environment the workspace does not have (renamed in git, say) is a warning and is left out.
Private values never go in them: an override of a private parameter, or a value that looks
like a secret, is refused. `load_in_use` reads a workspace with its overrides laid on it.
"""

from __future__ import annotations

import shlex
import subprocess
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.core.errors import WorkspaceError
from workbench.core.files import atomic_write
from workbench.core.secrets.scan import looks_like_secret
from workbench.core.secrets.store import SecretAddress
from workbench.core.workspace.editing import EditError
from workbench.core.workspace.environments import ValueSlot, environment_problem
from workbench.core.workspace.io import load_workspace
from workbench.core.workspace.model import PerEnvironment, Value, Workspace
from workbench.core.workspace.overrides import (
    Overrides,
    apply_overrides,
    combined,
    overlay,
    slot_problem,
)
from workbench.core.workspace.paths import KeyPath
from workbench.core.workspace.spelling import dumps_readable
from workbench.core.workspace.values import TableReader, describe, did_you_mean

LOCAL_SUFFIX = ".local.toml"
GITIGNORE_LINE = "*" + LOCAL_SUFFIX
_TOP_KEYS = ("environments", "providers")
_PROVIDER_KEYS = ("base_url", "parameters", "calls")
_CALL_KEYS = ("parameters",)
# Keys of a workspace that hold (or sit next to) private values: never a person's override.
_PRIVATE_KEYS = ("auth", "headers", "secrets", "token", "password")


def local_path(workspace_path: Path) -> Path:
    """Where the person's overrides of the workspace file are: `NAME.local.toml`."""
    return workspace_path.with_name(workspace_path.stem + LOCAL_SUFFIX)


def is_local_file(path: Path) -> bool:
    """Whether `path` is a file of overrides, not a workspace."""
    return path.name.endswith(LOCAL_SUFFIX)


@dataclass(frozen=True)
class ConfigOverrides:
    """The `[overrides]` table of the user's config file: a table per workspace id."""

    source: str = ""  # the config file, for messages
    tables: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class InUse:
    """A workspace as one person uses it: the shared file's workspace, the overrides of their
    config file (`personal`) and of the local file (`local`), and the two laid on it
    (`workspace`: what is shown and sent). `warnings`: overrides left out, and why."""

    shared: Workspace
    personal: Overrides
    local: Overrides
    workspace: Workspace
    local_path: Path
    warnings: tuple[str, ...] = ()


def load_in_use(path: Path, config: ConfigOverrides | None = None) -> InUse:
    """Read the workspace file at `path` and the person's overrides of it; `WorkspaceError`
    naming the file and key when either is wrong."""
    shared = load_workspace(path)
    return in_use(shared, path, config)


def in_use(shared: Workspace, path: Path, config: ConfigOverrides | None = None) -> InUse:
    """`shared`, read from `path`, with the person's overrides (read now) laid on it."""
    warnings: list[str] = []
    personal = Overrides()
    if config is not None and shared.id in config.tables:
        table = config.tables[shared.id]
        root = KeyPath().key("overrides").key(shared.id)
        reader = _Reader(config.source, "", str(path), root)
        personal = reader.overrides(table, shared)
        warnings += reader.warnings
    local = read_local(local_path(path), shared, str(path), warnings, personal.environments)
    workspace = apply_overrides(shared, combined(shared, personal, local))
    return InUse(shared, personal, local, workspace, local_path(path), tuple(warnings))


def read_local(
    path: Path,
    shared: Workspace,
    workspace_file: str,
    warnings: list[str],
    known: tuple[str, ...] = (),
) -> Overrides:
    """The overrides in the local file at `path` (none when it does not exist); its warnings
    are added to `warnings`. `known`: environments the config file adds."""
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return Overrides()
    except (OSError, UnicodeDecodeError) as error:
        raise WorkspaceError(source, f"cannot be read: {error}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise WorkspaceError(source, f"not valid TOML: {error}") from None
    reader = _Reader(source, text, workspace_file, KeyPath())
    overrides = reader.overrides(data, shared, known)
    warnings += reader.warnings
    return overrides


class _Reader(TableReader):
    """Checks the keys and values of one set of overrides."""

    def __init__(self, source: str, text: str, workspace_file: str, root: KeyPath) -> None:
        super().__init__(source, text)
        self.workspace_file = workspace_file
        self.root = root
        self.warnings: list[str] = []

    def overrides(
        self, data: Mapping[str, Any], shared: Workspace, known: tuple[str, ...] = ()
    ) -> Overrides:
        data = self._table(data, self.root)
        self._keys(data, _TOP_KEYS, self.root, "")
        own = self._environments(data, shared)
        self.environments = tuple(dict.fromkeys((*shared.environments, *known, *own)))
        values: dict[ValueSlot, Value] = {}
        providers = self._table(data.get("providers", {}), self.root.key("providers"))
        for provider, table in providers.items():
            path = self.root.key("providers").key(provider)
            table = self._table(table, path)
            self._keys(table, _PROVIDER_KEYS, path, provider)
            if "base_url" in table:
                slot = ValueSlot(provider, None, "base_url", "")
                self._slot(values, slot, table, "base_url", path, shared)
            self._parameters(values, table, path, provider, None, shared)
            calls = self._table(table.get("calls", {}), path.key("calls"))
            for call, call_table in calls.items():
                call_path = path.key("calls").key(call)
                call_table = self._table(call_table, call_path)
                self._keys(call_table, _CALL_KEYS, call_path, provider)
                self._parameters(values, call_table, call_path, provider, call, shared)
        return Overrides(own, values)

    def _keys(
        self, table: Mapping[str, Any], allowed: tuple[str, ...], path: KeyPath, provider: str
    ) -> None:
        for key in table:
            if key in allowed:
                continue
            if key in _PRIVATE_KEYS:
                raise self.error(
                    path.key(key),
                    f'"{key}" cannot be overridden here: keep private values in the secret '
                    f"store (`workbench secret set {shlex.quote(self.workspace_file)} "
                    f'"{provider or "PROVIDER"}/auth.SETTING"` or `.../param.NAME`); '
                    f"expected one of: {', '.join(allowed)}",
                )
            hint = did_you_mean(key, allowed) or f"expected one of: {', '.join(allowed)}"
            raise self.error(path.key(key), f'unknown key "{key}"; {hint}')

    def _environments(self, data: Mapping[str, Any], shared: Workspace) -> tuple[str, ...]:
        path = self.root.key("environments")
        names = data.get("environments", [])
        if not isinstance(names, list):
            raise self.error(path, f'expected a list of names like ["mine"]; got {describe(names)}')
        own: list[str] = []
        for name in names:
            if not isinstance(name, str):
                raise self.error(path, f"expected environment names (text); got {describe(name)}")
            if name in shared.environments:
                continue  # already the workspace's: nothing to add
            problem = environment_problem(shared, name)
            if problem is not None or name in own:
                raise self.error(path, f'"{name}": {problem or "listed twice"}')
            own.append(name)
        return tuple(own)

    def _parameters(
        self,
        values: dict[ValueSlot, Value],
        table: Mapping[str, Any],
        path: KeyPath,
        provider: str,
        call: str | None,
        shared: Workspace,
    ) -> None:
        parameters = self._table(table.get("parameters", {}), path.key("parameters"))
        for name in parameters:
            slot = ValueSlot(provider, call, "parameter", name)
            self._slot(values, slot, parameters, name, path.key("parameters"), shared)

    def _slot(
        self,
        values: dict[ValueSlot, Value],
        slot: ValueSlot,
        table: Mapping[str, Any],
        key: str,
        path: KeyPath,
        shared: Workspace,
    ) -> None:
        """Read one override into `values`, or warn why it is left out."""
        problem = slot_problem(shared, slot)
        if problem is not None and "is private" in problem:
            address = SecretAddress.parameter(slot.provider, slot.name, slot.call)
            raise self.error(
                path.key(key),
                f"{problem}: its value never goes in this file; remove it and set it with "
                f'`workbench secret set {shlex.quote(self.workspace_file)} "{address}"`',
            )
        value = self._override_value(table, key, path, slot)
        if problem is not None:
            self.warnings.append(
                f"{self.error(path.key(key), f'{problem}; this override is left out')}"
            )
            return
        if value is not None:
            values[slot] = value

    def _override_value(
        self, table: Mapping[str, Any], key: str, path: KeyPath, slot: ValueSlot
    ) -> Value | None:
        """A text, or a table of texts by environment (an unknown environment warns)."""
        value = table[key]
        path = path.key(key)
        if isinstance(value, str):
            self._not_secret(value, path, slot)
            return value
        if not isinstance(value, dict) or not value:
            example = f'{{ {self.environments[0]} = "..." }}'
            raise self.error(
                path,
                f"expected text, or a value per environment like {example}; got {describe(value)}",
            )
        kept: dict[str, str] = {}
        for environment, text in value.items():
            if not isinstance(text, str):
                raise self.error(path.key(environment), f"expected text; got {describe(text)}")
            self._not_secret(text, path.key(environment), slot)
            if environment not in self.environments:
                hint = did_you_mean(environment, self.environments) or (
                    f"the environments are: {', '.join(self.environments)}"
                )
                self.warnings.append(
                    str(
                        self.error(
                            path.key(environment),
                            f'no environment "{environment}" ({hint}); left out',
                        )
                    )
                )
                continue
            kept[environment] = text
        return PerEnvironment(kept) if kept else None

    def _not_secret(self, text: str, path: KeyPath, slot: ValueSlot) -> None:
        problem = secret_problem(text, slot, self.workspace_file)
        if problem is not None:
            raise self.error(path, problem)


def secret_problem(text: str, slot: ValueSlot, workspace_file: str) -> str | None:
    """Why `text` may not be a person's value of `slot` (it looks like a secret), with what
    to do instead; None when it may."""
    look = looks_like_secret(text, random_strings=slot.kind == "parameter")
    if look is None:
        return None
    address = SecretAddress.parameter(slot.provider, slot.name or "NAME", slot.call)
    return (
        f"this looks like {look}: private values never go in this file; make the "
        f"parameter private in the workspace (`private = true`) and set it with "
        f'`workbench secret set {shlex.quote(workspace_file)} "{address}"`'
    )


# --- changing it from the command line -----------------------------------------------------------


def override_slot(name: str) -> ValueSlot:
    """The slot a name like `Demo/base_url`, `Demo/param.page` or `Demo/List users/param.page`
    names; `EditError` saying how to write one otherwise."""
    provider, _, rest = name.partition("/")
    call, _, field_name = rest.rpartition("/")
    if provider and rest == "base_url":
        return ValueSlot(provider, None, "base_url", "")
    if provider and field_name.startswith("param.") and len(field_name) > len("param."):
        return ValueSlot(provider, call or None, "parameter", field_name[len("param.") :])
    raise EditError(
        f"{name!r} names no value of your own: write PROVIDER/base_url, PROVIDER/param.NAME "
        "or PROVIDER/CALL/param.NAME"
    )


def set_local_value(path: Path, name: str, text: str, environment: str | None) -> str | None:
    """Give the value `name` (see `override_slot`) the text `text` for this person only, in
    every environment or in `environment`, in the workspace's local file; returns what to
    tell about git when the file was made (see `save_local`)."""
    layers = load_in_use(path)
    slot = override_slot(name)
    problem = slot_problem(layers.shared, slot)
    if problem is None:
        problem = secret_problem(text, slot, path.name)
    if problem is None and environment is not None:
        if environment not in layers.workspace.environments:
            known = ", ".join(layers.workspace.environments)
            problem = f"no environment {environment!r}; the workspace has: {known}"
    if problem is not None:
        raise EditError(f"{name}: {problem}")
    value: Value = text if environment is None else PerEnvironment({environment: text})
    before = layers.local.values.get(slot)
    if before is not None:
        value = overlay(before, value, layers.workspace.environments)
    local = Overrides(layers.local.environments, {**layers.local.values, slot: value})
    return save_local(layers.local_path, local, path.name)


def add_local_environment(path: Path, name: str) -> str | None:
    """Add an environment of this person's own to the workspace's local file; returns what
    to tell about git when the file was made."""
    layers = load_in_use(path)
    problem = environment_problem(layers.workspace, name)
    if problem is not None:
        raise EditError(problem)
    local = Overrides((*layers.local.environments, name), layers.local.values)
    return save_local(layers.local_path, local, path.name)


# --- writing -------------------------------------------------------------------------------------


def dumps_overrides(overrides: Overrides, workspace_file: str) -> str:
    """The text of a local file holding `overrides` (comments are not kept)."""
    data: dict[str, Any] = {}
    if overrides.environments:
        data["environments"] = list(overrides.environments)
    providers: dict[str, dict[str, Any]] = {}
    for slot, value in overrides.values.items():
        table = providers.setdefault(slot.provider, {})
        if slot.kind == "base_url":
            table["base_url"] = _value_data(value)
            continue
        if slot.call is not None:
            table = table.setdefault("calls", {}).setdefault(slot.call, {})
        table.setdefault("parameters", {})[slot.name] = _value_data(value)
    if providers:
        # base_url first, then parameters, then calls, whatever order they were given in.
        order = {"base_url": 0, "parameters": 1, "calls": 2}
        data["providers"] = {
            name: dict(sorted(table.items(), key=lambda item: order[item[0]]))
            for name, table in providers.items()
        }
    header = (
        f"# Your own values for {workspace_file}: never shared (workbench keeps this file out "
        "of git).\n# Its keys: docs/local-values.md.\n"
    )
    return header + (dumps_readable(data) if data else "")


def _value_data(value: Value) -> Any:
    return dict(value.values) if isinstance(value, PerEnvironment) else value


def save_local(path: Path, overrides: Overrides, workspace_file: str) -> str | None:
    """Write `overrides` to the local file at `path`; when it is new there, keep it out of
    git. Returns what to tell the person about git, or None."""
    created = not path.exists()
    try:
        atomic_write(path, dumps_overrides(overrides, workspace_file).encode("utf-8"))
    except OSError as error:
        raise WorkspaceError(str(path), f"cannot be saved: {error.strerror or error}") from None
    return ignore_in_git(path) if created else None


def ignore_in_git(path: Path) -> str | None:
    """When `path` is in a git repository and git does not ignore it yet, add `*.local.toml`
    to the `.gitignore` of its folder; the sentence saying so, else None (also when git is
    not installed)."""
    folder = path.parent
    try:
        inside = _git(folder, "rev-parse", "--is-inside-work-tree")
        if inside.returncode != 0 or inside.stdout.strip() != "true":
            return None
        if _git(folder, "check-ignore", "-q", "--", path.name).returncode == 0:
            return None  # ignored already
    except (OSError, subprocess.SubprocessError):
        return None
    gitignore = folder / ".gitignore"
    try:
        before = gitignore.read_text(encoding="utf-8") if gitignore.exists() else ""
        separator = "" if not before or before.endswith("\n") else "\n"
        with gitignore.open("a", encoding="utf-8") as file:
            file.write(f"{separator}{GITIGNORE_LINE}\n")
    except (OSError, UnicodeDecodeError) as error:
        return (
            f"Could not add {GITIGNORE_LINE} to {gitignore} ({error}): keep {path.name} out of git."
        )
    return f"Added {GITIGNORE_LINE} to {gitignore}: your own values in {path.name} stay out of git."


def _git(folder: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-C", str(folder), *arguments],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
