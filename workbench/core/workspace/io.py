"""Workspace files: read and validate them, write them in canonical form, save them atomically.

The format is documented in docs/workspace-format.md. Reading uses tomllib
and writing tomli-w (its texts respelled by `spelling`); `encode` fixes the
key order and `decode` checks everything read. Any problem with a file's
content, or reading or writing it, is a `WorkspaceError`.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from workbench.core.errors import WorkspaceError
from workbench.core.files import atomic_write
from workbench.core.workspace.decode import decode_workspace
from workbench.core.workspace.encode import encode_workspace
from workbench.core.workspace.model import Workspace
from workbench.core.workspace.spelling import dumps_readable

__all__ = ["dumps_workspace", "load_workspace", "loads_workspace", "save_workspace"]

# tomllib ends its messages with the position, e.g. "Invalid value (at line 3, column 7)".
_TOML_POSITION = re.compile(r"^(.*) \(at (?:line (\d+), column (\d+)|end of document)\)$", re.S)


def load_workspace(path: Path) -> Workspace:
    """Read and validate the workspace file at `path`."""
    source = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise WorkspaceError(source, "no such file") from None
    except IsADirectoryError:
        raise WorkspaceError(source, "is a directory, not a workspace file") from None
    except OSError as error:
        raise WorkspaceError(source, f"cannot be read: {error.strerror or error}") from None
    try:
        # utf-8-sig: accept the byte order mark some Windows editors add (saving drops it).
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise WorkspaceError(
            source,
            f"is not UTF-8 text (byte 0x{raw[error.start]:02x} cannot be decoded); "
            "save the file as UTF-8",
            line=line,
        ) from None
    return loads_workspace(text, source)


def loads_workspace(text: str, source: str) -> Workspace:
    """Parse and validate workspace TOML; `source` names the file in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _toml_error(str(error), text, source) from None
    except RecursionError:
        raise WorkspaceError(source, "not a workspace: values are nested too deeply") from None
    return decode_workspace(data, source, text)


def dumps_workspace(workspace: Workspace) -> str:
    """The canonical text of `workspace`: the same model always gives the same text.

    Raises `WorkspaceError` when the model breaks a rule of the format (two
    calls with one name, a value for an unknown environment...), so that no
    file is written that could not be opened again.
    """
    return _render(workspace, f'workspace "{workspace.name}"')


def save_workspace(workspace: Workspace, path: Path) -> None:
    """Write `workspace` to `path` atomically: readers see the old file or the new one."""
    data = _render(workspace, str(path)).encode("utf-8")
    try:
        atomic_write(path, data)
    except OSError as error:
        raise WorkspaceError(str(path), f"cannot be saved: {error.strerror or error}") from None


def _render(workspace: Workspace, source: str) -> str:
    data = encode_workspace(workspace)
    text = dumps_readable(data)
    # Read the text back with the same checks as a file from disk, and to the same data.
    try:
        text.encode("utf-8")
        loads_workspace(text, source)
        if tomllib.loads(text) != data:
            raise WorkspaceError(source, "a text would not read back the same; please report it")
    except UnicodeEncodeError:
        raise WorkspaceError(
            source, "cannot be written: it contains text that is not valid Unicode"
        ) from None
    except WorkspaceError as error:
        raise WorkspaceError(source, f"cannot be written: {error.detail}", key=error.key) from None
    return text


def _toml_error(message: str, text: str, source: str) -> WorkspaceError:
    """A WorkspaceError from a TOMLDecodeError message, with its line and column."""
    match = _TOML_POSITION.match(message)
    if match is None:
        return WorkspaceError(source, f"not valid TOML: {message}")
    reason, line, column = match.group(1), match.group(2), match.group(3)
    reason = reason[:1].lower() + reason[1:]
    if line is None:  # "at end of document"
        return WorkspaceError(
            source,
            f"not valid TOML: {reason} at the end of the file",
            line=max(1, len(text.splitlines())),
        )
    return WorkspaceError(source, f"not valid TOML: {reason} (column {column})", line=int(line))
