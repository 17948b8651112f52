"""A call's `timeout` is a deadline for the whole exchange, not for each read.

A server that drips one byte a second never lets a per-read timeout fire; the deadline
stops it all the same, keeps what arrived, and says what to do.
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


@pytest.fixture
def drip_url() -> Iterator[str]:
    """A server that answers 200 at once, then sends its body one byte a second."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve(connection: socket.socket) -> None:
        with connection:
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 60\r\n\r\n")
            while not stop.wait(1.0):
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
options = {{ timeout = 2 }}
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
    assert "2 s deadline" in exchange.failure.message
    assert exchange.status == 200 and 0 < len(exchange.body) < 60  # what arrived is kept
    assert exchange.total_time < 3


def test_run_ends_within_the_deadline_with_the_timeout_exit_code(
    tmp_path: Path, drip_url: str
) -> None:
    path = drip_workspace(tmp_path, drip_url)
    started = time.monotonic()
    result = workbench("run", str(path), "Drip/Slow")
    elapsed = time.monotonic() - started
    assert result.returncode == 6, result.stderr
    assert "deadline" in result.stderr and "Traceback" not in result.stderr
    # 2 s of deadline plus the interpreter's start (about half a second here).
    assert elapsed < 4, elapsed
