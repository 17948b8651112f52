"""Text from workspaces and servers made safe for a terminal: control characters shown, not run.

A workspace may come from someone else and a server says what it likes: a name, a reason
phrase, a header or a body may hold escape sequences that would move the cursor, retitle the
window or rewrite the screen. Everything such text shows passes `visible` first, which
replaces each control character with a visible escape (`\\x1b`, `\\x07`, `\\u202e`...), so the
user sees that it was there without the terminal acting on it.

Text coming the other way, pasted into the terminal, has its line breaks made plain
(`plain_line_breaks`).
"""

from __future__ import annotations

import re

# C0 controls (but tab and line feed, which the caller may keep), DEL, C1 controls, and the
# Unicode format characters that reorder or hide text (bidi overrides, zero-width joiners...).
_FORMAT = r"\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f" + _FORMAT + "]")
_CONTROL_NO_NEWLINES = re.compile(r"[\x00-\x1f\x7f-\x9f" + _FORMAT + "]")
# The same but tab, line feed and carriage return: text that may span lines.
_CONTROL_BUT_LINE_BREAKS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f" + _FORMAT + "]")


def _escape(match: re.Match[str]) -> str:
    character = match.group(0)
    code = ord(character)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def visible(text: str, *, keep_newlines: bool = False) -> str:
    """`text` with every control character replaced by a visible escape.

    With `keep_newlines`, line feeds and tabs stay (bodies shown over several lines);
    otherwise they are escaped too (a name, a header value, a status line is one line).
    """
    pattern = _CONTROL if keep_newlines else _CONTROL_NO_NEWLINES
    return pattern.sub(_escape, text)


def has_control(text: str, *, allow_line_breaks: bool = False) -> bool:
    """Whether `visible` would change `text` (its one-line form); with `allow_line_breaks`,
    tabs, line feeds and carriage returns do not count."""
    pattern = _CONTROL_BUT_LINE_BREAKS if allow_line_breaks else _CONTROL_NO_NEWLINES
    return pattern.search(text) is not None


def plain_line_breaks(text: str) -> str:
    """`text` with each CR LF and lone CR as LF.

    Terminals paste line breaks as CR (and files from Windows have CR LF); PEM readers
    (OpenSSL's) take only LF, so a pasted key or certificate would be refused.
    """
    return text.replace("\r\n", "\n").replace("\r", "\n")
