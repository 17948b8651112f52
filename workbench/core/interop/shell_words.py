"""A command line split into words as a POSIX shell (and bash, for `$'...'`) splits it.

`shlex` in POSIX mode is close but not the same: inside double quotes it leaves the
backslash of `\\$` and `` \\` `` in place, and it keeps a backslash-newline as a newline
where a shell joins the lines. Commands copied from API docs and browsers lean on exactly
these, so the rules are written out here:

- outside quotes, a backslash keeps the next character as it is; a backslash before a
  line break joins the lines (a line continuation); blanks separate words;
- in single quotes nothing is special: a backslash is a backslash;
- in double quotes a backslash escapes only `$`, `` ` ``, `"`, `\\` and a line break
  (which it removes); before any other character it stays;
- `$'...'` (bash, and what browsers' "Copy as cURL" writes) reads C escapes: `\\n`, `\\t`,
  `\\r`, `\\\\`, `\\'`, `\\"`, `\\xHH`, `\\uHHHH`, `\\UHHHHHHHH`, octal `\\NNN` and the rest of C's.

Nothing is expanded: `$HOME` and `` `cmd` `` stay as written (no shell runs).
"""

from __future__ import annotations

import re

_BLANKS = " \t\n"
_DOUBLE_QUOTED_ESCAPES = '$`"\\'
_C_ESCAPES = {
    "a": "\a",
    "b": "\b",
    "e": "\x1b",
    "E": "\x1b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\\": "\\",
    "'": "'",
    '"': '"',
    "?": "?",
}
_C_NUMBER = re.compile(r"x[0-9A-Fa-f]{1,2}|u[0-9A-Fa-f]{1,4}|U[0-9A-Fa-f]{1,8}|[0-7]{1,3}")


class ShellSyntaxError(ValueError):
    """The text ends inside quotes (or after a lone backslash)."""


def shell_words(text: str) -> list[str]:
    """The words of `text` as a POSIX shell reads them (see the module's docs)."""
    words: list[str] = []
    word: list[str] | None = None  # None: between words
    position, end = 0, len(text)
    while position < end:
        char = text[position]
        if char in _BLANKS:
            if word is not None:
                words.append("".join(word))
                word = None
            position += 1
            continue
        word = [] if word is None else word
        if char == "\\":
            if position + 1 >= end:
                raise ShellSyntaxError("the text ends with a backslash")
            if text[position + 1] != "\n":  # a line continuation joins the lines
                word.append(text[position + 1])
            elif not word:
                word = None  # between words, as if the break were a blank
            position += 2
        elif char == "'":
            close = text.find("'", position + 1)
            if close < 0:
                raise ShellSyntaxError("a single quote is not closed")
            word.append(text[position + 1 : close])
            position = close + 1
        elif char == '"':
            position = _double_quoted(text, position + 1, word)
        elif text.startswith("$'", position):
            position = _c_quoted(text, position + 2, word)
        else:
            word.append(char)
            position += 1
    if word is not None:
        words.append("".join(word))
    return words


def _double_quoted(text: str, position: int, word: list[str]) -> int:
    """Read up to the closing double quote into `word`; where the text goes on after it."""
    while position < len(text):
        char = text[position]
        if char == '"':
            return position + 1
        if char == "\\" and position + 1 < len(text):
            following = text[position + 1]
            if following == "\n":
                position += 2
                continue
            if following in _DOUBLE_QUOTED_ESCAPES:
                word.append(following)
                position += 2
                continue
        word.append(char)
        position += 1
    raise ShellSyntaxError("a double quote is not closed")


def _c_quoted(text: str, position: int, word: list[str]) -> int:
    """Read a `$'...'` string's body up to its closing quote into `word`. `\\xHH` and octal
    escapes are bytes (bash's): a run of them is read as UTF-8, as a terminal shows it."""
    octets = bytearray()

    def put(chars: str) -> None:
        if octets:
            word.append(octets.decode("utf-8", errors="replace"))
            octets.clear()
        word.append(chars)

    while position < len(text):
        char = text[position]
        if char == "'":
            put("")
            return position + 1
        if char != "\\" or position + 1 >= len(text):
            put(char)
            position += 1
            continue
        following = text[position + 1]
        number = _C_NUMBER.match(text, position + 1)
        if following in _C_ESCAPES:
            put(_C_ESCAPES[following])
            position += 2
        elif number is not None:
            digits = number.group(0)
            if digits[0] in "uU":
                code = int(digits[1:], 16)
                put("\ufffd" if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF else chr(code))
            else:
                octets.append(int(digits[1:], 16) if digits[0] == "x" else int(digits, 8) & 0xFF)
            position = number.end()
        else:  # an unknown escape stays as written
            put(char + following)
            position += 2
    raise ShellSyntaxError("a $'...' string is not closed")
