"""Key paths into a workspace file, and a best-effort finder of the line a key path is on."""

from __future__ import annotations

import re
from dataclasses import dataclass

# `[table]` or `[[array.of.tables]]`, optionally followed by a comment.
_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\[\]]+?)\s*\]\]?\s*(?:#.*)?$")
_TRIPLE_QUOTES = ('"""', "'''")


@dataclass(frozen=True)
class Step:
    """One step of a key path: a key, or an item of an array (with its name when it has one)."""

    key: str
    index: int | None = None
    name: str | None = None

    def __str__(self) -> str:
        text = self.key if self.index is None else f"{self.key}[{self.index}]"
        return f'{text} "{self.name}"' if self.name else text


@dataclass(frozen=True)
class KeyPath:
    """Where a value sits in a workspace file.

    Written for people, e.g. `providers[0] "Demo" > calls[2] "Create user" >
    parameters[1] "id" > in`: items of arrays carry their 0-based index and,
    when known, their name; steps are joined with ` > `.
    """

    steps: tuple[Step, ...] = ()

    def key(self, key: str) -> KeyPath:
        """The path of `key` inside the table at this path."""
        return KeyPath((*self.steps, Step(key)))

    def item(self, key: str, index: int, name: str | None = None) -> KeyPath:
        """The path of item `index` of the array `key` inside the table at this path."""
        return KeyPath((*self.steps, Step(key, index, name)))

    def __str__(self) -> str:
        return " > ".join(str(step) for step in self.steps)


@dataclass(frozen=True)
class _Header:
    line: int  # 0-based
    name: tuple[str, ...]
    is_array: bool


class LineLocator:
    """Finds the line of a key path in the TOML text it was made from, best effort.

    It does not parse TOML; it scans lines. Table headers (`[a.b]`,
    `[[a.b]]`) give the structure: the Nth `[[providers]]` header is
    `providers[N]`, and inside it the Mth `[[providers.calls]]` header is
    `calls[M]`. A plain key is found as a `key =` line among the lines of
    its table (before the next header). An item of an inline array is the
    Nth line starting with `{` after its `key = [` line, as tomli-w writes
    them. Lines inside multi-line strings are skipped, so a body that
    contains `[[providers]]` does not confuse it. When a step cannot be
    found, the line of the deepest step that was found is returned (None
    when not even the first was). Dotted keys (`auth.method = ...`) and
    several items on one line give the enclosing line.
    """

    def __init__(self, text: str) -> None:
        self._lines = text.splitlines()
        self._in_string = _string_continuation_lines(self._lines)
        self._headers: list[_Header] = []
        for number, line in enumerate(self._lines):
            if number in self._in_string:
                continue
            match = _HEADER.match(line)
            if match:
                name = tuple(part.strip().strip("\"'") for part in match.group(2).split("."))
                self._headers.append(_Header(number, name, match.group(1) == "[["))

    def line(self, path: KeyPath) -> int | None:
        """The 1-based line of `path`, or of the deepest part of it that could be found."""
        table: tuple[str, ...] = ()
        start, end = -1, len(self._lines)  # the current table spans lines start (its header)..end
        found: int | None = None
        for step in path.steps:
            name = (*table, step.key)
            header = self._header(start, end, name, step.index)
            if header is not None:
                table, start, end = name, header.line, self._table_end(header, end)
                found = start
                continue
            key_line = self._key_line(start, end, step.key)
            if key_line is None:
                break
            found = key_line
            if step.index is not None:
                found = self._inline_item_line(key_line, end, step.index)
            # Whatever follows is inside one inline value: this line is as exact as it gets.
            break
        return None if found is None else found + 1

    def _header(
        self, start: int, end: int, name: tuple[str, ...], index: int | None
    ) -> _Header | None:
        is_array = index is not None
        matches = [
            h
            for h in self._headers
            if start < h.line < end and h.name == name and h.is_array == is_array
        ]
        position = index if index is not None else 0
        return matches[position] if position < len(matches) else None

    def _table_end(self, header: _Header, limit: int) -> int:
        """The first line after `header` that starts a table not nested in it."""
        size = len(header.name)
        for other in self._headers:
            if other.line <= header.line or other.line >= limit:
                continue
            if len(other.name) <= size or other.name[:size] != header.name:
                return other.line
        return limit

    def _key_line(self, start: int, end: int, key: str) -> int | None:
        """The line of `key = ...` among the table's own lines (those before any header)."""
        pattern = re.compile(
            rf"^\s*(?:{re.escape(key)}|\"{re.escape(key)}\"|'{re.escape(key)}')\s*="
        )
        for number in range(start + 1, end):
            if number in self._in_string:
                continue
            line = self._lines[number]
            if _HEADER.match(line):
                return None
            if pattern.match(line):
                return number
        return None

    def _inline_item_line(self, key_line: int, end: int, index: int) -> int:
        """The line of item `index` of the inline array opened on `key_line`."""
        if "{" in self._lines[key_line].partition("=")[2]:
            return key_line  # items written on the key's own line
        seen = 0
        for number in range(key_line + 1, end):
            stripped = self._lines[number].strip()
            if stripped.startswith("]"):
                break
            if stripped.startswith("{"):
                if seen == index:
                    return number
                seen += 1
        return key_line


def _string_continuation_lines(lines: list[str]) -> set[int]:
    """Lines that begin inside a multi-line string (naively: by counting triple quotes)."""
    inside: set[int] = set()
    delimiter: str | None = None
    for number, line in enumerate(lines):
        if delimiter is not None:
            inside.add(number)
        position = 0
        while True:
            if delimiter is None:
                openings = [(line.find(q, position), q) for q in _TRIPLE_QUOTES]
                openings = [(at, q) for at, q in openings if at >= 0]
                if not openings:
                    break
                at, delimiter = min(openings)
                position = at + 3
            else:
                at = line.find(delimiter, position)
                if at < 0:
                    break
                delimiter, position = None, at + 3
    return inside
