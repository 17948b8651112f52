"""Give a workspace file without an `id` the one its private values are stored under.

Private values are found by workspace id; a file without one gets a random id each time it
is loaded, so a value stored for it would never be found again. Before storing one, the id
of the loaded model is written into the file as one added line (`id = "..."` after
`format = ...`): the rest of the file stays byte for byte as it was, so the change is the
one line the user commits.
"""

from __future__ import annotations

import codecs
import re
import tomllib
from pathlib import Path

from workbench.core.errors import WorkspaceError
from workbench.core.files import atomic_write
from workbench.core.workspace.model import Workspace

# `format = ...` at the start of a line, ending with the line's own line break (or the file).
_FORMAT_LINE = re.compile(r"^[ \t]*format[ \t]*=[^\r\n]*(\r?\n|\Z)", re.MULTILINE)
_TABLE_HEADER = re.compile(r"^[ \t]*\[", re.MULTILINE)


def give_id(path: Path, workspace: Workspace) -> bool:
    """Write `workspace.id` into `path` when the file has no `id`; True when it did.

    `workspace` is the file's loaded model. Raises `WorkspaceError` with the fix (the line
    to add by hand) when the file cannot be changed, and then nothing is stored.
    """
    line = f'id = "{workspace.id}"'
    fix = f"add the line {line} after format = ... yourself, then try again"
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise WorkspaceError(str(path), f"cannot be read: {error.strerror or error}") from None
    bom = codecs.BOM_UTF8 if raw.startswith(codecs.BOM_UTF8) else b""
    text = raw[len(bom) :].decode("utf-8")  # loaded just before, so this cannot fail
    data = tomllib.loads(text)
    if "id" in data:
        return False
    changed = _with_id_line(text, line)
    if changed is None or tomllib.loads(changed) != {**data, "id": workspace.id}:
        raise WorkspaceError(str(path), f"has no id and workbench cannot add one safely; {fix}")
    try:
        atomic_write(path, bom + changed.encode("utf-8"))
    except OSError as error:
        raise WorkspaceError(
            str(path),
            f"has no id, and giving it one failed ({error.strerror or error}): private values "
            f"are stored under the workspace's id. Make the file writable, or {fix}",
        ) from None
    return True


def _with_id_line(text: str, line: str) -> str | None:
    """`text` with `line` after its top-level `format = ...` line; None when there is none."""
    header = _TABLE_HEADER.search(text)
    found = _FORMAT_LINE.search(text, 0, header.start() if header else len(text))
    if found is None:
        return None
    ending = found.group(1)
    if ending:
        return f"{text[: found.end()]}{line}{ending}{text[found.end() :]}"
    return f"{text}\n{line}\n"  # `format = 1` was the last line, without a line break
