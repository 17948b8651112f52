"""A call's `timeout` is a deadline for the whole exchange, not for each read.

A server that drips a byte every quarter second never lets a per-read timeout fire; the
deadline stops it all the same, keeps what arrived, and says what to do.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_process import workbench

from workbench.core.sending.exchange import FailureKind
from workbench.core.sending.session import Session
from workbench.core.workspace.chaining import find_call
from workbench.core.workspace.io import load_workspace

DEADLINE = 1  # seconds: the call's timeout
DRIP_INTERVAL = 0.25  # seconds between two bytes: far less than the deadline
BODY_LENGTH = 60
BODY_SECONDS = BODY_LENGTH * DRIP_INTERVAL  # to send the whole body: 15 s


@pytest.fixture
def drip_url() -> Iterator[str]:
    """A server that answers 200 at once, then sends its body a byte every DRIP_INTERVAL."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve(connection: socket.socket) -> None:
        with connection:
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % BODY_LENGTH)
            while not stop.wait(DRIP_INTERVAL):
                try:
                    connection.sendall(b".")
                except OSError:
                    return

    def accept() -> None:
        while not stop.is_set():
            connection, _ = listener.accept()
            threading.Thread(target=serve, args=(connection,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    address = listener.getsockname()
    yield f"http://127.0.0.1:{address[1]}"
    stop.set()
    socket.create_connection(address).close()  # wakes the blocked accept()
    thread.join()
    listener.close()


def drip_workspace(folder: Path, url: str) -> Path:
    path = folder / "drip.toml"
    path.write_text(
        f"""format = 1
id = "0d1e2f3a4b5c6d7e8f90a1b2c3d4e5f6"
name = "Drip"

[[providers]]
name = "Drip"
base_url = "{url}"

[[providers.calls]]
name = "Slow"
use_as = "data"
method = "GET"
url = "/"
options = {{ timeout = {DEADLINE} }}
""",
        encoding="utf-8",
    )
    return path


async def test_a_dripping_body_is_cut_at_the_deadline(tmp_path: Path, drip_url: str) -> None:
    path = drip_workspace(tmp_path, drip_url)
    session = Session.open(load_workspace(path), path)
    try:
        provider, call = find_call(session.workspace, "Drip/Slow")
        exchange = await session.send(provider, call)
    finally:
        await session.aclose()
    assert exchange.failure is not None and exchange.failure.kind is FailureKind.TIMEOUT
    assert f"{DEADLINE} s deadline" in exchange.failure.message
    assert exchange.status == 200 and 0 < len(exchange.body) < BODY_LENGTH  # what arrived is kept
    # Cut at the deadline, long before the whole body could have come.
    assert DEADLINE * 0.9 <= exchange.total_time < BODY_SECONDS / 2


def test_run_ends_within_the_deadline_with_the_timeout_exit_code(
    tmp_path: Path, drip_url: str
) -> None:
    path = drip_workspace(tmp_path, drip_url)
    started = time.monotonic()
    result = workbench("run", str(path), "Drip/Slow")
    elapsed = time.monotonic() - started
    assert result.returncode == 6, result.stderr
    assert f"{DEADLINE} s deadline" in result.stderr and "Traceback" not in result.stderr
    # Ended by the deadline, not by the end of the body: that would take BODY_SECONDS. (How
    # much of the rest is the interpreter's start depends on the machine: not checked.)
    assert elapsed < BODY_SECONDS / 2, elapsed
