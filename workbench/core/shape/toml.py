"""A shape in the workspace file: one line per field, its path and a short type text.

"data[].id" = "integer"
"data[].phone" = "text?"               optional: missing from some objects
"data[].birthday" = "date|null"        nullable: null in some
"data[].manager_id" = "integer|null?"  both
"data[].avatar" = "text (excluded)"    excluded by the user
"data[].code" = "text (pinned)"        type (and marks) set by the user, kept on reinitialize
"" = "list"                            the response itself, when not an object
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping

from workbench.core.shape.fields import Field, FieldType, Shape, ShapeError
from workbench.core.shape.json_path import Item, PathError, describe, format_path, parse_path

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
