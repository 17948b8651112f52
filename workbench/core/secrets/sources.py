"""Where a private value can come from besides the store: the person's own sources.

The user's config file (never a workspace) may name, in its `[secrets]` table:
- commands whose standard output is a value (`op read op://team/api/key`, `pass show api`),
  each under the name of the environment variable it stands for;
- `.env` files whose keys are those same names.

A command runs without a shell (the user writes `sh -c ...` to have one), with no standard
input, at most `command_timeout` seconds; its output less the final newline is the value, kept
for the rest of the process so that each command runs once. A failure names the command, its
exit status and the first line of its error output, never its standard output.

`ValueSource` says where a value comes from (for `workbench secret where`), without the value.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType

from workbench.core.errors import SecretStoreError
from workbench.core.terminal_text import visible

DEFAULT_COMMAND_TIMEOUT = 10.0
STORE_KINDS = ("file", "keyring")


@dataclass(frozen=True)
class SourceCommand:
    """A command that prints a private value: its argument list, and how the config wrote it."""

    argv: tuple[str, ...]
    written: str


@dataclass(frozen=True)
class SecretSettings:
    """The `[secrets]` table of the user's config file.

    `store`: where `workbench secret set` and the TUI keep values, "file" (the store file) or
    "keyring" (the OS keyring, when a backend is available). `dotenv`: `.env` files, later ones
    winning. `commands`: environment-variable name -> the command that prints that value.
    """

    store: str = "file"
    dotenv: tuple[Path, ...] = ()
    commands: Mapping[str, SourceCommand] = field(default_factory=dict)
    command_timeout: float = DEFAULT_COMMAND_TIMEOUT

    def __post_init__(self) -> None:
        object.__setattr__(self, "commands", MappingProxyType(dict(self.commands)))


class SourceKind(StrEnum):
    """The kinds of place a private value comes from, in the order they are asked."""

    ENVIRONMENT = "environment variable"
    COMMAND = "command"
    DOTENV = ".env file"
    KEYRING = "keyring"
    STORE = "store file"


@dataclass(frozen=True)
class ValueSource:
    """Where a private value comes from: its kind and which one (a variable's name, a command
    as the config writes it, a file's path). Never the value."""

    kind: SourceKind
    detail: str

    def __str__(self) -> str:
        match self.kind:
            case SourceKind.ENVIRONMENT:
                return f"the environment variable {self.detail}"
            case SourceKind.COMMAND:
                return f"the command `{self.detail}` (your config's [secrets.commands])"
            case SourceKind.DOTENV:
                return f"the .env file {self.detail}"
            case SourceKind.KEYRING:
                return f"your keyring ({self.detail})"
            case _:
                return f"the store file {self.detail}"


@dataclass(frozen=True)
class SourceAnswer:
    """A source that has a value: where it is, and how to get it (a command is run only when
    the value is really wanted)."""

    source: ValueSource
    variable: str  # the environment-variable name the value stands under
    command: SourceCommand | None = None
    value: str | None = None


class PersonalSources:
    """The commands and `.env` files of the user's config, asked for values by variable name.

    One instance lives as long as the process's workspaces: it keeps each command's output and
    each `.env` file's values, so a command runs once.
    """

    def __init__(self, settings: SecretSettings) -> None:
        self.settings = settings
        self._outputs: dict[tuple[str, ...], str] = {}
        self._dotenv: list[tuple[Path, dict[str, str]]] | None = None

    def answers(self, variables: Sequence[str]) -> Iterator[SourceAnswer]:
        """The sources that have a value under one of `variables` (the most specific first):
        every command, then every `.env` file, in the order they are asked."""
        for variable in variables:
            command = self.settings.commands.get(variable)
            if command is not None:
                yield SourceAnswer(
                    ValueSource(SourceKind.COMMAND, command.written), variable, command=command
                )
        files = self._dotenv_files()
        for variable in variables:
            # Later files win, as with several `env_file`s in docker compose.
            for path, values in reversed(files):
                if variable in values:
                    yield SourceAnswer(
                        ValueSource(SourceKind.DOTENV, str(path)), variable, value=values[variable]
                    )

    def value(self, answer: SourceAnswer) -> str:
        """The value of a source from `answers` (running its command the first time);
        `SecretStoreError` when the command fails."""
        if answer.command is None:
            return answer.value or ""
        argv = answer.command.argv
        if argv not in self._outputs:
            self._outputs[argv] = run_command(
                answer.command, answer.variable, self.settings.command_timeout
            )
        return self._outputs[argv]

    def missing_files(self) -> list[Path]:
        """The `.env` files the config names that are not there."""
        return [path for path in self.settings.dotenv if not path.is_file()]

    def _dotenv_files(self) -> list[tuple[Path, dict[str, str]]]:
        if self._dotenv is None:
            self._dotenv = [(path, read_dotenv(path)) for path in self.settings.dotenv]
        return self._dotenv


def read_dotenv(path: Path) -> dict[str, str]:
    """The values of a `.env` file (none when it is not there); a key with no value (`KEY`
    alone) is left out. `SecretStoreError` when the file cannot be read."""
    from dotenv import dotenv_values

    if not path.exists():
        return {}
    if not path.is_file():
        raise SecretStoreError(
            f"The .env file {path} (your config's [secrets] dotenv) is not a file."
        )
    try:
        values = dotenv_values(path, interpolate=False)
    except (OSError, UnicodeDecodeError) as error:
        raise SecretStoreError(
            f"Cannot read the .env file {path} (your config's [secrets] dotenv): {error}."
        ) from None
    return {key: value for key, value in values.items() if value is not None}


def run_command(command: SourceCommand, variable: str, timeout: float) -> str:
    """The standard output of `command` less its final newline; `SecretStoreError` naming the
    command (as written), its exit status and its first line of error output when it fails,
    prints nothing, or runs longer than `timeout` seconds."""
    what = f"The command `{command.written}` for {variable} (your config's [secrets.commands])"
    try:
        done = subprocess.run(
            command.argv,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise SecretStoreError(
            f"{what} gave no value within {timeout:g} s; it was stopped. Raise "
            "[secrets] command_timeout in your config file if it needs longer."
        ) from None
    except OSError as error:
        raise SecretStoreError(f"{what} cannot run: {error.strerror or error}.") from None
    if done.returncode != 0:
        first = _first_line(done.stderr)
        said = f": {first}" if first else " (and wrote nothing on its error output)"
        raise SecretStoreError(f"{what} failed with exit status {done.returncode}{said}")
    value = done.stdout.decode("utf-8", errors="replace")
    value = value.removesuffix("\n").removesuffix("\r")
    if not value:
        raise SecretStoreError(f"{what} printed nothing; a value was expected on its output.")
    return value


def _first_line(stderr: bytes) -> str:
    """The first non-blank line of a command's error output, safe for a terminal."""
    text = stderr.decode("utf-8", errors="replace")
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return visible(line[:200])
