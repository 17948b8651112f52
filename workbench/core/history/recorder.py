"""Keeping a session's exchanges in the history without holding up a send.

Making an entry (masking a body of up to the size cap) and writing it happen in one writer
thread of the process, in the order the exchanges came; a send goes on as soon as its
exchange is handed over. A history that cannot be written costs the send nothing: its
message is kept once in `problems`, and given to `on_problem` on the event loop that recorded
the exchange (the TUI shows it; the CLI prints `problems` when it is done).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial

from workbench.core.errors import HistoryError
from workbench.core.history.entry import Where, kept_entry
from workbench.core.history.store import HistoryStore
from workbench.core.secrets.masking import Masker
from workbench.core.sending.exchange import Exchange

_writer: ThreadPoolExecutor | None = None
_writer_lock = threading.Lock()


def _writer_thread() -> ThreadPoolExecutor:
    """The process's one history writer (SQLite takes one writer at a time anyway)."""
    global _writer
    with _writer_lock:
        if _writer is None:
            _writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="workbench-history")
        return _writer


class HistoryRecorder:
    """Hands each exchange of a session to the history writer."""

    def __init__(
        self, store: HistoryStore, on_problem: Callable[[str], None] | None = None
    ) -> None:
        self.store = store
        self.on_problem = on_problem
        self.problems: list[str] = []
        self._pending: set[Future[None]] = set()
        self._lock = threading.Lock()

    def record(self, where: Where, exchange: Exchange) -> None:
        """Keep `exchange` (masked as `entry.kept_entry` says), in the writer thread."""
        # The private values known now: a later `forget_known_values` must not unmask it.
        masker = Masker.known()
        sent_at = time.time() - exchange.total_time
        try:
            loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        future = _writer_thread().submit(self._write, where, sent_at, exchange, masker)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(partial(self._done, loop))

    def _write(self, where: Where, sent_at: float, exchange: Exchange, masker: Masker) -> None:
        self.store.add(kept_entry(where, sent_at, exchange, masker))

    def _done(self, loop: asyncio.AbstractEventLoop | None, future: Future[None]) -> None:
        with self._lock:
            self._pending.discard(future)
        error = future.exception()
        if error is None:
            return
        message = str(error)
        if not isinstance(error, HistoryError):
            # Not a database problem but a mistake of ours: the send still goes on.
            message = f"The exchange was not kept in the history: {error!r}"
        message = Masker.known().text(message)
        with self._lock:
            if message in self.problems:
                return
            self.problems.append(message)
        if self.on_problem is not None and loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self.on_problem, message)

    async def flush(self) -> None:
        """Wait until every exchange recorded so far is written (or failed)."""
        with self._lock:
            pending = list(self._pending)
        for future in pending:
            try:
                await asyncio.wrap_future(future)
            except Exception:  # noqa: BLE001 - noted in `problems` by `_done`
                pass
