"""Learn the shape of response data (`infer_shape`), in one pass over the data.

- Every item of every list is merged into one set of fields under `x[]`. A
  key missing from some of the objects at its place is *optional*; a field
  that is null in some places and, say, a date in others is `date`,
  *nullable*; one that is only ever null is `null`.
- Integers and numbers together are `number`; texts of different kinds
  (dates, date-times, plain, JSON) together are `text`; any other mix is `any`.
- Dates and date-times are ISO 8601 texts: `2024-05-01`, and
  `2024-05-01T09:30:00Z` (or a space for the T; seconds, fraction and
  offset optional).
- A list with no items anywhere is `list` with no `x[]` field: its items
  are unknown.
- The response itself has the path `""`, written only when it is not an
  object (a top-level list is `"" = "list"` with its items under `[]`).
- Fields keep the order they were first seen in, each followed by its own
  fields, so a shape reads like the response.
"""

from __future__ import annotations

import re
from datetime import date

from workbench.core.shape.fields import Field, FieldType, Shape
from workbench.core.shape.json_path import BinaryBody, embedded_json, key_path

# The kinds of value seen at one path, as bits so merging is a single `|=`.
_NULL, _BOOLEAN, _INTEGER, _NUMBER, _TEXT, _DATE, _DATE_TIME = (1 << n for n in range(7))
_JSON_TEXT, _OBJECT, _LIST, _BINARY = (1 << n for n in range(7, 11))
_SINGLE_KIND = {
    _NULL: FieldType.NULL,
    _BOOLEAN: FieldType.BOOLEAN,
    _INTEGER: FieldType.INTEGER,
    _NUMBER: FieldType.NUMBER,
    _TEXT: FieldType.TEXT,
    _DATE: FieldType.DATE,
    _DATE_TIME: FieldType.DATE_TIME,
    _JSON_TEXT: FieldType.JSON_TEXT,
    _OBJECT: FieldType.OBJECT,
    _LIST: FieldType.LIST,
    _BINARY: FieldType.BINARY,
}
_NUMBERS = _INTEGER | _NUMBER
_TEXTS = _TEXT | _DATE | _DATE_TIME | _JSON_TEXT

_DATE_TEXT = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DATE_TIME_TEXT = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})"  # date, hours and minutes
    r"(?::(\d{2})(?:[.,]\d+)?)?"  # seconds and a fraction, optional
    r"(?:[Zz]|[+-]\d{2}(?::?\d{2})?)?"  # UTC or an offset, optional
)


class _Node:
    """What was seen at one path: value kinds, counts for optionality, and child paths."""

    __slots__ = ("kinds", "seen", "objects", "texts", "keys", "items", "decoded")

    def __init__(self) -> None:
        self.kinds = 0
        self.seen = 0  # values at this path, null included
        self.objects = 0  # of them objects: a key child seen fewer times is optional
        self.texts = 0  # of them texts: the (json) child is optional when some held no JSON
        self.keys: dict[str, _Node] = {}
        self.items: _Node | None = None
        self.decoded: _Node | None = None


def infer_shape(data: object) -> Shape:
    """The shape of response data (module docstring); one pass, linear in the data's size."""
    root = _Node()
    # An explicit stack instead of recursion: deeply nested data cannot hit the recursion limit.
    stack: list[tuple[_Node, object]] = [(root, data)]
    while stack:
        node, value = stack.pop()
        node.seen += 1
        if isinstance(value, str):
            node.texts += 1
            bits, decoded = _text_kind(value)
            node.kinds |= bits
            if decoded is not None:
                if node.decoded is None:
                    node.decoded = _Node()
                stack.append((node.decoded, decoded))
        elif isinstance(value, dict):
            node.kinds |= _OBJECT
            node.objects += 1
            keys = node.keys
            for key, item in value.items():
                child = keys.get(key)
                if child is None:
                    child = keys[key] = _Node()
                stack.append((child, item))
        elif isinstance(value, list):
            node.kinds |= _LIST
            if value:
                if node.items is None:
                    node.items = _Node()
                items = node.items
                # Reversed onto the stack, so items are walked in order and fields keep the
                # order they first appear in.
                stack.extend((items, item) for item in reversed(value))
        elif value is None:
            node.kinds |= _NULL
        elif isinstance(value, bool):  # before int: a bool is an int to Python
            node.kinds |= _BOOLEAN
        elif isinstance(value, int):
            node.kinds |= _INTEGER
        elif isinstance(value, float):
            node.kinds |= _NUMBER
        elif isinstance(value, BinaryBody):
            node.kinds |= _BINARY
        else:
            raise TypeError(f"response data cannot hold a {type(value).__name__}")
    return Shape(_fields(root))


def _text_kind(text: str) -> tuple[int, object | None]:
    """The kind bit of a text, and the value it holds when it holds JSON."""
    if text.startswith(("{", "[")):
        decoded = embedded_json(text)
        if decoded is not None:
            return _JSON_TEXT, decoded
    elif len(text) >= 10 and text[4] == "-":
        if len(text) == 10:
            match = _DATE_TEXT.fullmatch(text)
            if match and _is_date(match):
                return _DATE, None
        else:
            match = _DATE_TIME_TEXT.fullmatch(text)
            if match and _is_date(match) and _is_time(match):
                return _DATE_TIME, None
    return _TEXT, None


def _is_date(match: re.Match[str]) -> bool:
    try:
        date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return False
    return True


def _is_time(match: re.Match[str]) -> bool:
    seconds = match.group(6)
    # 60 seconds: ISO 8601 allows a leap second.
    return int(match.group(4)) <= 23 and int(match.group(5)) <= 59 and int(seconds or 0) <= 60


def _fields(root: _Node) -> tuple[Field, ...]:
    """The learned fields, depth first: each path followed by the paths within it."""
    fields: list[Field] = []
    stack: list[tuple[_Node, str, bool]] = [(root, "", False)]
    while stack:
        node, path, optional = stack.pop()
        type, nullable = _resolve(node.kinds)
        if path or node.kinds != _OBJECT:
            fields.append(Field(path, type, optional, nullable))
        children = [
            (child, key_path(path, key), child.seen < node.objects)
            for key, child in node.keys.items()
        ]
        if node.items is not None:
            children.append((node.items, path + "[]", False))
        if node.decoded is not None:
            children.append((node.decoded, path + "(json)", node.decoded.seen < node.texts))
        stack.extend(reversed(children))
    return tuple(fields)


def _resolve(kinds: int) -> tuple[FieldType, bool]:
    """The type of a field from the kinds of its values, and whether it is nullable."""
    values = kinds & ~_NULL
    if not values:
        return FieldType.NULL, False
    nullable = bool(kinds & _NULL)
    single = _SINGLE_KIND.get(values)
    if single is not None:
        return single, nullable
    if not values & ~_NUMBERS:
        return FieldType.NUMBER, nullable
    if not values & ~_TEXTS:
        return FieldType.TEXT, nullable
    return FieldType.ANY, nullable
