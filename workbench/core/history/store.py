"""The history database: past exchanges in SQLite, in the user's data directory.

`history.sqlite3` lives beside the secret store (`$WORKBENCH_HOME`, else the `workbench` folder
of the user's data directory), mode 0600 in a folder only the user can write, never in a
workspace's folder. Entries arrive masked (see `entry`). After each entry the oldest ones are
removed until at most `max_entries` are kept and their bodies and headers take at most
`max_bytes`; deleted rows are overwritten on disk (`secure_delete`), and `clear` also empties
the write-ahead log, so a removed entry cannot be read back from the file.

Every failure (a file that is not a database, a lock held too long, a full disk, a database
of a newer workbench) raises `HistoryError` with what to do; the database is never replaced.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.core.errors import HistoryError, SecretStoreError
from workbench.core.history.entry import HistoryEntry, HistorySummary, Where
from workbench.core.secrets.private_files import check_private_directory
from workbench.core.secrets.store import default_home
from workbench.core.sending.exchange import Exchange, Failure, FailureKind, SentRequest

FILE_NAME = "history.sqlite3"
SCHEMA_VERSION = 1
DEFAULT_MAX_ENTRIES = 2000
DEFAULT_MAX_BYTES = 200 * 1024 * 1024
# How long a write waits for another process's lock before giving up (the send goes on).
LOCK_TIMEOUT = 1.0

# Small columns first: a list reads them without stepping over the bodies stored after them.
_SCHEMA = (
    """
CREATE TABLE entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused, so an id names one entry for good
    workspace_id TEXT NOT NULL,
    workspace_name TEXT NOT NULL,
    provider TEXT NOT NULL,
    call TEXT NOT NULL,
    environment TEXT NOT NULL,
    workspace_path TEXT NOT NULL,
    sent_at REAL NOT NULL,
    method TEXT NOT NULL,
    url TEXT NOT NULL,
    status INTEGER,
    reason TEXT NOT NULL,
    http_version TEXT NOT NULL,
    time_to_headers REAL,
    total_time REAL NOT NULL,
    failure_kind TEXT NOT NULL,
    failure_message TEXT NOT NULL,
    body_size INTEGER NOT NULL,
    cut INTEGER NOT NULL,
    size INTEGER NOT NULL,  -- the bytes this entry counts against max_bytes
    final_url TEXT NOT NULL,
    redirects TEXT NOT NULL,
    cookies TEXT NOT NULL,
    parameters TEXT NOT NULL,
    request_headers TEXT NOT NULL,
    response_headers TEXT NOT NULL,
    request_body BLOB NOT NULL,
    response_body BLOB NOT NULL
)""",
    "CREATE INDEX entries_by_call ON entries (workspace_id, provider, call, id)",
    # The limits are checked after every entry: from this index, not from the rows.
    "CREATE INDEX entries_sizes ON entries (id, size)",
)

_SUMMARY_COLUMNS = (
    "id, workspace_id, workspace_name, provider, call, environment, workspace_path, sent_at, "
    "method, url, "
    "status, reason, total_time, failure_kind"
)


@dataclass(frozen=True)
class WorkspaceKey:
    """One workspace's entries: by its id, or by the absolute path of its file."""

    id: str
    path: str


class HistoryStore:
    """The history database of the user (`home`: default `secrets.default_home()`)."""

    def __init__(
        self,
        home: Path | None = None,
        *,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        max_bytes: int = DEFAULT_MAX_BYTES,
        lock_timeout: float = LOCK_TIMEOUT,
    ) -> None:
        self.home = home if home is not None else default_home()
        self.path = self.home / FILE_NAME
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.lock_timeout = lock_timeout
        self._writer = threading.local()  # the connection `add` keeps open in its thread

    def add(self, entry: HistoryEntry) -> int:
        """Keep `entry`, then remove the oldest entries over the limits; its new id."""
        row = _row(entry)
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        with self._connection(create=True) as connection:
            connection.execute("BEGIN IMMEDIATE")
            cursor = connection.execute(
                f"INSERT INTO entries ({columns}) VALUES ({marks})", tuple(row.values())
            )
            self._prune(connection)
            connection.execute("COMMIT")
            return int(cursor.lastrowid or 0)

    def summaries(
        self,
        *,
        workspace: WorkspaceKey | None = None,
        provider: str | None = None,
        call: str | None = None,
        limit: int | None = None,
    ) -> list[HistorySummary]:
        """The entries (of one workspace, provider or call when given), newest first."""
        where, values = _filter(workspace, provider, call)
        query = f"SELECT {_SUMMARY_COLUMNS} FROM entries{where} ORDER BY id DESC"
        if limit is not None:
            query += f" LIMIT {int(limit)}"
        with self._connection() as connection:
            if connection is None:
                return []
            connection.row_factory = sqlite3.Row
            return [_summary(row) for row in connection.execute(query, values)]

    def entry(self, entry_id: int) -> HistoryEntry | None:
        """The entry with this id, or None when there is none (any more)."""
        with self._connection() as connection:
            if connection is None:
                return None
            connection.row_factory = sqlite3.Row
            row = connection.execute("SELECT * FROM entries WHERE id = ?", (entry_id,)).fetchone()
        return None if row is None else _entry(row)

    def clear(self, workspace: WorkspaceKey | None = None) -> int:
        """Remove every entry (of one workspace when given); how many were removed. The
        removed entries are overwritten in the file and its write-ahead log is emptied."""
        where, values = _filter(workspace, None, None)
        with self._connection() as connection:
            if connection is None:
                return 0
            removed = int(connection.execute(f"DELETE FROM entries{where}", values).rowcount)
            connection.execute("VACUUM")
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return removed

    def _prune(self, connection: sqlite3.Connection) -> None:
        """Remove the oldest entries until both limits hold."""
        count, total = connection.execute(
            "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM entries"
        ).fetchone()
        if count <= self.max_entries and total <= self.max_bytes:
            return
        # Walk from the newest back; the first entry over either limit and all older go.
        kept_count, kept_bytes, first_removed = 0, 0, None
        for entry_id, size in connection.execute("SELECT id, size FROM entries ORDER BY id DESC"):
            kept_count += 1
            kept_bytes += size
            # The newest entry is always kept, whatever its size.
            if kept_count > 1 and (kept_count > self.max_entries or kept_bytes > self.max_bytes):
                first_removed = entry_id
                break
        if first_removed is not None:
            connection.execute("DELETE FROM entries WHERE id <= ?", (first_removed,))
            connection.execute("PRAGMA incremental_vacuum")

    @contextmanager
    def _connection(self, *, create: bool = False) -> Iterator[Any]:
        """An open connection (None when the database does not exist and `create` is off);
        every SQLite or file error as a `HistoryError` naming the file.

        The writer's connection (`create`) stays open in its thread: closing the last
        connection to the file checkpoints the whole write-ahead log with an fsync, which
        would cost every entry milliseconds.
        """
        kept: sqlite3.Connection | None = getattr(self._writer, "connection", None)
        connection = kept if create else None
        try:
            if not create and not self.path.exists():
                yield None
                return
            if connection is None:
                connection = self._open()
                if create:
                    self._writer.connection = connection
            yield connection
        except sqlite3.Error as error:
            self._drop(connection)
            raise HistoryError(_problem(self.path, error)) from None
        except (OSError, SecretStoreError) as error:
            self._drop(connection)
            reason = error.strerror if isinstance(error, OSError) else str(error)
            raise HistoryError(f"The history {self.path} cannot be used: {reason}") from None
        finally:
            if connection is not None and not create:
                connection.close()

    def _open(self) -> sqlite3.Connection:
        check_private_directory(self.home)
        # Made with mode 0600 before SQLite opens it (SQLite would use the umask); its
        # write-ahead log and index files take the same mode from it.
        os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
        connection = sqlite3.connect(self.path, timeout=self.lock_timeout, isolation_level=None)
        try:
            _prepare(connection, self.path)
        except BaseException:
            connection.close()
            raise
        return connection

    def _drop(self, connection: sqlite3.Connection | None) -> None:
        """After a failure: forget the writer's connection (the next entry opens afresh)."""
        kept: object = getattr(self._writer, "connection", None)
        if connection is None or kept is not connection:
            return
        self._writer.connection = None
        connection.close()


def _prepare(connection: sqlite3.Connection, path: Path) -> None:
    """Settings of every connection, and the table on first use."""
    connection.execute("PRAGMA secure_delete = ON")
    connection.execute("PRAGMA synchronous = NORMAL")  # safe with WAL; a write costs no fsync
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise HistoryError(
            f"The history {path} was written by a newer workbench; it is left as it is. "
            "Update workbench, or keep it elsewhere by moving that file away."
        )
    if version == SCHEMA_VERSION:
        return
    # Set before the first table is made; both stay set in the file.
    connection.execute("PRAGMA auto_vacuum = INCREMENTAL")
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("BEGIN IMMEDIATE")
    if connection.execute("PRAGMA user_version").fetchone()[0] == 0:  # not a parallel process's
        for statement in _SCHEMA:
            connection.execute(statement)
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    connection.execute("COMMIT")


def _problem(path: Path, error: sqlite3.Error) -> str:
    text = str(error)
    if "locked" in text or "busy" in text:
        return (
            f"The history {path} is locked by another workbench process; this exchange "
            "was not kept."
        )
    if "not a database" in text or "malformed" in text:
        return (
            f"The history {path} is damaged ({text}). Remove that file (`workbench history "
            "clear` cannot read it) to start a new history."
        )
    return f"The history {path} cannot be used: {text}"


def _filter(
    workspace: WorkspaceKey | None, provider: str | None, call: str | None
) -> tuple[str, tuple[str, ...]]:
    """A WHERE clause (with its leading space, or "") and its values."""
    clauses: list[str] = []
    values: list[str] = []
    if workspace is not None and workspace.path:
        clauses.append("(workspace_id = ? OR workspace_path = ?)")
        values += [workspace.id, workspace.path]
    elif workspace is not None:
        clauses.append("workspace_id = ?")
        values.append(workspace.id)
    for column, value in (("provider", provider), ("call", call)):
        if value is not None:
            clauses.append(f"{column} = ?")
            values.append(value)
    if not clauses:
        return "", ()
    return f" WHERE {' AND '.join(clauses)}", tuple(values)


def _row(entry: HistoryEntry) -> dict[str, object]:
    exchange, where = entry.exchange, entry.where
    request, failure = exchange.request, exchange.failure
    row: dict[str, object] = {
        "workspace_id": where.workspace_id,
        "workspace_name": where.workspace_name,
        "provider": where.provider,
        "call": where.call,
        "environment": where.environment,
        "workspace_path": where.workspace_path,
        "sent_at": entry.sent_at,
        "method": request.method,
        "url": request.url,
        "request_headers": _pairs(request.headers),
        "request_body": request.body,
        "parameters": _pairs(request.parameters),
        "status": exchange.status,
        "reason": exchange.reason,
        "http_version": exchange.http_version,
        "response_headers": _pairs(exchange.headers),
        "response_body": exchange.body,
        "body_size": entry.body_size,
        "cut": int(entry.cut),
        "time_to_headers": exchange.time_to_headers,
        "total_time": exchange.total_time,
        "failure_kind": "" if failure is None else str(failure.kind),
        "failure_message": "" if failure is None else failure.message,
        "redirects": json.dumps(exchange.redirects),
        "final_url": exchange.url,
        "cookies": json.dumps(exchange.cookies),
    }
    row["size"] = sum(len(v) for v in row.values() if isinstance(v, str | bytes))
    return row


def _pairs(pairs: tuple[tuple[str, str], ...]) -> str:
    return json.dumps([list(pair) for pair in pairs], ensure_ascii=False)


def _unpairs(text: str) -> tuple[tuple[str, str], ...]:
    return tuple((str(name), str(value)) for name, value in json.loads(text))


def _where(row: sqlite3.Row) -> Where:
    return Where(
        row["workspace_id"],
        row["workspace_name"],
        row["provider"],
        row["call"],
        row["environment"],
        row["workspace_path"],
    )


def _summary(row: sqlite3.Row) -> HistorySummary:
    return HistorySummary(
        id=row["id"],
        where=_where(row),
        sent_at=row["sent_at"],
        method=row["method"],
        url=row["url"],
        status=row["status"],
        reason=row["reason"],
        total_time=row["total_time"],
        failure=row["failure_kind"],
    )


def _entry(row: sqlite3.Row) -> HistoryEntry:
    failure = None
    if row["failure_kind"]:
        failure = Failure(FailureKind(row["failure_kind"]), row["failure_message"])
    exchange = Exchange(
        request=SentRequest(
            row["method"],
            row["url"],
            _unpairs(row["request_headers"]),
            bytes(row["request_body"]),
            _unpairs(row["parameters"]),
        ),
        status=row["status"],
        reason=row["reason"],
        http_version=row["http_version"],
        headers=_unpairs(row["response_headers"]),
        body=bytes(row["response_body"]),
        time_to_headers=row["time_to_headers"],
        total_time=row["total_time"],
        failure=failure,
        redirects=tuple((int(code), str(url)) for code, url in json.loads(row["redirects"])),
        url=row["final_url"],
        cookies=tuple(json.loads(row["cookies"])),
    )
    return HistoryEntry(
        _where(row),
        row["sent_at"],
        exchange,
        body_size=row["body_size"],
        cut=bool(row["cut"]),
        id=row["id"],
    )
