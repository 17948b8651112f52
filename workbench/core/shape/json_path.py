"""Paths into response data, and reading one value by its path (for chaining calls).

Response data is what `response_data` makes of a body: dicts with text keys,
lists, texts, integers, numbers, booleans, null, and `BinaryBody` for a body
that is not parsed. A path names a place in it:

    data[0].address.geo.lat      a field of an object: `.name` (the first one without a dot)
    data[].id                    `[]`: every item of a list (shape paths)
    data[2], data[-1]            `[N]`: one item, counted from 0; negative from the end
    headers['content-type']      a key that is not a plain name, in single quotes
    catalog.book[].@id           plain names may start with @ or # (XML attributes, #text)
    payload(json).id             `(json)`: the value inside a text that holds JSON
    (empty path)                 the whole response

A plain name is a letter or `_`, then letters, digits and `_`, optionally
after one `@` or `#`; any other key is quoted, with a backslash before any
backslash or single quote in it: `['it\\'s']`.
Single quotes keep paths free of `"`, which a TOML key would have to escape
on every line of a saved shape. `["content-type"]` (a JSON string) is read
too; paths are always written the single-quoted way.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from workbench.core.errors import WorkbenchError

# What a path is shown as when it is empty: the whole response.
ROOT_LABEL = "(response)"
JSON_MARK = "(json)"

_PLAIN_NAME = re.compile(r"[@#]?[A-Za-z_][A-Za-z0-9_]*")
_INDEX = re.compile(r"\[(-?\d+)?\]")
_SINGLE_QUOTED = re.compile(r"\['((?:[^'\\]|\\.)*)'\]", re.DOTALL)
# A JSON string: only JSON's own escapes, so json.loads always accepts a match.
_DOUBLE_QUOTED = re.compile(r'\[("(?:[^"\\\x00-\x1f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*")\]')
_JSON_MARK = re.compile(re.escape(JSON_MARK))
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)
# How many field names an error lists before it cuts the list short.
_NAMES_SHOWN = 12


class PathError(WorkbenchError, ValueError):
    """A path is not well formed, or it does not lead to a value in the data."""


@dataclass(frozen=True)
class BinaryBody:
    """A response body kept as what it is, not parsed: an image, a file, any bytes."""

    content_type: str
    size: int  # bytes

    def __str__(self) -> str:
        return f"{self.content_type or 'binary data'}, {self.size:,} bytes"


@dataclass(frozen=True)
class Key:
    """A field of an object."""

    name: str


@dataclass(frozen=True)
class Item:
    """Items of a list: one (`index`) or, in shape paths, every item (`index` None)."""

    index: int | None = None


@dataclass(frozen=True)
class Decoded:
    """The JSON value held in a text."""


Segment = Key | Item | Decoded


def embedded_json(text: str) -> object | None:
    """The object or list a text holds as JSON, or None when it holds none.

    Only a text that starts with `{` or `[` counts: a JSON number or `true`
    inside a text is far more often just a text.
    """
    if not text.startswith(("{", "[")):
        return None
    try:
        value: object = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, (dict, list)) else None


def format_key(name: str) -> str:
    """A key as a path writes it: plain, or quoted like `['content-type']`."""
    if _PLAIN_NAME.fullmatch(name):
        return name
    return "['" + name.replace("\\", "\\\\").replace("'", "\\'") + "']"


def key_path(parent: str, name: str) -> str:
    """The path of field `name` of the object at `parent`."""
    key = format_key(name)
    if not parent or key.startswith("["):
        return parent + key
    return f"{parent}.{key}"


# A path as parts: a key of an object, or an index into a list.
JsonPath = tuple[str | int, ...]


def path_text(path: JsonPath) -> str:
    """The text of a path given as parts, like `data[3].address.city`."""
    text = ""
    for part in path:
        text = f"{text}[{part}]" if isinstance(part, int) else key_path(text, part)
    return text


def parse_path(path: str) -> tuple[Segment, ...]:
    """The segments of `path`; PathError saying where and what was expected."""
    segments: list[Segment] = []
    position = 0
    while position < len(path):
        if path.startswith(".", position) and segments:
            match = _PLAIN_NAME.match(path, position + 1)
            if match is None:
                raise _syntax_error(path, position + 1, "a field name after '.'")
            segments.append(Key(match.group()))
        elif (match := _INDEX.match(path, position)) is not None:
            segments.append(Item(None if match.group(1) is None else int(match.group(1))))
        elif (match := _SINGLE_QUOTED.match(path, position)) is not None:
            segments.append(Key(_ESCAPED.sub(r"\1", match.group(1))))
        elif (match := _DOUBLE_QUOTED.match(path, position)) is not None:
            segments.append(Key(json.loads(match.group(1))))
        elif (match := _JSON_MARK.match(path, position)) is not None:
            segments.append(Decoded())
        elif not segments and (match := _PLAIN_NAME.match(path, position)) is not None:
            segments.append(Key(match.group()))
        else:
            expected = "a field name" if not segments else "'.name'"
            raise _syntax_error(
                path, position, f"{expected}, [], [N], a quoted key like ['name'] or (json)"
            )
        position = match.end()
    return tuple(segments)


def format_path(segments: tuple[Segment, ...]) -> str:
    """The canonical text of a path: `parse_path(format_path(s)) == s`."""
    path = ""
    for segment in segments:
        if isinstance(segment, Key):
            path = key_path(path, segment.name)
        elif isinstance(segment, Item):
            path += "[]" if segment.index is None else f"[{segment.index}]"
        else:
            path += JSON_MARK
    return path


def ancestors(path: str) -> list[str]:
    """The paths that `path` lies within, outermost first, starting with the root `""`."""
    segments = parse_path(path)
    return [format_path(segments[:end]) for end in range(len(segments))]


def is_within(path: str, ancestor: str) -> bool:
    """True when `path` lies strictly inside `ancestor`.

    A quick text test is exact here: a key holding `.`, `[` or `(` is always
    quoted, so `ancestor` followed by one of them can only start a child.
    """
    if not ancestor:
        return bool(path)
    return len(path) > len(ancestor) and path.startswith(ancestor) and path[len(ancestor)] in ".[("


def label(path: str) -> str:
    """A path as messages and lists show it (the root has a name of its own)."""
    return path or ROOT_LABEL


def lookup(data: object, path: str) -> object:
    """The value at a concrete `path` (items by number) in `data`.

    Raises PathError naming how far the path got and what is there instead,
    e.g. "no field 'idd' at data[0]; fields: id, name, email".
    """
    value = data
    walked = ""
    for segment in parse_path(path):
        if isinstance(segment, Key):
            if not isinstance(value, dict):
                raise PathError(
                    f"{label(walked)} is {describe(value)}, so it has no field {segment.name!r}"
                )
            if segment.name not in value:
                where = "in the response" if not walked else f"at {walked}"
                raise PathError(f"no field {segment.name!r} {where}; {_field_list(value)}")
            value = value[segment.name]
            walked = key_path(walked, segment.name)
        elif isinstance(segment, Item):
            if not isinstance(value, list):
                raise PathError(f"{label(walked)} is {describe(value)}, not a list")
            if segment.index is None:
                raise PathError(f"{walked}[] needs an item number, like {walked}[0]")
            if not -len(value) <= segment.index < len(value):
                raise PathError(
                    f"no item {segment.index} at {label(walked)}: the list has "
                    f"{len(value)} item{'' if len(value) == 1 else 's'}"
                )
            value = value[segment.index]
            walked += f"[{segment.index}]"
        else:
            decoded = embedded_json(value) if isinstance(value, str) else None
            if decoded is None:
                raise PathError(
                    f"{label(walked)} is {describe(value)}, not a text holding a JSON "
                    "object or list"
                )
            value = decoded
            walked += JSON_MARK
    return value


def value_text(value: object) -> str:
    """The text a found value gives a parameter.

    Texts as they are; numbers, booleans, objects and lists as compact JSON;
    null as "" (no value, so an optional parameter is left out). Binary data
    has no text form: PathError.
    """
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_no_text)


def describe(value: object) -> str:
    """A value's kind as messages name it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, BinaryBody):
        return f"binary data ({value})"
    return type(value).__name__


def _no_text(value: object) -> object:
    raise PathError(f"{describe(value)} has no text form")


def _field_list(value: dict[object, object]) -> str:
    if not value:
        return "it is an empty object"
    names = [format_key(str(name)) for name in value]
    shown = ", ".join(names[:_NAMES_SHOWN])
    more = len(names) - _NAMES_SHOWN
    return f"fields: {shown}" + (f", ... ({more} more)" if more > 0 else "")


def _syntax_error(path: str, position: int, expected: str) -> PathError:
    return PathError(f"bad path {path!r}: expected {expected} at character {position + 1}")
