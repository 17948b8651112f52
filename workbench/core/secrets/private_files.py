"""The user's private files (secret store, approvals): a folder of their own, locked JSON files.

Both files live in workbench's data directory (`$WORKBENCH_HOME`, else the platform's user
data folder). Rules, because a mistake here leaks or loses secrets:
- the folder is created with mode 0700 when missing; an existing one is never chmod-ed (it may
  be someone's shared folder) and is refused when it is a symlink, not the user's, or writable
  by others;
- files are read without following symlinks and replaced atomically, mode 0600;
- every read-modify-write holds an exclusive lock (`filelock`), so parallel processes lose
  nothing, and re-reads the file under that lock;
- a file that is not valid JSON, or of a format newer than this version knows, is never
  rewritten: the error says so and what to do.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from workbench.core.errors import SecretStoreError
from workbench.core.files import atomic_write

# How long a writer waits for another process's lock before saying so (a token refresh may
# hold it for a network round trip).
LOCK_TIMEOUT_SECONDS = 30.0


def check_private_directory(directory: Path) -> None:
    """Create `directory` (0700) when missing; refuse one that others could tamper with.

    Raises `SecretStoreError` naming the problem and the fix.
    """
    try:
        info = directory.lstat()
    except FileNotFoundError:
        try:
            directory.parent.mkdir(parents=True, exist_ok=True)
            directory.mkdir(mode=0o700)
        except FileExistsError:
            info = directory.lstat()  # made by a parallel process meanwhile: check it below
        except OSError as error:
            raise SecretStoreError(
                f"Cannot create the folder {directory} for workbench's private files: "
                f"{error.strerror}."
            ) from None
        else:
            return
    hint = (
        "Point WORKBENCH_HOME at a folder of your own (or at a new path, which workbench "
        "creates with mode 0700)."
    )
    if stat.S_ISLNK(info.st_mode):
        raise SecretStoreError(
            f"{directory} is a symbolic link; workbench does not follow it. {hint}"
        )
    if not stat.S_ISDIR(info.st_mode):
        raise SecretStoreError(f"{directory} is not a folder. {hint}")
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise SecretStoreError(f"{directory} belongs to another user. {hint}")
    if info.st_mode & 0o022:
        raise SecretStoreError(
            f"{directory} can be written by other users, who could replace workbench's "
            f"private files there. {hint}"
        )


class LockedJson:
    """One private JSON document: `{"format": N, ...}`, read and updated under a lock.

    `what` names the file in messages ("the secret store"); `fresh` makes the document of a
    file that does not exist yet; `valid` checks a document's layout.
    """

    def __init__(
        self,
        path: Path,
        *,
        what: str,
        format: int,
        fresh: Callable[[], dict[str, Any]],
        valid: Callable[[dict[str, Any]], bool],
    ) -> None:
        self.path = path
        self.what = what
        self.format = format
        self._fresh = fresh
        self._valid = valid

    def stamp(self) -> tuple[int, int, int] | None:
        """What the file looks like now (inode, size, mtime): a change means someone wrote it."""
        try:
            info = self.path.lstat()
        except OSError:
            return None
        return (info.st_ino, info.st_size, info.st_mtime_ns)

    def read(self) -> dict[str, Any]:
        """The document (a fresh one when the file does not exist); `SecretStoreError` when it
        cannot be read or is not one this version understands."""
        try:
            descriptor = os.open(self.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except FileNotFoundError:
            return self._fresh()
        except OSError as error:
            if error.errno == errno.ELOOP:
                raise SecretStoreError(
                    f"{self.what.capitalize()} {self.path} is a symbolic link; workbench does "
                    "not follow it. Replace it with the file itself."
                ) from None
            raise SecretStoreError(
                f"Cannot read {self.what} {self.path}: {error.strerror}."
            ) from None
        with os.fdopen(descriptor, "rb") as handle:
            raw = handle.read()
        return self._parse(raw)

    def _parse(self, raw: bytes) -> dict[str, Any]:
        keep = (
            "workbench has not changed it. Move it aside (your values there are kept in it) "
            "and set them again, or fix the file."
        )
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise SecretStoreError(
                f"{self.what.capitalize()} {self.path} is not valid JSON; {keep}"
            ) from None
        if not isinstance(data, dict):
            raise SecretStoreError(
                f"{self.what.capitalize()} {self.path} has an unexpected layout; {keep}"
            )
        version = data.get("format")
        if isinstance(version, int) and not isinstance(version, bool) and version > self.format:
            raise SecretStoreError(
                f"{self.what.capitalize()} {self.path} has format {version}, written by a newer "
                f"workbench (this one knows format {self.format}); workbench has not changed "
                "it. Upgrade workbench, or use another WORKBENCH_HOME."
            )
        if version != self.format or not self._valid(data):
            raise SecretStoreError(
                f"{self.what.capitalize()} {self.path} has an unexpected layout; {keep}"
            )
        return data

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the file's lock (other processes' updates wait); re-entrant in one process."""
        from filelock import FileLock, Timeout

        check_private_directory(self.path.parent)
        lock = FileLock(
            str(self.path) + ".lock",
            timeout=LOCK_TIMEOUT_SECONDS,
            mode=0o600,
            thread_local=False,
            # One lock object per file in a process: a second one would wait for the first.
            is_singleton=True,
        )
        try:
            with lock:
                yield
        except Timeout:
            raise SecretStoreError(
                f"{self.what.capitalize()} {self.path} stayed locked by another workbench for "
                f"{LOCK_TIMEOUT_SECONDS:g} s. If none is running, remove {lock.lock_file}."
            ) from None

    @contextmanager
    def update(self) -> Iterator[dict[str, Any]]:
        """Read the document under the lock, let the caller change it, write it back when it
        changed (atomically, mode 0600). Nothing is written when the body raises."""
        with self.locked():
            data = self.read()
            before = json.dumps(data, sort_keys=True)
            yield data
            if json.dumps(data, sort_keys=True) != before:
                self._write(json.dumps(data, indent=2, sort_keys=True).encode())

    def _write(self, content: bytes) -> None:
        try:
            atomic_write(self.path, content, mode=0o600)
        except OSError as error:
            raise SecretStoreError(
                f"Cannot write {self.what} {self.path}: {error.strerror}."
            ) from None
