"""Pure helpers behind the response widgets: pretty text, paths, previews and search of JSON.

They run in thread workers next to the event loop, so, like
`workbench.core.sending.large_bodies`, they work in bounded steps and check for
cancellation. No Textual import, so all of it is unit-tested directly.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from itertools import islice

from workbench.core.sending import Abandoned, IsCancelled, never
from workbench.core.shape import JsonPath
from workbench.core.workspace import ResponseType


def expects_json(content_type: str, response_type: ResponseType) -> bool:
    """Whether to parse a text body as JSON: the call says so, or the server does."""
    return (
        response_type is ResponseType.JSON
        or content_type.endswith(("/json", "+json"))
        or content_type.startswith("application/json")
    )


def pretty_json(value: object, is_cancelled: IsCancelled = never) -> str:
    """`value` as JSON indented by two spaces, joined in batches so no join is huge."""
    # With an indent, the encoder is pure Python: the GIL is released between pieces.
    chunks = json.JSONEncoder(indent=2, ensure_ascii=False).iterencode(value)
    batches: list[str] = []
    while batch := list(islice(chunks, 20_000)):
        batches.append("".join(batch))
        if is_cancelled():
            raise Abandoned
    return "".join(batches)


def scalar_text(value: object) -> str:
    """A non-container value as JSON writes it (texts without quotes); a value JSON has no
    form for (a binary body in a call's data) as its description."""
    if isinstance(value, str):
        return value
    if value is None or isinstance(value, bool | int | float):
        return json.dumps(value)
    return str(value)


def search_json(
    data: object, query: str, *, limit: int = 10_000, is_cancelled: IsCancelled = never
) -> list[JsonPath]:
    """Paths whose key or scalar value contains `query` (any case), in document order."""
    needle = query.casefold()
    matches: list[JsonPath] = []
    for count, (path, value) in enumerate(_walk(data)):
        key = path[-1] if path else None
        if isinstance(key, str) and needle in key.casefold():
            matches.append(path)
        elif not isinstance(value, dict | list) and needle in scalar_text(value).casefold():
            matches.append(path)
        if len(matches) >= limit:
            break
        if count % 4096 == 0 and is_cancelled():
            raise Abandoned
    return matches


def _walk(data: object) -> Iterator[tuple[JsonPath, object]]:
    """Every value with its path, depth first, in the order the tree shows them."""
    stack: list[tuple[JsonPath, object]] = [((), data)]
    while stack:
        path, value = stack.pop()
        yield path, value
        if isinstance(value, dict):
            stack.extend(((*path, key), item) for key, item in reversed(value.items()))
        elif isinstance(value, list):
            indexes = range(len(value) - 1, -1, -1)
            stack.extend(((*path, index), value[index]) for index in indexes)


def preview(value: object, limit: int = 60) -> tuple[str, str]:
    """A value's kind (string, number, boolean, null, object, array) and a one-line preview."""
    if isinstance(value, dict):
        return "object", f"{{…}} {count_text(len(value), 'key')}" if value else "{}"
    if isinstance(value, list):
        return "array", f"[…] {count_text(len(value), 'item')}" if value else "[]"
    if isinstance(value, str):
        shown = json.dumps(value[:limit], ensure_ascii=False)
        return "string", shown if len(value) <= limit else shown[:-1] + '…"'
    if value is None:
        return "null", "null"
    if isinstance(value, bool):
        return "boolean", scalar_text(value)
    if isinstance(value, int | float):
        return "number", scalar_text(value)
    return "string", scalar_text(value)  # a binary body in a call's data: its description


def count_text(count: int, noun: str) -> str:
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


def child_keys(value: dict[str, object] | list[object]) -> Sequence[str | int]:
    """The keys (objects) or indexes (arrays) of a container, indexable without a copy."""
    return list(value) if isinstance(value, dict) else range(len(value))
