"""Where a private value must never end up: the files of the project tree.

The tests that send private values check afterwards that none of them was written
into the project (a log, a saved workspace, a cache).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Not the project's own files: version control, the virtual environment, tools' caches.
SKIPPED = {".git", ".venv", "__pycache__", ".mypy_cache", ".ruff_cache"}


def project_files_holding(values: Iterable[str]) -> list[tuple[str, Path]]:
    """(value, file) for each of `values` found in a file of the project tree."""
    wanted = [(value, value.encode()) for value in values]
    found = []
    for folder, subfolders, names in os.walk(ROOT):
        subfolders[:] = [name for name in subfolders if name not in SKIPPED]
        for name in names:
            path = Path(folder, name)
            try:
                data = path.read_bytes()
            except (FileNotFoundError, IsADirectoryError):
                continue  # gone meanwhile: a cache another test process was writing
            found += [(value, path) for value, encoded in wanted if encoded in data]
    return found
