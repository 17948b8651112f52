"""Serving a test's asyncio connection handler on loopback, from a thread with its own loop.

The loopback proxies and the HTTP/2 server use it: a session on the test's event loop and a
`workbench` process alike can reach a server that runs on a loop of its own. When the block
ends, every open connection is closed and its task cancelled.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@contextmanager
def serving(handle: Handler, tls: ssl.SSLContext | None = None) -> Iterator[int]:
    """Serve `handle` (over TLS with `tls`) on a free loopback port, from a thread of its own,
    until the block ends; the port."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    writers: set[asyncio.StreamWriter] = set()

    async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.add(writer)
        try:
            await handle(reader, writer)
            await writer.drain()
        except (OSError, asyncio.IncompleteReadError, ValueError, ssl.SSLError):
            pass  # the client went away mid-way, or sent something this server does not speak
        finally:
            writer.close()
            writers.discard(writer)

    async def start() -> asyncio.Server:
        return await asyncio.start_server(connection, "127.0.0.1", 0, ssl=tls)

    server = asyncio.run_coroutine_threadsafe(start(), loop).result()
    try:
        yield server.sockets[0].getsockname()[1]
    finally:

        async def stop() -> None:
            server.close()
            for writer in list(writers):
                writer.close()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.gather(*tasks, return_exceptions=True)
            await asyncio.sleep(0)  # the closed transports let go of their sockets

        asyncio.run_coroutine_threadsafe(stop(), loop).result()
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()
