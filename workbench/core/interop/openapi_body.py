"""An OpenAPI operation's request body as a call's body, and examples as parameter values.

A JSON body (`application/json`, `*+json`) becomes a JSON template whose top-level
properties are `<name>` placeholders (quoted for texts, bare for numbers, booleans,
objects and lists), each a body parameter holding its example: the media type's
`example` or first of its `examples`, else the schema's example, else one built from
the properties' own examples (`example`, `examples`, `default`; a required property
without one gets an empty value to fill in). A form or multipart body becomes body
parameters (binary properties are file uploads). A property or parameter whose schema is
`format: password` is private: its example is not kept, its value goes to the secret
store. Any other content type is a note.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from workbench.core.interop.openapi_document import Document, Node, within
from workbench.core.workspace.model import BodyType, Location, Parameter

_PLACEHOLDER_NAME = re.compile(r'[^<>"\\\s]+')  # what `<name>` in a body template can hold
_FORMS = {
    "application/x-www-form-urlencoded": BodyType.FORM,
    "multipart/form-data": BodyType.MULTIPART,
}


@dataclass(frozen=True)
class RequestBody:
    """A call's body: its type, template, content type (raw bodies) and body parameters."""

    type: BodyType = BodyType.NONE
    text: str = ""
    content_type: str = ""
    parameters: tuple[Parameter, ...] = ()


@dataclass(frozen=True)
class _Slot:
    """One top-level property of a JSON body: its example as text, quoted or bare."""

    name: str
    value: str
    quoted: bool


def example_text(value: object) -> str:
    """An example as a parameter's text: texts as they are, other values as JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def raw_example(document: Document, where: str, node: Node) -> object | None:
    """`node`'s `example`, or the first of its `examples` (a map of Example objects, or in a
    3.1 schema a list); None when it has none."""
    example: object = node.get("example")
    if example is not None:
        return example
    examples: object = node.get("examples")
    if isinstance(examples, list) and examples:
        first: object = examples[0]
        return first
    if isinstance(examples, Mapping):
        for key, given in examples.items():
            resolved = document.resolve(given, within(where, "examples", key))
            value: object = None if resolved is None else resolved.get("value")
            if value is not None:
                return value
    return None


def first_example(document: Document, where: str, node: Node) -> str | None:
    """The text of `node`'s example (see `raw_example`), or None."""
    value = raw_example(document, where, node)
    return None if value is None else example_text(value)


def is_private(schema: Node) -> bool:
    """Whether a schema marks its value as one to keep out of sight (`format: password`):
    such a parameter is private, its example never written in the workspace."""
    return schema.get("format") == "password"


def object_schema(document: Document, where: str, schema: Node) -> tuple[Node, frozenset[str]]:
    """The properties of an object schema, those of its `allOf` parts merged in, and the
    names of the required ones."""
    properties: dict[str, object] = {}
    required: set[str] = set()
    parts = [schema]
    given = schema.get("allOf")
    for index, part in enumerate(given if isinstance(given, list) else []):
        resolved = document.resolve(part, within(where, "allOf", index))
        if resolved is not None:
            parts.append(resolved)
    for part in parts:
        own = part.get("properties")
        properties.update(own if isinstance(own, Mapping) else {})
        names = part.get("required")
        if isinstance(names, list):
            required.update(n for n in names if isinstance(n, str))
    return properties, frozenset(required)


def request_body(
    document: Document, where: str, node: object, taken: Sequence[Parameter]
) -> RequestBody:
    """The body of the operation at `where` (`node` is its `requestBody`); `taken` are the
    call's other parameters, whose names a body parameter cannot have."""
    where = within(where, "requestBody")
    body = document.resolve(node, where) if node is not None else None
    content = body.get("content") if body is not None else None
    if not isinstance(content, Mapping) or not content:
        return RequestBody()
    kinds = {str(media_type).split(";")[0].strip().lower(): media_type for media_type in content}
    for kind, media_type in kinds.items():
        if kind == "application/json" or kind.endswith("+json"):
            media = document.resolve(content[media_type], within(where, "content", media_type))
            return _json_body(document, within(where, "content", media_type), media or {}, taken)
    for kind, body_type in _FORMS.items():
        if kind in kinds:
            at = within(where, "content", kinds[kind])
            media = document.resolve(content[kinds[kind]], at) or {}
            return RequestBody(body_type, parameters=_form_fields(document, at, media))
    document.note(
        where, f"the body is {', '.join(kinds)}: not mapped, write the call's body yourself"
    )
    return RequestBody()


def _json_body(
    document: Document, where: str, media: Node, taken: Sequence[Parameter]
) -> RequestBody:
    schema = document.resolve(media.get("schema"), within(where, "schema")) or {}
    example = raw_example(document, where, media)
    if example is None:
        example = raw_example(document, within(where, "schema"), schema)
    if example is None:
        slots = _slots_from_schema(document, within(where, "schema"), schema)
    elif isinstance(example, Mapping):
        slots = [_Slot(str(k), example_text(v), isinstance(v, str)) for k, v in example.items()]
    else:  # a list or a single value: the body as it is, nothing to fill in
        return RequestBody(BodyType.JSON, json.dumps(example, indent=2, ensure_ascii=False))
    if not slots:
        return RequestBody(BodyType.JSON, "{}")
    names = {p.name for p in taken}
    private = _private_properties(document, within(where, "schema"), schema)
    lines: list[str] = []
    parameters: list[Parameter] = []
    for slot in slots:
        if _PLACEHOLDER_NAME.fullmatch(slot.name) and slot.name not in names:
            parameters.append(
                Parameter(slot.name, private=True, location=Location.BODY)
                if slot.name in private
                else Parameter(slot.name, slot.value, location=Location.BODY)
            )
            text = f'"<{slot.name}>"' if slot.quoted else f"<{slot.name}>"
        else:  # a name no placeholder can hold, or a path or query parameter's: the example
            document.note(where, f"the property {slot.name!r} is written as its example")
            text = json.dumps(slot.value, ensure_ascii=False) if slot.quoted else slot.value
        lines.append(f"  {json.dumps(slot.name, ensure_ascii=False)}: {text or 'null'}")
    return RequestBody(
        BodyType.JSON, "{\n" + ",\n".join(lines) + "\n}\n", parameters=tuple(parameters)
    )


def _slots_from_schema(document: Document, where: str, schema: Node) -> list[_Slot]:
    properties, required = object_schema(document, where, schema)
    slots: list[_Slot] = []
    for name, given in properties.items():
        at = within(where, "properties", name)
        prop = document.resolve(given, at) or {}
        value = raw_example(document, at, prop)
        value = prop.get("default") if value is None else value
        if value is not None:
            slots.append(_Slot(name, example_text(value), isinstance(value, str)))
        elif name in required:
            slots.append(_Slot(name, "", _is_text(prop)))
    return slots


def _private_properties(document: Document, where: str, schema: Node) -> set[str]:
    """The names of an object schema's properties marked private (`is_private`)."""
    properties, _ = object_schema(document, where, schema)
    return {
        name
        for name, given in properties.items()
        if is_private(document.resolve(given, within(where, "properties", name)) or {})
    }


def _is_text(schema: Node) -> bool:
    kind = schema.get("type")
    return kind is None or kind == "string" or isinstance(kind, list) and "string" in kind


def _form_fields(document: Document, where: str, media: Node) -> tuple[Parameter, ...]:
    at = within(where, "schema")
    schema = document.resolve(media.get("schema"), at) or {}
    example = raw_example(document, where, media)
    examples = example if isinstance(example, Mapping) else {}
    properties, required = object_schema(document, at, schema)
    fields: list[Parameter] = []
    for name, given in properties.items():
        prop = document.resolve(given, within(at, "properties", name)) or {}
        value = examples.get(name)
        if value is None:
            value = raw_example(document, within(at, "properties", name), prop)
        upload = prop.get("format") in ("binary", "base64") or "contentMediaType" in prop
        hidden = is_private(prop) or upload or value is None
        fields.append(
            Parameter(
                name,
                "" if hidden else example_text(value),
                private=is_private(prop),
                optional=name not in required,
                location=Location.BODY,
                file=upload,
            )
        )
    return tuple(fields)
