"""Waiting in Pilot tests on conditions, never for a fixed time."""

from __future__ import annotations

import asyncio
import time

from textual.app import App
from textual.screen import ModalScreen
from textual.worker import WorkerState

ACTIVE = (WorkerState.PENDING, WorkerState.RUNNING)


async def workers_done(app: App[object], timeout: float = 20) -> None:
    """Wait until no worker runs, or until the one that does waits for a dialog's answer
    (a desk flow asks its questions from inside its worker)."""
    deadline = time.monotonic() + timeout
    while any(w.state in ACTIVE for w in app.workers):
        if isinstance(app.screen, ModalScreen):
            return
        assert time.monotonic() < deadline, "timed out waiting for the workers"
        await asyncio.sleep(0.01)
