"""Reading the config file's `[secrets]` table: where this person's private values come from.

    [secrets]
    store = "keyring"            # "file" (default) or "keyring": where `secret set` keeps values
    dotenv = ["~/team.env"]      # .env files (a path or a list; later ones win)
    command_timeout = 10         # seconds a command may take to print its value

    [secrets.commands]           # environment-variable name = the command printing that value
    WORKBENCH_SECRET__DEMO__AUTH_VALUE = "op read op://team/demo/key"
    WORKBENCH_SECRET__DEMO__AUTH_VALUE__LIVE = ["pass", "show", "demo/live"]

A command written as text is split like a shell would (`shlex`), but runs without one. Paths
start at the config file's folder; `~` is the home folder. Each bad key is one problem; the
others still apply.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any

from workbench.core.errors import WorkspaceError
from workbench.core.secrets.sources import (
    DEFAULT_COMMAND_TIMEOUT,
    STORE_KINDS,
    SecretSettings,
    SourceCommand,
)
from workbench.core.workspace.paths import KeyPath
from workbench.core.workspace.values import TableReader, describe, did_you_mean, expected_one_of

SECRETS_KEYS = ("store", "dotenv", "command_timeout", "commands")
_PATH = KeyPath().key("secrets")
_VARIABLE = re.compile(r"WORKBENCH_SECRET__[A-Z0-9_]+")
_EXAMPLE = "WORKBENCH_SECRET__DEMO__AUTH_VALUE"


def read_secrets(
    source: str, text: str, value: object, folder: Path
) -> tuple[SecretSettings, list[str]]:
    """The settings of the `[secrets]` table `value` of the config file `source` (whose text
    is `text`, for line numbers), and a message for each bad key (which keeps its default)."""
    reader = _SecretsReader(source, text, folder)
    return reader.settings(value), reader.problems


class _SecretsReader(TableReader):
    """Reads the keys of `[secrets]` one by one, collecting a message for each bad one."""

    def __init__(self, source: str, text: str, folder: Path) -> None:
        super().__init__(source, text)
        self.folder = folder
        self.problems: list[str] = []

    def settings(self, value: object) -> SecretSettings:
        try:
            table = self._table(value, _PATH)
        except WorkspaceError as error:
            self.problems.append(f"{error}; using the defaults")
            return SecretSettings()
        for key in table:
            if key not in SECRETS_KEYS:
                hint = (
                    did_you_mean(key, SECRETS_KEYS) or f"expected one of: {', '.join(SECRETS_KEYS)}"
                )
                self.problems.append(
                    str(self.error(_PATH.key(key), f'unknown key "{key}"; {hint}'))
                )
        readers: dict[str, Callable[[], object]] = {
            "store": lambda: self._store(table["store"]),
            "dotenv": lambda: self._dotenv(table["dotenv"]),
            "command_timeout": lambda: self._positive_number(
                table, "command_timeout", _PATH, DEFAULT_COMMAND_TIMEOUT, "seconds"
            ),
            "commands": lambda: self._commands(table["commands"]),
        }
        settings: dict[str, Any] = {}
        for key, read in readers.items():
            if key in table:
                try:
                    settings[key] = read()
                except WorkspaceError as error:
                    self.problems.append(f"{error}; using the default")
        return SecretSettings(**settings)

    def _store(self, value: object) -> str:
        if value not in STORE_KINDS:
            raise self.error(_PATH.key("store"), expected_one_of(STORE_KINDS, value))
        return str(value)

    def _dotenv(self, value: object) -> tuple[Path, ...]:
        paths = [value] if isinstance(value, str) else value
        if not isinstance(paths, list) or not all(isinstance(p, str) and p.strip() for p in paths):
            raise self.error(
                _PATH.key("dotenv"),
                f'expected a path or a list of paths, like ["~/team.env"]; got {describe(value)}',
            )
        return tuple(self.folder / Path(path).expanduser() for path in paths)

    def _commands(self, value: object) -> dict[str, SourceCommand]:
        path = _PATH.key("commands")
        table = self._table(value, path)
        commands: dict[str, SourceCommand] = {}
        for variable, command in table.items():
            try:
                if not _VARIABLE.fullmatch(variable):
                    raise self.error(
                        path.key(variable),
                        "expected the name of a private value's environment variable, like "
                        f"{_EXAMPLE} (`workbench secret missing WORKSPACE` lists them)",
                    )
                commands[variable] = self._command(command, path.key(variable))
            except WorkspaceError as error:
                self.problems.append(f"{error}; not used")
        return commands

    def _command(self, value: object, path: KeyPath) -> SourceCommand:
        expected = 'expected a command, like "op read op://team/api/key" or ["pass", "show", "api"]'
        if isinstance(value, str):
            try:
                argv = shlex.split(value)
            except ValueError as error:
                raise self.error(
                    path, f"{expected}; cannot split {describe(value)}: {error}"
                ) from None
            written = value
        elif isinstance(value, list) and all(isinstance(part, str) for part in value):
            argv, written = list(value), shlex.join(value)
        else:
            raise self.error(path, f"{expected}; got {describe(value)}")
        if not argv or not argv[0]:
            raise self.error(path, f"{expected}; got an empty one")
        return SourceCommand(tuple(argv), written)
