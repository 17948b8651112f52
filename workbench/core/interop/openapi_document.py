"""An OpenAPI 3.0 or 3.1 document read from JSON or YAML text, its local `$ref`s followed.

`read_document` parses the text (JSON is YAML too, but JSON is tried first for its
exact numbers and messages) into plain data: keys are texts (YAML reads `200:` as a
number) and dates are ISO texts (YAML reads `2024-05-01` as a date). `Document.resolve`
follows `$ref`s that point into the document (`#/components/schemas/User`); a `$ref`
to another file or a URL is not followed. Places in the document are JSON pointers
(`#/paths/~1users/get`), the form a `$ref` uses, so notes name them the same way.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from workbench.core.errors import WorkbenchError
from workbench.core.terminal_text import plain_line_breaks, visible

Node = Mapping[str, Any]
# The most values a document may hold: large public APIs' documents hold a few hundred thousand.
MAX_VALUES = 5_000_000


class OpenApiError(WorkbenchError):
    """The text is not an OpenAPI 3 document workbench can read."""


def read_document(text: str, source: str = "the document") -> Document:
    """The document in `text` (JSON or YAML). `OpenApiError` when it is neither, or not
    OpenAPI 3.0 or 3.1 (Swagger 2.0 is named as such)."""
    try:
        try:
            data = json.loads(text)
        except ValueError:
            data = _yaml(text, source)
        plain = _Plain(source)(data)
    except RecursionError:
        raise OpenApiError(f"{source} is nested too deeply to read.") from None
    if not isinstance(plain, dict):
        raise OpenApiError(f"{source} is not an OpenAPI document (it is not a mapping).")
    version = str(plain.get("openapi", ""))
    if "swagger" in plain:
        raise OpenApiError(
            f"{source} is Swagger {plain['swagger']}: workbench reads OpenAPI 3.0 and 3.1 "
            "(converters such as swagger2openapi turn one into the other)."
        )
    if not version.startswith(("3.0", "3.1")):
        found = f"openapi: {version}" if version else "no `openapi` version"
        raise OpenApiError(
            f"{source} is not an OpenAPI 3.0 or 3.1 document ({found}); "
            "one starts with `openapi: 3.0.3` or `openapi: 3.1.0`."
        )
    return Document(plain, version)


def _yaml(text: str, source: str) -> object:
    import yaml  # only an import needs it: not loaded at start

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        line = f" (line {where.line + 1})" if where is not None else ""
        problem = getattr(error, "problem", None) or "not JSON or YAML"
        raise OpenApiError(f"{source} cannot be read{line}: {problem}.") from None


class _Plain:
    """Makes parsed data plain: as JSON would hold it (text keys, ISO dates), control
    characters escaped, and no bigger than `MAX_VALUES` values. YAML aliases make a few
    lines stand for a huge tree (a "billion laughs"): that stops here, not in the walks."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.count = 0

    def __call__(self, value: object) -> object:
        self.count += 1
        if self.count > MAX_VALUES:
            raise OpenApiError(
                f"{self.source} holds more than {MAX_VALUES:,} values (with its YAML aliases "
                "expanded): too big to read."
            )
        if isinstance(value, str):  # a workspace file holds no control characters: made visible
            return visible(plain_line_breaks(value), keep_newlines=True)
        if isinstance(value, dict):
            return {self(str(key)): self(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self(item) for item in value]
        if isinstance(value, dt.date):  # datetime too: both have isoformat
            return value.isoformat()
        return value


def pointer(*steps: str | int) -> str:
    """A place in the document as a JSON pointer: `pointer("paths", "/users")` is
    `#/paths/~1users`."""
    return "#" + "".join("/" + str(s).replace("~", "~0").replace("/", "~1") for s in steps)


def within(where: str, *steps: str | int) -> str:
    """The place `steps` below the place `where`."""
    return where + pointer(*steps)[1:]


@dataclass
class Document:
    """The document's data, its version, and what could not be followed (notes)."""

    data: dict[str, Any]
    version: str
    notes: list[str] = field(default_factory=list)

    @property
    def is_3_1(self) -> bool:
        return self.version.startswith("3.1")

    def get(self, *steps: str) -> Node:
        """The mapping at `steps` from the top ({} when there is none)."""
        node: object = self.data
        for step in steps:
            node = node.get(step) if isinstance(node, Mapping) else None
        return node if isinstance(node, Mapping) else {}

    def resolve(self, node: object, where: str) -> Node | None:
        """`node` with its `$ref`s followed (a chain of them too); None, with a note, when a
        `$ref` cannot be followed or `node` is not a mapping."""
        seen: list[str] = []
        while isinstance(node, Mapping) and "$ref" in node:
            ref = node["$ref"]
            if not isinstance(ref, str) or not ref.startswith("#"):
                self.note(where, f"the $ref {ref!r} is not in this document: not followed")
                return None
            if ref in seen:
                self.note(where, f"the $ref {ref!r} refers to itself: not followed")
                return None
            seen.append(ref)
            node = self.target(ref)
            if node is None:
                self.note(where, f"the $ref {ref!r} points to nothing")
                return None
        return node if isinstance(node, Mapping) else None

    def target(self, ref: str) -> object | None:
        """What the local reference `#/a/b` points to, or None."""
        node: object = self.data
        for step in ref[1:].split("/")[1:]:
            key = unquote(step).replace("~1", "/").replace("~0", "~")
            if isinstance(node, Mapping) and key in node:
                node = node[key]
            elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
                node = node[int(key)]
            else:
                return None
        return node

    def note(self, where: str, text: str) -> None:
        """Record what could not be mapped, at its place in the document."""
        self.notes.append(f"{where}: {text}.")
