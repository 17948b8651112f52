"""How a workspace file spells its texts: as they read, and always exactly the text.

tomli-w lays the file out (tables, inline tables, arrays); this module only respells the
strings it wrote. tomli-w escapes every `"` and `\\` (a JSON body would read
`{\\"name\\": \\"<name>\\"}`), and its multi-line strings turn a carriage return and line
feed into a line feed. So each text is written:

- between single quotes, as it is (a TOML literal string), when it holds `"` or `\\` and a
  literal string can hold it: no control character but tab, and no `'` in a one-line text,
  no `'''` in a multi-line one nor `'` at its end;
- over several lines when it has a line break, but on one line with `\\r` and `\\n`
  escapes when it also has a carriage return;
- otherwise as tomli-w writes it.

A text with a line break is never put in an inline table, wherever it is spelled on one line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import tomli_w

# tomli-w writes each multi-line text as a placeholder first ("7\n", the 7th such text), so
# that it lays the file out as for a multi-line string; the placeholders are then respelled.
# Texts are the only place a workspace file has `"`, so the scan below stays in step.
_TOKEN = re.compile(r'"""\n(?P<index>\d+)\n"""|"(?:[^"\\\n]|\\.)*"')
_ESCAPE = re.compile(r"\\(.)")
_QUOTE_ESCAPE = re.compile(r'\\(["\\])')
# What a multi-line literal string cannot hold: control characters (tab and line feed aside).
_NOT_MULTILINE_LITERAL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]|'''|'$")


def dumps_readable(data: Mapping[str, Any]) -> str:
    """The TOML text of `data`: tomli-w's layout, each text spelled as it reads."""
    texts: list[str] = []
    written = tomli_w.dumps(_with_placeholders(data, texts), multiline_strings=True)

    def respell(match: re.Match[str]) -> str:
        if match["index"] is not None:
            return _multiline(texts[int(match["index"])])
        return _one_line(match.group())

    return _TOKEN.sub(respell, written)


def _with_placeholders(value: Any, texts: list[str]) -> Any:
    """`value` with each text holding a line break replaced by its placeholder."""
    if isinstance(value, str) and "\n" in value:
        texts.append(value)
        return f"{len(texts) - 1}\n"
    if isinstance(value, Mapping):
        return {key: _with_placeholders(item, texts) for key, item in value.items()}
    if isinstance(value, list):
        return [_with_placeholders(item, texts) for item in value]
    return value


def _multiline(text: str) -> str:
    if "\r" in text:
        return _basic(text, multiline=False)
    if ('"' in text or "\\" in text) and not _NOT_MULTILINE_LITERAL.search(text):
        # TOML drops the line break right after the opening quotes.
        return "'''\n" + text + "'''"
    return _basic(text, multiline=True)


def _one_line(spelled: str) -> str:
    """A one-line string as tomli-w spelled it (a value or a quoted key), respelled."""
    if "\\" not in spelled:
        return spelled  # nothing escaped: it reads as it is
    if any(escaped not in '"\\' for escaped in _ESCAPE.findall(spelled)):
        return spelled  # a control character, which only an escape can write
    text = _QUOTE_ESCAPE.sub(r"\1", spelled[1:-1])
    if "'" in text:
        return spelled
    return f"'{text}'"


def _basic(text: str, *, multiline: bool) -> str:
    """`text` as tomli-w spells it."""
    line = tomli_w.dumps({"k": text}, multiline_strings=multiline)
    return line.removeprefix("k = ").removesuffix("\n")
