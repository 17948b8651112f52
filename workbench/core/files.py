"""Atomic file replacement that leaves nothing behind for git to see, even when killed.

The new content is written to a temporary file in a hidden scratch folder beside the target
(same filesystem, so the final rename is atomic), then renamed over the target. The scratch
folder holds a `.gitignore` of `*`, so git ignores it whole, `.gitignore` included: a save
killed halfway leaves no file that `git status` shows. The last save to finish removes the
folder and the leftovers of killed saves in it.

Saves in progress hold a shared `flock` on the scratch folder's `.gitignore`; tidying takes
it exclusively without waiting, so it only happens when no other save (of any process) is
writing there, and every temporary file it finds then is a leftover.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

SCRATCH_FOLDER = ".workbench-tmp"
IGNORE_EVERYTHING = b"*\n"


def atomic_write(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Replace `path` with `data` so readers see the old or the new file, never half of one.

    `mode` sets the permissions of the new file before any byte is written
    (so a secret file is never readable by others, even briefly); without it
    the existing file's mode is kept.
    """
    if mode is None:
        try:
            mode = path.stat().st_mode & 0o777
        except FileNotFoundError:
            mode = 0o644
    with _scratch_folder(path.parent) as (folder, guard):
        try:
            _replace(path, data, mode, folder)
        finally:
            _tidy(path, folder, guard)  # a failed save leaves nothing behind either


def _replace(path: Path, data: bytes, mode: int, folder: Path) -> None:
    """Write `data` to a temporary file in `folder`, then rename it over `path`."""
    descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=f"{path.name}.", suffix=".tmp")
    try:
        os.fchmod(descriptor, mode)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


@contextmanager
def _scratch_folder(directory: Path) -> Iterator[tuple[Path, int]]:
    """The scratch folder in `directory`, made when missing, and the descriptor of its
    `.gitignore`, on which this save holds a shared lock until it ends."""
    folder = directory / SCRATCH_FOLDER
    while True:
        guard_path = folder / ".gitignore"
        try:
            guard = os.open(guard_path, os.O_RDONLY | os.O_NOFOLLOW)
        except FileNotFoundError:
            _make_scratch_folder(directory, folder)
            continue
        try:
            fcntl.flock(guard, fcntl.LOCK_SH)
            if os.fstat(guard).st_nlink:
                yield folder, guard
                return
            # A save that finished meanwhile removed the folder: make it again.
        finally:
            os.close(guard)  # releases the lock


def _make_scratch_folder(directory: Path, folder: Path) -> None:
    """Make the scratch folder with its `.gitignore` already in it (built under another name
    and renamed into place), so git never sees a temporary file that is not yet ignored."""
    staging = Path(tempfile.mkdtemp(dir=directory, prefix=f"{SCRATCH_FOLDER}."))
    try:
        (staging / ".gitignore").write_bytes(IGNORE_EVERYTHING)
        os.rename(staging, folder)
    except OSError:
        # Another save made the folder first (renaming onto it fails): use that one.
        if not folder.is_dir():
            raise
    finally:
        with suppress(FileNotFoundError):
            (staging / ".gitignore").unlink()
            staging.rmdir()


def _tidy(path: Path, folder: Path, guard: int) -> None:
    """When no other save is writing beside `path`: remove the scratch folder with the
    leftovers of killed saves in it, and those of older versions beside `path`
    (`.NAME.xxxx.tmp`)."""
    try:
        fcntl.flock(guard, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return  # another save is under way; the last one to finish tidies
    leftovers = [entry for entry in folder.iterdir() if entry.name != ".gitignore"]
    leftovers += path.parent.glob(f".{path.name}.*.tmp")
    for leftover in leftovers:
        with suppress(OSError):  # tidying never fails a save that succeeded
            leftover.unlink()
    # The `.gitignore` goes last and only from an empty folder: git ignores whatever is in it.
    if [entry.name for entry in folder.iterdir()] == [".gitignore"]:
        with suppress(OSError):
            (folder / ".gitignore").unlink()
            folder.rmdir()
