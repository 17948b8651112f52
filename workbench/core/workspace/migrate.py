"""Workspace files of an older format, brought up to the current one as they are read.

`MIGRATIONS[n]` turns the data of a format-`n` file (plain TOML data, as tomllib reads it)
into the data of format `n + 1`; `upgraded` runs the steps from the file's format up to
`FORMAT_VERSION`, and the decoder then checks the result like any current file. A step is
data in, data out: no I/O, and it changes only what its format change is about, leaving
anything else (mistakes too) for the decoder to report. docs/workspace-format.md says how a
format change is made: a step here, and a fixture file of the old format under
tests/data/formats/ with the current text it must read as.

Nothing is written back: the next save writes the current format, and workbench saves a
file only for a change of its own, so an old file is migrated in the same commit as that.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from workbench.core.workspace.model import FORMAT_VERSION

Step = Callable[[dict[str, Any]], dict[str, Any]]

# Format 1 is the first: nothing to migrate yet.
MIGRATIONS: dict[int, Step] = {}


class FormatError(ValueError):
    """The file's `format` is not one this workbench reads; the message says what to do."""


def oldest_format(steps: Mapping[int, Step], current: int) -> int:
    """The oldest format `steps` bring up to `current` (each one step at a time)."""
    oldest = current
    while oldest - 1 in steps:
        oldest -= 1
    return oldest


def upgraded(
    data: Mapping[str, Any],
    version: int,
    *,
    steps: Mapping[int, Step] | None = None,
    current: int = FORMAT_VERSION,
) -> Mapping[str, Any]:
    """`data`, read from a file of format `version`, as data of format `current`.

    Raises `FormatError` for a format newer than `current` (written by a newer workbench)
    or older than the oldest one the steps reach.
    """
    steps = MIGRATIONS if steps is None else steps
    if version > current:
        raise FormatError(
            f"format {version} was written by a newer workbench (this one reads format "
            f"{current}); upgrade workbench to open this file"
        )
    oldest = oldest_format(steps, current)
    if version < oldest:
        reads = f"format {current}" if oldest == current else f"formats {oldest} to {current}"
        raise FormatError(f"expected {reads}; got {version}")
    for step in range(version, current):
        data = {**steps[step](dict(data)), "format": step + 1}
    return data
