"""Turn a response into data: the value a call's shape is learned from and chaining reads.

Data is built from dicts (text keys), lists, texts, integers, numbers,
booleans, null and `BinaryBody` (see `json_path`). By the call's response type:

- json: the parsed document. Invalid JSON is a `ResponseDataError` naming
  the line and column.
- xml: parsed with defusedxml, which refuses entity declarations (the
  "billion laughs" bomb) and external entities or DTDs, then turned into
  objects: an element with attributes or child elements is an object with
  `@name` keys for attributes, a key per child element and `#text` for its
  own text, when it has any; an element with neither is its text (`""`
  when empty). Namespaces are dropped from names (`{uri}item` is `item`).
  Every value is a text: XML does not say what is a number. A child element
  that repeats under any element of the same path is a list at every
  element of that path (an empty list where there is none), and an element
  that is an object anywhere is one everywhere, so the shape does not
  depend on how many items one answer happened to have. The root element is
  the single key of the top-level object: `{"catalog": {"book": [...]}}`.
- text: the body decoded with its charset (UTF-8 when it names none).
- binary: `BinaryBody(content_type, size)`; the bytes are not part of data.

A stream of JSON events read as json is its events' data (`stream.stream_data`):
Server-Sent Events are `{"events": {"NAME": [data, ...], ...}}` by event name,
NDJSON the list of its lines' values.

An empty body is null for json and xml.

Two call options wrap the body's data in an object, the same way for every
answer, so a shape learned from one answer fits the next:

- include_errors: `{"status_code": 404, "has_error": true, "message": "user
  999 not found", "body": ...}`. A 4xx/5xx answer becomes data instead of an
  error; `message` is the error the body gives (a text `message`,
  `error_description`, `detail`, `error` or `title` key, or `error.message`),
  else the status line; it is `""` for a successful answer. The body of an
  error that does not parse as the response type is kept as text.
- capture_headers: `{"headers": {"content-type": "application/json", ...},
  "body": ...}`. Header names are lower-cased; a header sent several times
  is one text joined with ", ", as HTTP allows.

With both options the keys are status_code, has_error, message, headers,
body. A call that got no complete answer (refused, timeout, too large...)
has no data, whatever the options: `ResponseDataError` with the reason.
"""

from __future__ import annotations

import json
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree

from workbench.core.errors import WorkbenchError
from workbench.core.sending.exchange import Exchange
from workbench.core.sending.large_bodies import (
    charset_of,
    decode_text,
    parse_json,
    parse_json_bytes,
)
from workbench.core.sending.stream import StreamKind, stream_data
from workbench.core.shape.json_path import BinaryBody
from workbench.core.workspace.model import ResponseType

# Keys an error body commonly keeps its message under (REST, OAuth, RFC 9457), in that order.
_MESSAGE_KEYS = ("message", "error_description", "detail", "error", "title")
_TEXT_SAMPLE = 200  # characters of a body a message quotes

XmlPath = tuple[str, ...]
_EVENT_STREAMS = (StreamKind.SSE, StreamKind.NDJSON)


class ResponseDataError(WorkbenchError):
    """A response cannot be turned into data: no answer, an error status, or a body that does
    not parse as the call's response type."""


def exchange_data(
    exchange: Exchange,
    response_type: ResponseType,
    *,
    include_errors: bool = False,
    capture_headers: bool = False,
) -> object:
    """The data of an exchange's answer, wrapped as the call's options say (module docstring).

    A 4xx or 5xx answer is a `ResponseDataError` (status and the start of its
    body) unless `include_errors`; any other complete answer is data, as
    `Exchange.ok` counts it.
    """
    if exchange.failure is not None or exchange.status is None:
        reason = exchange.failure.message if exchange.failure else "no answer"
        raise ResponseDataError(f"the call got no complete answer: {reason}")
    content_type = exchange.header("content-type") or ""
    has_error = exchange.status >= 400
    if has_error and not include_errors:
        raise ResponseDataError(
            f"the call answered {_status_line(exchange)}{_body_sample(exchange.body, content_type)}"
        )
    if exchange.stream in _EVENT_STREAMS and response_type is ResponseType.JSON:
        body = stream_data(exchange.stream, exchange.events)
    elif has_error:
        try:
            body = body_data(exchange.body, response_type, content_type)
        except ResponseDataError:
            body = _decode(exchange.body, content_type)
    else:
        body = body_data(exchange.body, response_type, content_type)
    headers = _header_data(exchange.headers) if capture_headers else None
    message = (_error_message(body) or _status_line(exchange)) if has_error else ""
    return _wrap(body, include_errors, exchange.status, message, headers)


def parse_manual_response(
    text: str,
    response_type: ResponseType,
    *,
    include_errors: bool = False,
    capture_headers: bool = False,
) -> object:
    """The data of a pasted sample response, wrapped like a successful answer of the call.

    A pasted sample has no headers: with capture_headers they are `{}`.
    """
    if response_type is ResponseType.BINARY:
        raise ResponseDataError("a binary response cannot be pasted; initialize the call instead")
    body: object
    if response_type is ResponseType.TEXT:
        body = text
    elif not text.strip():
        body = None
    elif response_type is ResponseType.JSON:
        body = _parse_json(text, "")
    else:
        body = _parse_xml(text)
    return _wrap(body, include_errors, 200, "", {} if capture_headers else None)


def body_data(body: bytes, response_type: ResponseType, content_type: str = "") -> object:
    """The data of a body read as `response_type`; `content_type` gives the charset of text
    and the kind of binary data."""
    if response_type is ResponseType.BINARY:
        media_type = content_type.split(";")[0].strip().lower()
        return BinaryBody(media_type or "application/octet-stream", len(body))
    if response_type is ResponseType.TEXT:
        return _decode(body, content_type)
    if not body.strip():
        return None
    if response_type is ResponseType.JSON:
        return _parse_json(body, content_type)
    return _parse_xml(body)


def _wrap(
    body: object,
    include_errors: bool,
    status: int,
    message: str,
    headers: dict[str, str] | None,
) -> object:
    if not include_errors and headers is None:
        return body
    data: dict[str, object] = {}
    if include_errors:
        data.update(status_code=status, has_error=status >= 400, message=message)
    if headers is not None:
        data["headers"] = headers
    data["body"] = body
    return data


def _parse_json(source: str | bytes, content_type: str) -> object:
    try:
        # In steps: a body of many megabytes is parsed in a thread next to the UI's event loop.
        value = parse_json(source) if isinstance(source, str) else parse_json_bytes(source)
    except json.JSONDecodeError as error:
        raise ResponseDataError(
            f"the response is not valid JSON{_content_type_hint(content_type)}: {error.msg} "
            f"at line {error.lineno}, column {error.colno}"
        ) from None
    except UnicodeDecodeError as error:
        raise ResponseDataError(
            f"the response is not valid JSON{_content_type_hint(content_type)}: "
            f"not UTF-8 text (byte {error.start + 1})"
        ) from None
    except RecursionError:
        raise ResponseDataError("the JSON response is nested too deeply to read") from None
    return value


def _parse_xml(source: str | bytes) -> object:
    try:
        # defusedxml's defaults: entity declarations and external references are refused.
        root: Element = defusedxml.ElementTree.fromstring(source)
    except defusedxml.EntitiesForbidden as error:
        raise ResponseDataError(
            f"the XML response declares the entity {error.name!r}; workbench does not read "
            "XML entities, so entity-expansion bombs and external entities cannot harm it"
        ) from None
    except defusedxml.DefusedXmlException as error:  # the rest of defusedxml's refusals
        raise ResponseDataError(
            f"the XML response uses a feature workbench refuses for safety: {error}"
        ) from None
    except ParseError as error:
        line, column = error.position
        reason = str(error).split(":")[0]
        raise ResponseDataError(
            f"the response is not well-formed XML: {reason} at line {line}, column {column + 1}"
        ) from None
    try:
        return _XmlReader(root).data()
    except RecursionError:
        raise ResponseDataError("the XML response is nested too deeply to read") from None


class _XmlReader:
    """Two passes over an element tree: learn which paths are objects and lists, then build."""

    def __init__(self, root: Element) -> None:
        self._root = root
        self._objects: set[XmlPath] = set()
        self._lists: set[XmlPath] = set()
        # Per object path, the names of its list children in first-seen order (a dict as an
        # ordered set), so an element without any of them still gets an empty list.
        self._list_children: dict[XmlPath, dict[str, None]] = {}

    def data(self) -> dict[str, object]:
        name = _local_name(self._root.tag)
        self._learn(self._root, (name,))
        return {name: self._build(self._root, (name,))}

    def _learn(self, element: Element, path: XmlPath) -> None:
        if element.attrib or len(element):
            self._objects.add(path)
        counts: dict[str, int] = {}
        for child in element:
            name = _local_name(child.tag)
            counts[name] = counts.get(name, 0) + 1
            self._learn(child, (*path, name))
        for name, count in counts.items():
            if count > 1:
                self._lists.add((*path, name))
                self._list_children.setdefault(path, {})[name] = None

    def _build(self, element: Element, path: XmlPath) -> object:
        own_text = "".join([element.text or "", *(child.tail or "" for child in element)]).strip()
        if path not in self._objects:
            return own_text
        data: dict[str, object] = {
            "@" + _local_name(name): value for name, value in element.attrib.items()
        }
        lists: dict[str, list[object]] = {}
        for child in element:
            name = _local_name(child.tag)
            child_path = (*path, name)
            value = self._build(child, child_path)
            if child_path not in self._lists:
                data[name] = value
                continue
            if name not in lists:
                lists[name] = []
                data[name] = lists[name]
            lists[name].append(value)
        for name in self._list_children.get(path, {}):
            data.setdefault(name, [])
        if own_text:
            data["#text"] = own_text
        return data


def _local_name(name: str) -> str:
    return name.rpartition("}")[2]


def _decode(body: bytes, content_type: str) -> str:
    return decode_text(body, charset_of(content_type))


def _header_data(headers: tuple[tuple[str, str], ...]) -> dict[str, str]:
    data: dict[str, str] = {}
    for name, value in headers:
        key = name.lower()
        data[key] = f"{data[key]}, {value}" if key in data else value
    return data


def _error_message(body: object) -> str | None:
    if not isinstance(body, dict):
        return None
    for key in _MESSAGE_KEYS:
        value = body.get(key)
        if isinstance(value, dict):
            value = value.get("message")
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _status_line(exchange: Exchange) -> str:
    return f"{exchange.status} {exchange.reason}".strip()


def _body_sample(body: bytes, content_type: str) -> str:
    text = " ".join(_decode(body[: _TEXT_SAMPLE * 4], content_type).split())
    if not text:
        return ""
    return ": " + (text if len(text) <= _TEXT_SAMPLE else text[: _TEXT_SAMPLE - 3] + "...")


def _content_type_hint(content_type: str) -> str:
    media_type = content_type.split(";")[0].strip().lower()
    if not media_type or media_type.endswith(("/json", "+json")):
        return ""
    return f" (its content type is {media_type})"
