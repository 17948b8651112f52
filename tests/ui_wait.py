"""Waiting on conditions, never for a fixed time.

UI tests wait with these for the workers (a send, a parse), for a condition on the
screen or the model, for the command palette's search; other tests wait for a process,
a file or a server with `wait_until` (or `wait_until_async` in a coroutine). Each wait
fails with a message after its timeout instead of hanging, and returns as soon as it can.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from textual.app import App
from textual.command import CommandInput, CommandList, CommandPalette
from textual.pilot import Pilot
from textual.screen import ModalScreen
from textual.worker import WorkerState

ACTIVE = (WorkerState.PENDING, WorkerState.RUNNING)
POLL_SECONDS = 0.01


async def workers_done(app: App[Any], timeout: float = 20) -> None:
    """Wait until no worker runs, or until the one that does waits for a dialog's answer
    (a desk flow asks its questions from inside its worker)."""
    deadline = time.monotonic() + timeout
    while _running(app):
        if isinstance(app.screen, ModalScreen):
            return
        assert time.monotonic() < deadline, "timed out waiting for the workers"
        await asyncio.sleep(POLL_SECONDS)


async def wait_for(
    pilot: Pilot[None], condition: Callable[[], object], *, timeout: float = 10, what: str = ""
) -> None:
    """Let the app run until `condition()` is true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what or condition}"
        await pilot.pause(POLL_SECONDS)


async def settle(pilot: Pilot[None], app: App[Any], timeout: float = 20) -> None:
    """Wait until the workers are done and what they posted is handled, the screen updated:
    a call sent and its response shown (the response view parses in a worker of its own,
    started by the send's message). Returns early when a dialog waits for an answer."""
    deadline = time.monotonic() + timeout
    while True:
        await workers_done(app, timeout=max(0.0, deadline - time.monotonic()))
        await pilot.pause()
        if isinstance(app.screen, ModalScreen) or not _running(app):
            return


def _running(app: App[Any]) -> bool:
    return any(w.state in ACTIVE for w in app.workers)


async def palette_searched(pilot: Pilot[None], query: str, timeout: float = 10) -> CommandPalette:
    """Wait until the open command palette has `query` in its input, has searched for it and
    shows the hits; Enter then takes the first one."""
    palette = pilot.app.screen
    assert isinstance(palette, CommandPalette), f"no command palette open: {palette}"
    group = CommandPalette._GATHER_COMMANDS_GROUP

    def searched() -> bool:
        if palette.query_one(CommandInput).value != query:
            return False  # the last keys (or the paste) are still on their way
        searching = any(w.group == group and w.state in ACTIVE for w in pilot.app.workers)
        return not searching and palette.query_one(CommandList).option_count > 0

    await wait_for(pilot, searched, timeout=timeout, what=f"the palette's hits for {query!r}")
    await pilot.pause()  # the hits laid out, on screen
    return palette


def wait_until(condition: Callable[[], object], *, timeout: float = 60, what: str = "") -> None:
    """Outside an app (processes, files, servers): wait until `condition()` is true."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what or condition}"
        time.sleep(POLL_SECONDS)


async def wait_until_async(
    condition: Callable[[], object], *, timeout: float = 60, what: str = ""
) -> None:
    """`wait_until` in a coroutine: the event loop runs meanwhile."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what or condition}"
        await asyncio.sleep(POLL_SECONDS)
