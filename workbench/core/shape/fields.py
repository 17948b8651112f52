"""Response shapes: the fields of a call's response, each with its type.

A shape lists every field of a call's response data (see `response_data`)
by path (notation in `json_path`: `data[].address.geo.lat`) with its type:

    text  number  integer  boolean  null  date  date-time  object  list
    json-text   a text holding a JSON object or list; its content is learned under
                `path(json)`, e.g. `payload(json).id`
    binary      a body that is not parsed (an image, a file)
    any         values of several kinds that no one type covers

A field may be *optional* (missing from some of the objects at its place)
and *nullable* (null in some places). The response itself has the path
`""`, listed only when it is not an object.

The user's choices are part of the shape: `exclude(path)` hides a field and
everything in it (from drift and from the UI's field lists), `set_type`
pins a type, `mark` sets a field's optional and nullable marks (and pins it).

Learning a shape from data is `shape_infer`; keeping the user's choices on
reinitialize and reporting drift is `shape_drift`; the workspace file's form
of a shape is `shape_toml`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from types import MappingProxyType

from workbench.core.errors import WorkbenchError
from workbench.core.shape.json_path import ancestors, label


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
    `pinned` (the type or the marks were set by the user) are the user's choices.
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
        """This shape with the type of the field at `path` set (pinned) by the user; a
        nullable field given the type null is no longer nullable (it is always null)."""
        f = self._field(path)
        nullable = f.nullable and type is not FieldType.NULL
        return self._with(replace(f, type=type, nullable=nullable, pinned=True))

    def mark(
        self, path: str, *, optional: bool | None = None, nullable: bool | None = None
    ) -> Shape:
        """This shape with the field at `path` marked optional (`?`) and nullable (`|null`)
        by the user, which pins it (None leaves a mark as it is). A null field cannot be
        marked nullable."""
        f = self._field(path)
        nullable = f.nullable if nullable is None else nullable
        if nullable and f.type is FieldType.NULL:
            raise ShapeError(
                "a null field is always null: it cannot be marked nullable", field=path
            )
        optional = f.optional if optional is None else optional
        return self._with(replace(f, optional=optional, nullable=nullable, pinned=True))

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
