"""Give a workspace file the ids it lacks: its own and those of its providers and calls.

Private values are found by ids (the workspace's, then the provider's and the call's). A file
without a workspace id gets a random one each time it is loaded, and a provider or call
without one an id derived from the names (the same at each load, until a rename): before a
value is stored, the loaded model's ids are written into the file, one added line each
(`id = "..."` after `format = ...`, and after each `[[providers]]` and `[[providers.calls]]`
header; a short call written inline gets `id = "...", ` at the start of its line). The rest
of the file stays byte for byte as it was, so the change is those lines, which the user
commits; they are where a save would write them.
"""

from __future__ import annotations

import codecs
import re
import tomllib
from pathlib import Path
from typing import Any

from workbench.core.errors import WorkspaceError
from workbench.core.files import atomic_write
from workbench.core.workspace.model import Workspace

# `format = ...` at the start of a line.
_FORMAT_LINE = re.compile(r"^[ \t]*format[ \t]*=")
_TABLE_HEADER = re.compile(r"^[ \t]*\[")
_PROVIDER_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*providers[ \t]*\]\][ \t]*(#.*)?$")
_CALL_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*providers[ \t]*\.[ \t]*calls[ \t]*\]\][ \t]*(#.*)?$")
# Short calls are written inline, one a line: `calls = [`, then `{ name = ... },` lines, `]`.
_INLINE_CALLS = re.compile(r"^[ \t]*calls[ \t]*=[ \t]*\[[ \t]*$")
_INLINE_CALL = re.compile(r"^[ \t]*\{[ \t]*")
_ARRAY_END = re.compile(r"^[ \t]*\]")


def give_id(path: Path, workspace: Workspace) -> bool:
    """Write `workspace`'s ids into `path` where the file has none; True when it did.

    `workspace` is the file's loaded model. Raises `WorkspaceError` with the fix (the lines
    to add by hand) when the file cannot be changed, and then nothing is stored.
    """
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise WorkspaceError(str(path), f"cannot be read: {error.strerror or error}") from None
    bom = codecs.BOM_UTF8 if raw.startswith(codecs.BOM_UTF8) else b""
    text = raw[len(bom) :].decode("utf-8")  # loaded just before, so this cannot fail
    data = tomllib.loads(text)
    wanted = _with_ids(data, workspace)
    if wanted == data:
        return False
    fix = (
        f'add the lines yourself (id = "{workspace.id}" after format = ... if it has none, '
        'and under each [[providers]] and [[providers.calls]] header an id = "..." of 8 '
        "letters and digits, unique), then try again"
    )
    changed = _with_id_lines(text, workspace, data)
    if changed is None or tomllib.loads(changed) != wanted:
        raise WorkspaceError(str(path), f"lacks ids and workbench cannot add them safely; {fix}")
    try:
        atomic_write(path, bom + changed.encode("utf-8"))
    except OSError as error:
        raise WorkspaceError(
            str(path),
            f"lacks ids, and giving them failed ({error.strerror or error}): private values "
            f"are stored under them. Make the file writable, or {fix}",
        ) from None
    return True


def _with_ids(data: dict[str, Any], workspace: Workspace) -> dict[str, Any]:
    """The file's data as it reads once every id is written."""
    providers = []
    for table, provider in zip(data.get("providers", []), workspace.providers, strict=False):
        calls = [
            {"id": call.id, **item} if "id" not in item and call.id else item
            for item, call in zip(table.get("calls", []), provider.calls, strict=False)
        ]
        table = {**table, "calls": calls} if "calls" in table else dict(table)
        providers.append({"id": provider.id, **table} if "id" not in table else table)
    wanted = {**data, "providers": providers} if "providers" in data else dict(data)
    return wanted if "id" in data else {**wanted, "id": workspace.id}


def _with_id_lines(text: str, workspace: Workspace, data: dict[str, Any]) -> str | None:
    """`text` with a line for each missing id; None when there is no `format = ...` line
    before the first table to put the workspace's after."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\r\n" if "\r\n" in text else "\n"
    tables = data.get("providers", [])
    out: list[str] = []
    workspace_line = None if "id" in data else f'id = "{workspace.id}"'
    provider_index, call_index = -1, -1
    inline = False  # within a provider's inline array of calls
    for line in lines:
        ending = line[len(line.rstrip("\r\n")) :]
        body = line.rstrip("\r\n")
        start = _INLINE_CALL.match(body) if inline else None
        if start is not None:
            call_index += 1
            added = _id_line(tables, provider_index, call_index, workspace, ", ")
            line = line[: start.end()] + "".join(added) + line[start.end() :]
        out.append(line)
        if inline and _ARRAY_END.match(body):
            inline = False
        elif _INLINE_CALLS.match(body):
            inline = True
        if workspace_line is not None and _TABLE_HEADER.match(body):
            return None  # a table before `format = ...`: not a file workbench wrote
        if workspace_line is not None and _FORMAT_LINE.match(body):
            out.append(workspace_line + ending)
            workspace_line = None
        elif _PROVIDER_HEADER.match(body):
            provider_index, call_index = provider_index + 1, -1
            out.extend(_id_line(tables, provider_index, None, workspace, ending))
        elif _CALL_HEADER.match(body):
            call_index += 1
            out.extend(_id_line(tables, provider_index, call_index, workspace, ending))
    if workspace_line is not None:
        return None
    return "".join(out)


def _id_line(
    tables: list[Any], provider: int, call: int | None, workspace: Workspace, ending: str
) -> list[str]:
    """The id line to add after a `[[providers]]` (or `[[providers.calls]]`) header: none when
    that table has an id, or when the header is not where the data says (the check after
    writing then refuses the change). `ending` follows the line: its line break, or ", " in an
    inline table."""
    try:
        table = tables[provider]
        model = workspace.providers[provider]
        if call is not None:
            table, model_call = table["calls"][call], model.calls[call]
            return [] if "id" in table else [f'id = "{model_call.id}"{ending}']
    except (IndexError, KeyError, TypeError):
        return []
    return [] if "id" in table else [f'id = "{model.id}"{ending}']
