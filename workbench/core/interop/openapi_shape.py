"""A response schema of an OpenAPI document as a call's shape, so an imported call is initialized.

The fields are those `infer_shape` would learn from an answer that follows the
schema: objects, lists (their items under `x[]`), text (`format: date` and
`date-time` as date and date-time, `contentMediaType: application/json` as JSON
text, its `contentSchema` the fields under `text(json)`), integer, number,
boolean, null. A property not `required` is optional; one that may be null (3.0
`nullable: true`, 3.1 `type: [x, "null"]`, or a `oneOf`/`anyOf` with a null
choice) is nullable. `allOf` parts are merged; a choice of several kinds is
`any`. A schema that refers back to itself is followed once: below that, its
fields are not listed; a shape stops at `MAX_FIELDS` fields, `MAX_DEPTH` levels deep.
The first real initialize then reports where the server's answers differ
from the document (drift).
"""

from __future__ import annotations

from collections.abc import Mapping

from workbench.core.interop.openapi_body import object_schema
from workbench.core.interop.openapi_document import Document, Node, within
from workbench.core.shape.fields import Field, FieldType, Shape
from workbench.core.shape.json_path import JSON_MARK, key_path

_TYPES = {
    "object": FieldType.OBJECT,
    "array": FieldType.LIST,
    "string": FieldType.TEXT,
    "integer": FieldType.INTEGER,
    "number": FieldType.NUMBER,
    "boolean": FieldType.BOOLEAN,
    "null": FieldType.NULL,
}
_FORMATS = {"date": FieldType.DATE, "date-time": FieldType.DATE_TIME}
_TEXTS = frozenset((FieldType.TEXT, FieldType.DATE, FieldType.DATE_TIME))
# The most fields of one shape: schemas that refer to each other (an order with its customer
# with their orders...) expand without end; a shape is for people to read.
MAX_FIELDS = 1000
MAX_DEPTH = 40  # levels of objects and lists


def schema_shape(document: Document, where: str, schema: object) -> Shape:
    """The shape of answers that follow `schema` (at `where` in the document)."""
    walker = _Walker(document)
    walker.walk(schema, where, "", optional=False, active=frozenset(), depth=0)
    if walker.cut:
        document.note(
            where, f"the shape is cut (at most {MAX_FIELDS} fields, {MAX_DEPTH} levels deep)"
        )
    return Shape(tuple(walker.fields.values()))


class _Walker:
    """Collects the fields of a schema, depth first, each path once."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.fields: dict[str, Field] = {}
        self.cut = False

    def walk(
        self,
        given: object,
        where: str,
        path: str,
        *,
        optional: bool,
        active: frozenset[str],
        depth: int,
    ) -> None:
        if len(self.fields) >= MAX_FIELDS or depth > MAX_DEPTH:
            self.cut = True
            return
        ref = given.get("$ref") if isinstance(given, Mapping) else None
        if isinstance(ref, str):
            if ref in active:  # the schema holds itself: its fields are listed once, above
                self._add(Field(path, FieldType.OBJECT, optional))
                return
            active = active | {ref}
            where = ref
        schema = self.document.resolve(given, where)
        if schema is None:
            self._add(Field(path, FieldType.ANY, optional))
            return
        schema, nullable, where = self._chosen(schema, where)
        kind = _kind(schema) if schema is not None else FieldType.ANY
        nullable = nullable and kind is not FieldType.NULL
        if path or kind is not FieldType.OBJECT or nullable:  # as infer_shape: see its docs
            self._add(Field(path, kind, optional, nullable))
        if schema is None:
            return
        if kind is FieldType.OBJECT:
            properties, required = object_schema(self.document, where, schema)
            for name, child in properties.items():
                at = within(where, "properties", name)
                self.walk(
                    child,
                    at,
                    key_path(path, name),
                    optional=name not in required,
                    active=active,
                    depth=depth + 1,
                )
        elif kind is FieldType.JSON_TEXT and schema.get("contentSchema") is not None:
            self.walk(
                schema["contentSchema"],
                within(where, "contentSchema"),
                path + JSON_MARK,
                optional=False,
                active=active,
                depth=depth + 1,
            )
        elif kind is FieldType.LIST and schema.get("items") is not None:
            self.walk(
                schema["items"],
                within(where, "items"),
                path + "[]",
                optional=False,
                active=active,
                depth=depth + 1,
            )

    def _chosen(self, schema: Node, where: str) -> tuple[Node | None, bool, str]:
        """The schema an answer follows (None: one of several kinds), whether it may be
        null, and its place; `oneOf`/`anyOf` with one choice besides null is that choice."""
        nullable = _nullable(schema)
        for keyword in ("oneOf", "anyOf"):
            choices = schema.get(keyword)
            if not isinstance(choices, list) or not choices:
                continue
            kept: list[tuple[Node, str]] = []
            for index, choice in enumerate(choices):
                at = within(where, keyword, index)
                resolved = self.document.resolve(choice, at)
                if resolved is not None and resolved.get("type") == "null":
                    nullable = True
                elif resolved is not None:
                    kept.append((resolved, at))
            if len(kept) != 1:
                return None, nullable, where
            chosen, at = kept[0]
            return chosen, nullable or _nullable(chosen), at
        return schema, nullable, where

    def _add(self, field: Field) -> None:
        self.fields.setdefault(field.path, field)


def _nullable(schema: Node) -> bool:
    kind = schema.get("type")
    return schema.get("nullable") is True or isinstance(kind, list) and "null" in kind


def _kind(schema: Node) -> FieldType:
    """The field type of a schema (the `null` of a 3.1 type list aside)."""
    given = schema.get("type")
    names = [given] if isinstance(given, str) else given if isinstance(given, list) else []
    kinds = {_TYPES.get(str(name), FieldType.ANY) for name in names if name != "null"}
    if not names:
        if "properties" in schema or "allOf" in schema:
            return FieldType.OBJECT
        return FieldType.LIST if "items" in schema else FieldType.ANY
    if not kinds:
        return FieldType.NULL
    if kinds == {FieldType.TEXT}:
        media = str(schema.get("contentMediaType", "")).split(";")[0].strip().lower()
        if media == "application/json" or media.endswith("+json"):
            return FieldType.JSON_TEXT  # a text that holds JSON, as `infer_shape` reads one
        return _FORMATS.get(str(schema.get("format")), FieldType.TEXT)
    if len(kinds) == 1:
        return kinds.pop()
    if kinds <= {FieldType.INTEGER, FieldType.NUMBER}:
        return FieldType.NUMBER
    return FieldType.TEXT if kinds <= _TEXTS else FieldType.ANY
