"""Response shapes: learn the fields of a response, keep them in the workspace, detect drift.

A shape lists every field of a call's response data (see `response_data`)
by path (notation in `json_path`: `data[].address.geo.lat`) with its type:

    text  number  integer  boolean  null  date  date-time  object  list
    json-text   a text holding a JSON object or list; its content is learned under
                `path(json)`, e.g. `payload(json).id`
    binary      a body that is not parsed (an image, a file)
    any         values of several kinds that no one type covers

How `infer_shape` learns it, in one pass over the data:

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

In the workspace file (`shape_to_toml_data`) each field is one line, its
path and a short type text:

    "data[].id" = "integer"
    "data[].phone" = "text?"               optional: missing from some objects
    "data[].birthday" = "date|null"        nullable: null in some
    "data[].manager_id" = "integer|null?"  both
    "data[].avatar" = "text (excluded)"    excluded by the user
    "data[].code" = "text (pinned)"        type set by the user, kept on reinitialize
    "" = "list"                            the response itself, when not an object

The user's choices are part of the shape: `exclude(path)` hides a field and
everything in it (from drift and from the UI's field lists), `set_type`
pins a type. Initializing again learns a fresh shape and
`reconcile(saved, fresh)` keeps those choices for every field still there;
a fresh answer that shows a field only as null, or a list only empty, tells
nothing about its type or items, so what the saved shape knew about them is
kept. `diff_shapes` reports the drift between two shapes on the same terms.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from types import MappingProxyType

from workbench.core.errors import WorkbenchError
from workbench.core.json_path import (
    BinaryBody,
    Item,
    PathError,
    ancestors,
    describe,
    embedded_json,
    format_path,
    is_within,
    key_path,
    label,
    parse_path,
)


class FieldType(StrEnum):
    """The type of one field of a response."""

    TEXT = "text"
    NUMBER = "number"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    NULL = "null"
    DATE = "date"
    DATE_TIME = "date-time"
    OBJECT = "object"
    LIST = "list"
    JSON_TEXT = "json-text"
    BINARY = "binary"
    ANY = "any"


class ShapeError(WorkbenchError, ValueError):
    """A shape cannot be read from a workspace file, or an edit names a field it does not have.

    `field` is the path of the offending entry (None when the problem is not one entry's),
    `detail` what is wrong with it.
    """

    def __init__(self, detail: str, *, field: str | None = None, where: str = "") -> None:
        self.field = field
        self.detail = detail
        steps = [step for step in (where, None if field is None else f'"{field}"') if step]
        super().__init__(" > ".join(steps) + f": {detail}" if steps else detail)


@dataclass(frozen=True)
class Field:
    """One field of a shape.

    `optional`: missing from some of the objects at its place. `nullable`:
    null in some places (never set for type `null`). `excluded` and
    `pinned` (the type was set by the user) are the user's choices.
    """

    path: str
    type: FieldType
    optional: bool = False
    nullable: bool = False
    excluded: bool = False
    pinned: bool = False

    @property
    def label(self) -> str:
        """The path as the UI shows it."""
        return label(self.path)

    @property
    def type_text(self) -> str:
        """The type with its marks, as drift lines show it: `date|null?`."""
        return f"{self.type}{'|null' if self.nullable else ''}{'?' if self.optional else ''}"


@dataclass(frozen=True)
class Shape:
    """The fields of a response, in order; immutable, edits return a new shape."""

    fields: tuple[Field, ...] = ()
    _index: Mapping[str, Field] = field(init=False, repr=False, compare=False, hash=False)
    _excluded: frozenset[str] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        index: dict[str, Field] = {}
        for f in self.fields:
            if f.path in index:
                raise ShapeError("a shape lists this field twice", field=f.path)
            index[f.path] = f
        object.__setattr__(self, "_index", MappingProxyType(index))
        object.__setattr__(self, "_excluded", frozenset(f.path for f in self.fields if f.excluded))

    def __iter__(self) -> Iterator[Field]:
        return iter(self.fields)

    def __len__(self) -> int:
        return len(self.fields)

    def __contains__(self, path: object) -> bool:
        return path in self._index

    def get(self, path: str) -> Field | None:
        """The field at `path`, or None."""
        return self._index.get(path)

    def is_excluded(self, path: str) -> bool:
        """True when the field at `path`, or one it lies within, is excluded."""
        if not self._excluded:
            return False
        return path in self._excluded or any(a in self._excluded for a in ancestors(path))

    def exclude(self, path: str) -> Shape:
        """This shape with the field at `path` (and so everything in it) excluded."""
        return self._with(replace(self._field(path), excluded=True))

    def include(self, path: str) -> Shape:
        """This shape with the field at `path` no longer excluded."""
        return self._with(replace(self._field(path), excluded=False))

    def set_type(self, path: str, type: FieldType) -> Shape:
        """This shape with the type of the field at `path` set (pinned) by the user."""
        return self._with(replace(self._field(path), type=type, pinned=True))

    def unpin(self, path: str) -> Shape:
        """This shape with the field's type no longer pinned: the next initialize learns it."""
        return self._with(replace(self._field(path), pinned=False))

    def _field(self, path: str) -> Field:
        found = self._index.get(path)
        if found is None:
            raise ShapeError("no such field in the shape", field=path)
        return found

    def _with(self, changed: Field) -> Shape:
        return Shape(tuple(changed if f.path == changed.path else f for f in self.fields))


# ---- learning -------------------------------------------------------------------------------

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


# ---- reinitialize and drift ------------------------------------------------------------------


def reconcile(saved: Shape, fresh: Shape) -> Shape:
    """The shape to keep after initializing again: `fresh`, with what `saved` knew that
    `fresh` cannot tell.

    Kept from `saved` for every field `fresh` still has: exclusions and pinned
    types. A field `fresh` saw only as null keeps its saved type (now
    nullable) and its saved fields; a list `fresh` saw only empty keeps its
    saved item fields. Everything else (optional, nullable, new and gone
    fields, types) is as `fresh` learned it.
    """
    fields: list[Field] = []
    for learned in fresh:
        known = saved.get(learned.path)
        if known is None:
            fields.append(learned)
            continue
        only_null = learned.type is FieldType.NULL and known.type is not FieldType.NULL
        kept_type = known.type if only_null or known.pinned else learned.type
        fields.append(
            replace(
                learned,
                type=kept_type,
                nullable=learned.nullable or only_null,
                excluded=known.excluded,
                pinned=known.pinned,
            )
        )
        items = learned.path + "[]"
        if only_null:
            fields.extend(f for f in saved if is_within(f.path, learned.path))
        elif learned.type is FieldType.LIST and items not in fresh:
            fields.extend(f for f in saved if f.path == items or is_within(f.path, items))
    return Shape(tuple(fields))


@dataclass(frozen=True)
class TypeChange:
    """A field whose type changed."""

    path: str
    old: FieldType
    new: FieldType


@dataclass(frozen=True)
class Drift:
    """How a response's shape moved away from the saved one (fields by path)."""

    added: tuple[Field, ...] = ()
    removed: tuple[Field, ...] = ()
    changed: tuple[TypeChange, ...] = ()
    now_optional: tuple[str, ...] = ()
    no_longer_optional: tuple[str, ...] = ()
    now_nullable: tuple[str, ...] = ()
    no_longer_nullable: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not any(
            (
                self.added,
                self.removed,
                self.changed,
                self.now_optional,
                self.no_longer_optional,
                self.now_nullable,
                self.no_longer_nullable,
            )
        )


def diff_shapes(old: Shape, new: Shape) -> Drift:
    """The drift from `old` (the saved shape) to `new` (a fresh one).

    Compared as `reconcile(old, new)` would keep it, so the drift is exactly
    what initializing again changes: excluded fields (and what is in them)
    are ignored, pinned types never change, and a field seen only as null or
    a list seen only empty is not a change of type or a loss of fields.
    """
    merged = reconcile(old, new)
    root = Field("", FieldType.OBJECT)  # an object response has no "" field: see infer_shape
    old_root, merged_root = old.get("") or root, merged.get("") or root

    def ignored(path: str) -> bool:
        return old.is_excluded(path) or merged.is_excluded(path)

    added: list[Field] = []
    changed: list[TypeChange] = []
    now_optional: list[str] = []
    no_longer_optional: list[str] = []
    now_nullable: list[str] = []
    no_longer_nullable: list[str] = []
    for now in (merged_root, *(f for f in merged if f.path)):
        if ignored(now.path):
            continue
        was = old_root if not now.path else old.get(now.path)
        if was is None:
            added.append(now)
            continue
        if was.type is not now.type:
            changed.append(TypeChange(now.path, was.type, now.type))
        if was.optional != now.optional:
            (now_optional if now.optional else no_longer_optional).append(now.path)
        if was.nullable != now.nullable:
            (now_nullable if now.nullable else no_longer_nullable).append(now.path)
    removed = [f for f in old if f.path and f.path not in merged and not ignored(f.path)]
    return Drift(
        added=tuple(added),
        removed=tuple(removed),
        changed=tuple(changed),
        now_optional=tuple(now_optional),
        no_longer_optional=tuple(no_longer_optional),
        now_nullable=tuple(now_nullable),
        no_longer_nullable=tuple(no_longer_nullable),
    )


def format_drift(drift: Drift) -> list[str]:
    """One line per change, for people: `+ added: type`, `- removed`, `~ path: old -> new`,
    `? path: now optional`."""
    return [
        *(f"+ {f.label}: {f.type_text}" for f in drift.added),
        *(f"- {f.label}" for f in drift.removed),
        *(f"~ {label(c.path)}: {c.old} -> {c.new}" for c in drift.changed),
        *(f"? {label(path)}: now optional" for path in drift.now_optional),
        *(f"? {label(path)}: no longer optional" for path in drift.no_longer_optional),
        *(f"? {label(path)}: now nullable" for path in drift.now_nullable),
        *(f"? {label(path)}: no longer nullable" for path in drift.no_longer_nullable),
    ]


# ---- the workspace file ----------------------------------------------------------------------

_EXCLUDED, _PINNED = "excluded", "pinned"
_TYPE_NAMES = tuple(t.value for t in FieldType)
_TYPE_TEXT = re.compile(
    r"(?P<type>[a-z-]+)(?P<nullable>\|null)?(?P<optional>\?)?(?: \((?P<tags>[a-z, ]*)\))?"
)
_NOTATION = (
    'a type, then "|null" if it may be null and "?" if it may be missing, '
    'then " (excluded)" and/or " (pinned)", e.g. "date|null?"'
)


def shape_to_toml_data(shape: Shape) -> dict[str, str]:
    """The shape as a TOML table: path -> type text, one line per field, in the shape's order."""
    return {f.path: _field_text(f) for f in shape}


def shape_from_toml_data(data: Mapping[str, object], where: str = "") -> Shape:
    """The shape a TOML table describes; ShapeError naming the entry (`where` is the table's
    place in the file, for the message)."""
    fields: list[Field] = []
    spelled: dict[str, str] = {}
    for path, text in data.items():
        canonical = _canonical_path(path, where)
        if canonical in spelled:
            raise ShapeError(
                f"the same field as {spelled[canonical]!r}; list each field once",
                field=path,
                where=where,
            )
        spelled[canonical] = path
        if not isinstance(text, str):
            raise ShapeError(
                f"expected a type text ({_NOTATION}); got {describe(text)}", field=path, where=where
            )
        fields.append(_parse_field(canonical, text, path, where))
    return Shape(tuple(fields))


def _field_text(f: Field) -> str:
    tags = [tag for tag, on in ((_EXCLUDED, f.excluded), (_PINNED, f.pinned)) if on]
    return f.type_text + (f" ({', '.join(tags)})" if tags else "")


def _canonical_path(path: str, where: str) -> str:
    try:
        segments = parse_path(path)
    except PathError as error:
        raise ShapeError(str(error), field=path, where=where) from None
    if any(isinstance(s, Item) and s.index is not None for s in segments):
        raise ShapeError(
            "a shape marks list items with [], not with an item number like [0]",
            field=path,
            where=where,
        )
    return format_path(segments)


def _parse_field(path: str, text: str, spelled: str, where: str) -> Field:
    match = _TYPE_TEXT.fullmatch(text)
    if match is None:
        raise ShapeError(f"cannot read {text!r}: expected {_NOTATION}", field=spelled, where=where)
    name = match["type"]
    if name not in _TYPE_NAMES:
        close = difflib.get_close_matches(name, _TYPE_NAMES, n=1)
        hint = f'; did you mean "{close[0]}"?' if close else ""
        raise ShapeError(
            f'unknown type "{name}"; expected one of: {", ".join(_TYPE_NAMES)}{hint}',
            field=spelled,
            where=where,
        )
    type = FieldType(name)
    nullable = match["nullable"] is not None
    if nullable and type is FieldType.NULL:
        raise ShapeError('"null|null": a null field is always null', field=spelled, where=where)
    tags = [tag.strip() for tag in (match["tags"] or "").split(",")] if match["tags"] else []
    unknown = [tag for tag in tags if tag not in (_EXCLUDED, _PINNED)]
    if unknown or len(set(tags)) != len(tags):
        raise ShapeError(
            f'cannot read {text!r}: the marks in parentheses are "excluded" and "pinned", '
            "each at most once",
            field=spelled,
            where=where,
        )
    return Field(
        path,
        type,
        optional=match["optional"] is not None,
        nullable=nullable,
        excluded=_EXCLUDED in tags,
        pinned=_PINNED in tags,
    )
