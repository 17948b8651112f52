"""Placeholder substitution: `[name]` in URLs and `<name>` in body templates.

URL values are percent-encoded so they stay inside one path segment. In a
JSON body a value inside a string literal is JSON-escaped (so the body stays
valid whatever the text), and outside a string it goes in as is (so numbers,
booleans and whole objects can be inserted). A raw body takes values verbatim.
Only names present in the given values are replaced; other `[...]`/`<...>`
text is left alone, the caller decides whether that is an error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from urllib.parse import quote

# A colon is not allowed in a URL placeholder name so that IPv6 literal hosts
# such as `http://[::1]:8080` are never mistaken for placeholders.
_URL_PLACEHOLDER = re.compile(r"\[([^\[\]:/?#\s]+)\]")
_BODY_NAME = r"<([^<>\"\\\s]+)>"
_BODY_PLACEHOLDER = re.compile(_BODY_NAME)
# Scanning a JSON template: an escape inside a string, a quote, or a placeholder.
# Escapes are matched first so that `\"` never toggles the in-string state.
_JSON_TOKEN = re.compile(r"\\.|\"|" + _BODY_NAME, re.DOTALL)


def url_placeholders(url: str) -> list[str]:
    """The names of the `[name]` placeholders in `url`, in order of appearance."""
    return _URL_PLACEHOLDER.findall(url)


def fill_url(url: str, values: Mapping[str, str]) -> str:
    """Replace `[name]` by its value, percent-encoded (slashes too), for each name in `values`."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        return quote(values[name], safe="") if name in values else match.group(0)

    return _URL_PLACEHOLDER.sub(replace, url)


def body_placeholders(template: str) -> set[str]:
    """The names written as `<name>` in a body template."""
    return set(_BODY_PLACEHOLDER.findall(template))


def fill_text(template: str, values: Mapping[str, str]) -> str:
    """Replace `<name>` by the value, verbatim, for each name in `values`."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        return values[name] if name in values else match.group(0)

    return _BODY_PLACEHOLDER.sub(replace, template)


def json_escape(value: str) -> str:
    """`value` escaped for use between the quotes of a JSON string literal."""
    return json.dumps(value, ensure_ascii=False)[1:-1]


def fill_json(template: str, values: Mapping[str, str]) -> str:
    """Replace `<name>` in a JSON template: escaped inside string literals, raw outside them."""
    parts: list[str] = []
    position = 0
    in_string = False
    for match in _JSON_TOKEN.finditer(template):
        token = match.group(0)
        if token == '"':
            in_string = not in_string
            continue
        name = match.group(1)
        if name is None or name not in values:
            continue
        value = values[name]
        parts.append(template[position : match.start()])
        parts.append(json_escape(value) if in_string else value)
        position = match.end()
    parts.append(template[position:])
    return "".join(parts)
