"""Reading single values from the tables of a workspace file, each check a clear error.

`TableReader` knows the file (for messages), its environments (for
per-environment values) and finds the line of a key path only when an
error needs it. Every method raises `WorkspaceError` naming the file, the
line, the key path and what was expected.
"""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Iterable, Mapping
from datetime import date, time
from enum import StrEnum
from typing import Any, TypeVar, cast

from workbench.core.errors import WorkspaceError
from workbench.core.workspace.model import DEFAULT_ENVIRONMENTS, PerEnvironment, Value
from workbench.core.workspace.paths import KeyPath, LineLocator

EnumT = TypeVar("EnumT", bound=StrEnum)
DefaultT = TypeVar("DefaultT")


class TableReader:
    """Checks and returns single values of one workspace file's tables."""

    def __init__(self, source: str, text: str) -> None:
        self.source = source
        self._file_text = text
        self._locator: LineLocator | None = None  # built on the first error only
        self.environments: tuple[str, ...] = DEFAULT_ENVIRONMENTS

    def error(self, path: KeyPath, message: str) -> WorkspaceError:
        """The error to raise for the value at `path`."""
        if self._locator is None:
            self._locator = LineLocator(self._file_text)
        return WorkspaceError(
            self.source, message, key=str(path) or None, line=self._locator.line(path)
        )

    def _check_keys(
        self, table: Mapping[str, Any], allowed: tuple[str, ...], path: KeyPath
    ) -> None:
        for key in table:
            if key not in allowed:
                hint = did_you_mean(key, allowed) or f"expected one of: {', '.join(allowed)}"
                raise self.error(path.key(key), f'unknown key "{key}"; {hint}')

    def _name(self, table: Mapping[str, Any], path: KeyPath, key: str, why: str) -> str:
        if key not in table:
            raise self.error(path.key(key), f"missing; {why}")
        name = self._text(table, key, path)
        if not name.strip():
            raise self.error(path.key(key), f"must not be empty; {why}")
        return name

    def _unique(
        self,
        seen: dict[str, int],
        name: str,
        index: int,
        path: KeyPath,
        array: str,
        rule: str,
        *,
        fold_case: bool = False,
    ) -> None:
        """Record `name` as item `index` of `array`; an error when an earlier item has it."""
        compared = name.lower() if fold_case else name
        if compared in seen:
            raise self.error(
                path.key("name"),
                f'"{name}" is already the name of {array}[{seen[compared]}]; {rule}',
            )
        seen[compared] = index

    def _text(self, table: Mapping[str, Any], key: str, path: KeyPath) -> str:
        value = table.get(key, "")
        if not isinstance(value, str):
            raise self.error(path.key(key), f"expected text; got {describe(value)}")
        return value

    # A missing key gives `default` as it is: None where "not set" differs from every value.
    def _flag(
        self, table: Mapping[str, Any], key: str, path: KeyPath, default: DefaultT
    ) -> bool | DefaultT:
        if key not in table:
            return default
        value = table[key]
        if not isinstance(value, bool):
            raise self.error(path.key(key), f"expected true or false; got {describe(value)}")
        return value

    def _positive_integer(
        self, table: Mapping[str, Any], key: str, path: KeyPath, default: DefaultT
    ) -> int | DefaultT:
        if key not in table:
            return default
        value = table[key]
        if not is_integer(value) or value <= 0:
            raise self.error(path.key(key), f"expected a positive integer; got {describe(value)}")
        return int(value)

    def _positive_number(
        self, table: Mapping[str, Any], key: str, path: KeyPath, default: DefaultT, unit: str
    ) -> float | DefaultT:
        """A positive finite number of `unit`; an integer is accepted and made a float."""
        if key not in table:
            return default
        value = table[key]
        if not (is_integer(value) or isinstance(value, float)):
            raise self.error(path.key(key), f"expected a number of {unit}; got {describe(value)}")
        if not (math.isfinite(value) and value > 0):
            raise self.error(path.key(key), f"expected a positive number of {unit}; got {value}")
        return float(value)

    def _choice(
        self, table: Mapping[str, Any], key: str, path: KeyPath, kind: type[EnumT], default: EnumT
    ) -> EnumT:
        value = table.get(key, default.value)
        member = _member(kind, value) if isinstance(value, str) else None
        if member is not None:
            return member
        raise self.error(path.key(key), expected_one_of([member.value for member in kind], value))

    def _value(self, table: Mapping[str, Any], key: str, path: KeyPath) -> Value:
        """A text, or a table of texts keyed by environment names."""
        value = table.get(key, "")
        if isinstance(value, str):
            return value
        path = path.key(key)
        example = f'{{ {self.environments[0]} = "..." }}'
        if not isinstance(value, dict):
            raise self.error(
                path,
                f"expected text, or a value per environment like {example}; got {describe(value)}",
            )
        if not value:
            raise self.error(path, f"expected a value for at least one environment, like {example}")
        for environment, text in value.items():
            if environment not in self.environments:
                raise self.error(
                    path.key(environment),
                    expected_one_of(self.environments, environment, "environment"),
                )
            if not isinstance(text, str):
                raise self.error(path.key(environment), f"expected text; got {describe(text)}")
        return PerEnvironment(value)

    def _table(self, value: object, path: KeyPath) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            raise self.error(path, f"expected a table; got {describe(value)}")
        return value

    def _items(
        self, table: Mapping[str, Any], key: str, path: KeyPath
    ) -> Iterable[tuple[int, Mapping[str, Any]]]:
        """The tables of the array `key` (none when it is missing), with their indexes."""
        value = table.get(key, [])
        if not isinstance(value, list):
            raise self.error(path.key(key), f"expected an array of tables; got {describe(value)}")
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                raise self.error(path.item(key, index), f"expected a table; got {describe(item)}")
        return enumerate(value)


# Each enumeration's members by value, made once: `kind(value)` costs a microsecond or two, a
# few hundred thousand times in a big workspace.
_MEMBERS: dict[type[StrEnum], dict[str, StrEnum]] = {}


def _member(kind: type[EnumT], value: str) -> EnumT | None:
    members = _MEMBERS.get(kind)
    if members is None:
        members = _MEMBERS[kind] = {member.value: member for member in kind}
    return cast("EnumT | None", members.get(value))


def peek_name(table: Mapping[str, Any]) -> str | None:
    """The item's name for key paths, when it has a usable one (it is checked later)."""
    name = table.get("name")
    return name if isinstance(name, str) and name.strip() else None


def is_integer(value: object) -> bool:
    """True for TOML integers (Python counts booleans as integers; TOML does not)."""
    return isinstance(value, int) and not isinstance(value, bool)


def expected_one_of(choices: Iterable[str], got: object, what: str = "") -> str:
    """The message for a value that is not one of `choices`, with a suggestion when close."""
    choices = list(choices)
    message = f"expected one of: {', '.join(choices)}; got {describe(got)}"
    if what and isinstance(got, str):
        message = f'unknown {what} "{got}"; expected one of: {", ".join(choices)}'
    suggestion = did_you_mean(got, choices) if isinstance(got, str) else None
    return f"{message}; {suggestion}" if suggestion else message


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """`did you mean "x"?` for the closest choice (ignoring case), or None."""
    by_folded = {choice.lower(): choice for choice in choices}
    matches = difflib.get_close_matches(word.lower(), by_folded, n=1, cutoff=0.6)
    return f'did you mean "{by_folded[matches[0]]}"?' if matches else None


def describe(value: object) -> str:
    """A value as a message shows it: its TOML type, and the value when short."""
    if isinstance(value, bool):
        return f"a boolean ({'true' if value else 'false'})"
    if isinstance(value, int):
        return f"an integer ({value})"
    if isinstance(value, float):
        return f"a number ({value})"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return json.dumps(shown, ensure_ascii=False)
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, (date, time)):
        return f"a date or time ({value.isoformat()})"
    return type(value).__name__
