"""Writing one setting into the user's config file (the TUI remembers the theme chosen in it).

The file is replaced atomically. The other keys stay; so do comments and layout when the
setting is a plain `key = value` line outside any table (or is added as one): the edited text
is parsed back and must hold exactly the old settings plus the new value, else the file is
written anew from its data by tomli-w, which keeps every setting but no comment.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import tomli_w

from workbench.core.errors import ConfigError
from workbench.core.files import atomic_write

# A `[table]` or `[[array]]` header: where the top-level keys end.
_HEADER = re.compile(r"^\s*\[")
_KEY_LINE = re.compile(r"^\s*[\w\"'.-]+\s*=")


def write_setting(path: Path, key: str, value: str | float | bool) -> None:
    """Set the top-level `key` of the config file at `path` to `value`, creating the file
    (and its folder) when missing. Raises `ConfigError` when the file cannot be read or is not
    valid TOML (it is not overwritten: the user's settings would be lost), or cannot be written.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot be read ({error}); {key} was not saved") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(
            f"{path}: not valid TOML ({error}); {key} was not saved. Fix the file, or remove it."
        ) from None
    wanted = {**data, key: value}
    edited = _edited(text, key, value)
    if _parses_to(edited, wanted):
        new_text = edited
    else:
        new_text = tomli_w.dumps(wanted)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, new_text.encode("utf-8"))
    except OSError as error:
        raise ConfigError(f"{path}: cannot be written ({error}); {key} was not saved") from None


def _edited(text: str, key: str, value: str | float | bool) -> str:
    """`text` with the top-level line of `key` replaced by `key = value`, or with that line
    added after the last top-level key (else just before the first table)."""
    line = tomli_w.dumps({key: value}).strip()
    lines = text.splitlines()
    top = next((i for i, current in enumerate(lines) if _HEADER.match(current)), len(lines))
    own = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for index in range(top):
        if own.match(lines[index]):
            lines[index] = line
            return "\n".join(lines) + "\n"
    last = max((i for i in range(top) if _KEY_LINE.match(lines[i])), default=None)
    lines.insert(top if last is None else last + 1, line)
    return "\n".join(lines) + "\n"


def _parses_to(text: str, wanted: dict[str, object]) -> bool:
    try:
        return tomllib.loads(text) == wanted
    except tomllib.TOMLDecodeError:
        return False
